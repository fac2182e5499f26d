package zed.actors.level;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.telemetry.ZedMetrics;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The level entity's persisted events under Pekko's EventSourcedBehaviorTestKit (an in-memory journal; events and
 * state pass a round trip through the node's Jackson serializer). Its resources run for real, on the dir store.
 */
class LevelEntityTest {
    @TempDir
    Path state;
    ActorTestKit kit;
    ExecutorService blocking;
    EventSourcedBehaviorTestKit<LevelEntity.Command, LevelEntity.Event, LevelEntity.State> level;

    static final String SHOP = """
            level "shop" {}
            dataset "data" {}
            """;

    @BeforeEach
    void start() throws Exception {
        kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
                "pekko.actor.serialization-bindings { \"zed.actors.JsonEvent\" = jackson-json }")).withFallback(ConfigFactory.load()));
        blocking = Executors.newFixedThreadPool(2);
        LevelHost host = new LevelHost(NodeConfig.defaults(state), blocking, ZedMetrics.noop());
        level = EventSourcedBehaviorTestKit.create(kit.system(), LevelEntity.create("shop", host),
                EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
        Files.createDirectories(state.resolve("shop"));
    }

    @AfterEach
    void stop() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }

    EventSourcedBehaviorTestKit.CommandResultWithReply<LevelEntity.Command, LevelEntity.Event, LevelEntity.State, LevelEntity.Pushed> push(String source) {
        return level.runCommand(reply -> new LevelEntity.Push(source, "Zedfile", state.resolve("shop").toString(), null, false, reply));
    }

    void awaitConverged() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!level.getState().phase().equals("Converged")) {
            if (System.nanoTime() > deadline) throw new AssertionError("not converged: " + level.getState());
            Thread.sleep(50); // polling interval of a deadline wait
        }
    }

    @Test
    void aPushIsARevisionAndTheSamePushIsNothing() throws Exception {
        var first = push(SHOP);
        LevelEntity.Accepted a = assertInstanceOf(LevelEntity.Accepted.class, first.reply());
        assertEquals(1, a.revision());
        assertTrue(a.changed());
        LevelEntity.State st = level.getState();
        assertEquals(1, st.revision());
        assertTrue(List.of("Converging", "Converged").contains(st.phase()), st.phase());
        assertEquals(a.hash(), st.hash());
        awaitConverged(); // so that nothing the converge persists falls into the next command's events

        var again = push(SHOP);
        LevelEntity.Accepted b = assertInstanceOf(LevelEntity.Accepted.class, again.reply());
        assertFalse(b.changed(), "the same drift hash");
        assertEquals(1, b.revision());
        assertTrue(again.events().isEmpty(), "nothing persisted: " + again.events());
    }

    @Test
    void aBrokenZedfileIsRefusedWithPositionsAndPersistsNothing() {
        var r = push("level \"shop\" {}\ndataset \"data\" {\n  quota = \n}\n");
        LevelEntity.Refused refused = assertInstanceOf(LevelEntity.Refused.class, r.reply());
        assertEquals(LevelEntity.Refused.Why.INVALID, refused.why());
        assertFalse(refused.errors().isEmpty());
        assertEquals(3, refused.errors().get(0).pos().line(), refused.errors().toString());
        assertTrue(r.events().isEmpty());
        assertFalse(level.getState().exists());
    }

    @Test
    void aLevelWithoutServicesConvergesAndItsStateSurvivesARestart() throws Exception {
        push(SHOP);
        awaitConverged();
        assertEquals(1, level.getState().stableRevision());
        assertTrue(Files.isDirectory(state.resolve("store/data")), "the dataset, in the dir store");

        var restarted = level.restart();
        assertEquals(1, restarted.state().stableRevision());
        assertEquals("Converged", restarted.state().phase());

        var stopped = level.runCommand(LevelEntity.Stop::new);
        assertEquals(List.of(new LevelEntity.LevelStopped(1)), stopped.events());
        assertEquals("Stopped", stopped.state().phase());
    }
}
