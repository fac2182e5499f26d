package zed.actors.level;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * A push or rollback that brings a plan's hash goes to its level's entity through sharding, on whichever node that
 * runs: the hash survives the node's own serializer, and one without it still reads as none.
 */
class PlanHashSerializationTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        // the node's own binding (ZedNode): every command and answer as JSON
        kit = ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString("pekko.actor.serialization-bindings { \"zed.actors.JsonEvent\" = jackson-json }")
                .withFallback(com.typesafe.config.ConfigFactory.load()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void theHashCrossesNodesAndItsAbsenceToo() {
        SerializationTestKit s = new SerializationTestKit(kit.system());
        var pushed = kit.<LevelCommand.Pushed>createTestProbe().getRef();
        assertEquals("sha256:ab", s.verifySerialization(new LevelCommand.Push("level \"x\" {}", "Zedfile", "/d", null, false, pushed, "sha256:ab"), true).planHash());
        assertNull(s.verifySerialization(new LevelCommand.Push("level \"x\" {}", "Zedfile", "/d", null, false, pushed), true).planHash());
        var rolled = kit.<LevelCommand.RollbackAnswer>createTestProbe().getRef();
        assertEquals("sha256:cd", s.verifySerialization(new LevelCommand.RollbackTo("@rev:1", rolled, "sha256:cd"), true).planHash());
        s.verifySerialization(new LevelCommand.Previewed("{}", null, new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.PLAN_CHANGED, "m")), true);
    }
}
