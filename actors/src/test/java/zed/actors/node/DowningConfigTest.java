package zed.actors.node;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.cluster.ClusterConfig;
import zed.actors.cluster.ClusterFile;
import zed.actors.cluster.Downing;
import zed.actors.cluster.PostgresLease;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * How long the split-brain resolver waits before it downs a lost host: Pekko's recommended minimum for the size that
 * cluster.conf lists (the same file on every host; the agent parses it once, into the ClusterConfig), Pekko's 20 s
 * without one; a -D setting wins, as in any Pekko application.
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
        assertEquals(Duration.ofSeconds(7), Downing.removalMargin(3), "Pekko's: stable-after (the cut-off side hears no as soon as the other holds the lease)");
        assertEquals(Duration.ofSeconds(20), Downing.removalMargin(0));
        assertEquals(Duration.ofSeconds(6), Downing.MINORITY_DELAY, "more than Pekko's 2 s, for loaded hosts");
        // the slack against a double run: the cut-off side downs itself at the later of the two sides' decisions (one
        // look at the lease's row after the other's), so the margin is stable-after at every size, less the services'
        // stop grace and that look: what the two sides' failure detectors may disagree by
        for (int hosts = 0; hosts <= 120; hosts++) {
            assertEquals(Downing.stableAfter(hosts), Downing.removalMargin(hosts), hosts + " hosts");
        }
        // the smaller side's wait for a free row is the lease's, not the resolver's delay
        Config lease = ConfigFactory.parseString(PostgresLease.config("jdbc:postgresql://127.0.0.1:5432/zed")).getConfig(PostgresLease.CONFIG_PATH);
        assertEquals(Downing.MINORITY_DELAY, lease.getDuration("minority-wait"));
    }

    /**
     * A lease holder that dies is waited for by the leader (its row runs out heartbeat-timeout after its last
     * renewal, then one claim), and meanwhile every other survivor runs Pekko's instability check, which downs every
     * node stable-after + down-all-when-unstable after its own first sight of the death: that must come after the
     * leader's wait, with room for the downing to reach the others (their check ends when the dead host is removed).
     */
    @Test
    void noSurvivorDownsEveryoneWhileTheLeaderWaitsForADeadHoldersLease() {
        assertEquals(Duration.ofSeconds(25), Downing.deadHolderWait(), "heartbeat-timeout 20 s and one claim, 5 s");
        assertEquals(Downing.deadHolderWait(), PostgresLease.HEARTBEAT_TIMEOUT.plus(PostgresLease.OPERATION_TIMEOUT));
        Config lease = ConfigFactory.parseString(PostgresLease.config("jdbc:postgresql://127.0.0.1:5432/zed")).getConfig(PostgresLease.CONFIG_PATH);
        assertEquals(PostgresLease.HEARTBEAT_TIMEOUT, lease.getDuration("heartbeat-timeout"), "the wait is computed from the lease's own settings");
        assertEquals(PostgresLease.OPERATION_TIMEOUT, lease.getDuration("lease-operation-timeout"));
        assertEquals(Duration.ofSeconds(25), Downing.downAllWhenUnstable(3), "Pekko's default would be 5.25 s");
        for (int hosts = 0; hosts <= 120; hosts++) {
            Duration check = Downing.stableAfter(hosts).plus(Downing.downAllWhenUnstable(hosts));
            // the survivor's check starts at its first sight of the death, at the death at the earliest
            Duration slack = check.minus(Downing.deadHolderWait());
            assertTrue(slack.compareTo(Downing.stableAfter(hosts)) >= 0, hosts + " hosts: only " + slack + " for the downing to spread");
            // never shorter than Pekko's own default (3/4 of stable-after, 4 s at least)
            Duration pekkos = Downing.stableAfter(hosts).multipliedBy(3).dividedBy(4);
            assertTrue(Downing.downAllWhenUnstable(hosts).compareTo(pekkos) >= 0 && Downing.downAllWhenUnstable(hosts).compareTo(Duration.ofSeconds(4)) >= 0, hosts + " hosts");
        }
    }

    @Test
    void aNodeWaitsAsLongAsItsClusterConfSizeSays(@TempDir Path home) throws Exception {
        NodeConfig alone = NodeConfig.defaults(home).withJournal("jdbc:postgresql://127.0.0.1:5432/zed");
        assertEquals(Duration.ofSeconds(20), stableAfter(alone), "no cluster.conf: Pekko's default");
        assertEquals(Duration.ofSeconds(20), ZedNode.config(alone, null).getDuration("pekko.cluster.down-removal-margin"));
        // seeds by flag, no cluster.conf: the size is not known (one seed says nothing of how many will join)
        NodeConfig seeded = alone.withCluster(ClusterConfig.alone().withHost("n2").withSeeds(List.of("127.0.0.1:25520")));
        assertEquals(Duration.ofSeconds(20), stableAfter(seeded), "--seed without cluster.conf");

        NodeConfig three = withClusterConf(alone, "h1 = 127.0.0.2:25520\nh2 = 127.0.0.3:25520\nh3 = 127.0.0.4:25520\n", "h2", false);
        assertEquals(3, three.cluster().hostsListed());
        assertEquals(Duration.ofSeconds(7), stableAfter(three), "three hosts");
        // a lost host's levels start elsewhere only once its side, which hears no for the lease as soon as this side
        // holds it, has stopped them
        assertEquals(Duration.ofSeconds(7), ZedNode.config(three, null).getDuration("pekko.cluster.down-removal-margin"));
        assertEquals(Duration.ZERO, ZedNode.config(three, null).getDuration("pekko.cluster.split-brain-resolver.lease-majority.acquire-lease-delay-for-minority"));
        // no survivor downs everyone while the leader waits for a dead lease holder's row
        assertEquals(Duration.ofSeconds(25), ZedNode.config(three, null).getDuration("pekko.cluster.split-brain-resolver.down-all-when-unstable"));
        assertEquals(Duration.ofSeconds(25), ZedNode.config(alone, null).getDuration("pekko.cluster.split-brain-resolver.down-all-when-unstable"));
        // after the margin, a lost host's shards and the placement table are looked for every half second, not every 2 s
        assertEquals(Duration.ofMillis(500), ZedNode.config(three, null).getDuration("pekko.cluster.sharding.retry-interval"));
        assertEquals(Duration.ofMillis(250), ZedNode.config(three, null).getDuration("pekko.cluster.singleton-proxy.singleton-identification-interval"));
        // the file's size holds with --seed too: it describes the cluster, the flag only how this node joins it
        NodeConfig threeSeeded = withClusterConf(alone, "h1 = 127.0.0.2:25520\nh2 = 127.0.0.3:25520\nh3 = 127.0.0.4:25520\n", "h2", true);
        assertEquals(Duration.ofSeconds(7), stableAfter(threeSeeded), "three hosts, joined by --seed");

        StringBuilder twelve = new StringBuilder();
        for (int i = 1; i <= 12; i++) twelve.append("h").append(i).append(" = 127.0.1.").append(i).append(":25520, bootstrap=7626\n");
        NodeConfig bootstrapped = withClusterConf(alone, twelve.toString(), "h5", false);
        assertEquals(12, bootstrapped.cluster().hostsListed());
        assertEquals(Duration.ofSeconds(13), stableAfter(bootstrapped), "twelve hosts, through Cluster Bootstrap");
        assertEquals(Duration.ofSeconds(13), ZedNode.config(bootstrapped, null).getDuration("pekko.cluster.down-removal-margin"));

        String key = "pekko.cluster.split-brain-resolver.stable-after";
        System.setProperty(key, "25s");
        try {
            assertEquals(Duration.ofSeconds(25), stableAfter(three), "-D wins");
        } finally {
            System.clearProperty(key);
            com.typesafe.config.ConfigFactory.invalidateCaches();
        }
    }

    /** The node's configuration as the agent makes it: cluster.conf written to $ZED_HOME, read back, and completing the flags. */
    private static NodeConfig withClusterConf(NodeConfig c, String text, String host, boolean seedsGiven) throws Exception {
        Path file = c.stateDir().resolve(ClusterFile.NAME);
        Files.writeString(file, text);
        ClusterConfig flags = ClusterConfig.alone().withHost(host);
        if (seedsGiven) flags = flags.withSeeds(List.of("127.0.0.2:25520"));
        ClusterConfig cc = ClusterFile.parse(Files.readString(file)).complete(flags, true, false, seedsGiven);
        Files.delete(file); // the node reads nothing of it: what it knows of the file is in its ClusterConfig
        return c.withCluster(cc);
    }

    private static Duration stableAfter(NodeConfig c) {
        com.typesafe.config.ConfigFactory.invalidateCaches();
        return ZedNode.config(c, null).getDuration("pekko.cluster.split-brain-resolver.stable-after");
    }
}
