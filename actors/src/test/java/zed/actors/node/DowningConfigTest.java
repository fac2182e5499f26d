package zed.actors.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.cluster.Downing;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * How long the split-brain resolver waits before it downs a lost host: Pekko's recommended minimum for the size that
 * cluster.conf lists (the same file on every host), Pekko's 20 s without one; a -D setting wins, as in any Pekko
 * application.
 */
class DowningConfigTest {
    @Test
    void pekkosRecommendationForTheClustersSize() {
        assertEquals(Duration.ofSeconds(20), Downing.stableAfter(0), "size not known: Pekko's default");
        assertEquals(Duration.ofSeconds(7), Downing.stableAfter(1));
        assertEquals(Duration.ofSeconds(7), Downing.stableAfter(5));
        assertEquals(Duration.ofSeconds(10), Downing.stableAfter(6));
        assertEquals(Duration.ofSeconds(10), Downing.stableAfter(10));
        assertEquals(Duration.ofSeconds(13), Downing.stableAfter(20));
        assertEquals(Duration.ofSeconds(17), Downing.stableAfter(21));
        assertEquals(Duration.ofSeconds(17), Downing.stableAfter(50));
        assertEquals(Duration.ofSeconds(20), Downing.stableAfter(100));
        assertEquals(Duration.ofSeconds(30), Downing.stableAfter(101));
        assertEquals(Duration.ofSeconds(13), Downing.removalMargin(3), "stable-after and the minority's wait for the lease");
        assertEquals(Duration.ofSeconds(26), Downing.removalMargin(0));
    }

    @Test
    void aNodeWaitsAsLongAsItsClusterConfSizeSays(@TempDir Path home) throws Exception {
        NodeConfig c = NodeConfig.defaults(home).withJournal("jdbc:postgresql://127.0.0.1:5432/zed");
        assertEquals(Duration.ofSeconds(20), stableAfter(c), "no cluster.conf");
        Files.writeString(home.resolve("cluster.conf"), "h1 = 127.0.0.2:25520\nh2 = 127.0.0.3:25520\nh3 = 127.0.0.4:25520\n");
        assertEquals(Duration.ofSeconds(7), stableAfter(c), "three hosts");
        // a lost host's levels start elsewhere only once its side, which asks for the lease 6 s later, has stopped them
        assertEquals(Duration.ofSeconds(13), ZedNode.config(c).getDuration("pekko.cluster.down-removal-margin"));
        assertEquals(Duration.ofSeconds(6), ZedNode.config(c).getDuration("pekko.cluster.split-brain-resolver.lease-majority.acquire-lease-delay-for-minority"));
        String key = "pekko.cluster.split-brain-resolver.stable-after";
        System.setProperty(key, "25s");
        try {
            assertEquals(Duration.ofSeconds(25), stableAfter(c), "-D wins");
        } finally {
            System.clearProperty(key);
            com.typesafe.config.ConfigFactory.invalidateCaches();
        }
    }

    private static Duration stableAfter(NodeConfig c) {
        com.typesafe.config.ConfigFactory.invalidateCaches();
        return ZedNode.config(c).getDuration("pekko.cluster.split-brain-resolver.stable-after");
    }
}
