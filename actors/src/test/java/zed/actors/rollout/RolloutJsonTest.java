package zed.actors.rollout;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a rollout journals and answers goes through the node's JSON serializer and comes back equal. */
class RolloutJsonTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(ConfigFactory.parseString("pekko.actor.serialization-bindings { \"zed.actors.JsonEvent\" = jackson-json }")
                .withFallback(ConfigFactory.load()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    static Object roundTrip(Object o) {
        Serialization s = SerializationExtension.get(kit.system());
        byte[] bytes = s.serialize(o).get();
        var serializer = s.findSerializerFor(o);
        return s.deserialize(bytes, serializer.identifier(), org.apache.pekko.serialization.Serializers.manifestFor(serializer, o)).get();
    }

    @Test
    void eventsAndTheLogRoundTrip() {
        Instant t = Instant.parse("2026-12-04T20:00:00Z");
        RolloutLog log = RolloutLogTest.replay(RolloutLogTest.started("coordinated", 1),
                RolloutLogTest.step("h1", RolloutState.Host.APPLYING, 2, null), RolloutLogTest.step("h1", RolloutState.Host.FAILED, 2, "gate"));
        List<Object> all = List.of(RolloutLogTest.started("rolling", 0), RolloutLogTest.step("h2", RolloutState.Host.REVERTING, 1, "why"),
                new RolloutEvent.Promoted(1, true, false, t), new RolloutEvent.HostSnapshotted(1, "h1", "zed-rollout-1-20261204T200000Z", t),
                new zed.actors.resource.LevelDatasets.Snapshotted("zed-rollout-1-20261204T200000Z", null, false), new RolloutEvent.RolloutEnded(1, "Reverted", Map.of("h1", 1L), List.of("h1"), List.of(), t), log);
        for (Object o : all) assertEquals(o, roundTrip(o), o.getClass().getSimpleName());
    }
}
