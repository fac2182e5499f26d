package zed.actors;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.level.LevelEntity;
import zed.actors.level.Placement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Levels are placed by Zed's external shard allocation, one shard per level, pinned to the node of their pool. */
class PlacementTest {
    @TempDir
    Path state;
    TestNode node;

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    static final String LEVEL = """
            level "%s" {}
            service "exec" "worker" {
              runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
            }
            """;

    @Test
    void everyPushedLevelIsPinnedToThisNodeAndIsItsOwnShardHere() throws Exception {
        node = TestNode.start(state);
        node.push("shop", "shop", null, LEVEL.formatted("shop"));
        node.push("blog", "blog", null, LEVEL.formatted("blog"));
        node.converged("shop", 1);
        node.converged("blog", 1);
        assertPinnedHere(Set.of("shop", "blog"));

        // the pins are written again when a restarted node wakes its levels from the journal
        node.restart();
        assertPinnedHere(Set.of("shop", "blog"));
        node.converged("shop", 1);
    }

    void assertPinnedHere(Set<String> levels) throws Exception {
        var system = node.node().system();
        Address self = Cluster.get(system).selfMember().address();
        Map<String, Address> pins = Placement.locations(system).toCompletableFuture().get(10, TimeUnit.SECONDS);
        for (String l : levels) assertEquals(self, pins.get(l), "pins: " + pins);

        TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(system);
        Set<String> shards = new TreeSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!shards.containsAll(levels) && System.nanoTime() < deadline) {
            ClusterSharding.get(system).shardState().tell(new GetShardRegionState(LevelEntity.KEY, probe.getRef()));
            shards.clear();
            for (ShardRegion.ShardState s : probe.receiveMessage(Duration.ofSeconds(10)).getShards()) {
                // one shard per level, named as the level, holding just that entity
                if (s.getEntityIds().equals(Set.of(s.shardId()))) shards.add(s.shardId());
            }
        }
        assertEquals(true, shards.containsAll(levels), "shards hosted here: " + shards);
    }
}
