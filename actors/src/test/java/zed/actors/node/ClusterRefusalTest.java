package zed.actors.node;

import org.junit.jupiter.api.Test;
import zed.actors.cluster.ClusterConfig;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a node refuses before it starts anything: a shared cluster on an H2 journal, Artery beyond loopback without TLS. */
class ClusterRefusalTest {
    static final NodeConfig BASE = NodeConfig.defaults(Path.of("/var/lib/zed"));

    @Test
    void aNodeThatJoinsOthersOnAnH2JournalIsRefusedSayingToUsePostgres() {
        NodeConfig c = BASE.withCluster(ClusterConfig.alone().withHost("h2").withAddress("127.0.0.3:25520").withSeeds(List.of("127.0.0.2:25520")));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZedNode.refuseUnsafeCluster(c));
        assertTrue(e.getMessage().startsWith("a node that joins others (--seed, or the hosts of cluster.conf) needs the journal they share, on PostgreSQL (--journal jdbc:postgresql://"), e.getMessage());
        // on PostgreSQL it may
        ZedNode.refuseUnsafeCluster(c.withJournal("jdbc:postgresql://127.0.0.1:5432/zed"));
        // so does one that forms through Cluster Bootstrap
        NodeConfig b = BASE.withCluster(ClusterConfig.alone().withHost("h1").withAddress("127.0.0.2:25520").withBootstrap(new zed.actors.cluster.Bootstrap(
                "127.0.0.2", 7626, List.of(new ClusterConfig.Address("127.0.0.2", 7626), new ClusterConfig.Address("127.0.0.3", 7626)))));
        assertTrue(assertThrows(IllegalStateException.class, () -> ZedNode.refuseUnsafeCluster(b)).getMessage().startsWith("a node that joins others"));
    }

    @Test
    void arteryBeyondLoopbackIsRefusedWithoutTlsMaterial(@org.junit.jupiter.api.io.TempDir Path home) throws Exception {
        NodeConfig c = NodeConfig.defaults(home).withJournal("jdbc:postgresql://127.0.0.1:5432/zed").withCluster(ClusterConfig.alone().withAddress("192.0.2.10:25520"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZedNode.refuseUnsafeCluster(c));
        assertEquals("--cluster 192.0.2.10:25520 binds the cluster beyond loopback, where Artery must use TLS with mutual authentication, and "
                + home.resolve("tls") + " holds no TLS material: make it with zed cluster init, and copy that host's directory into $ZED_HOME", e.getMessage());
        assertNull(ZedNode.refuseUnsafeCluster(c.withCluster(ClusterConfig.alone().withAddress("127.0.0.4:25520"))), "on loopback, none is needed");
        // with the material (as zed cluster init writes it), it may; incomplete material is refused, naming what is missing
        java.nio.file.Files.createDirectories(home.resolve("tls"));
        java.nio.file.Files.writeString(home.resolve("tls/node.p12"), "");
        assertEquals(home.resolve("tls") + " is incomplete: trust.p12 is missing (zed cluster init writes node.p12, trust.p12 and password)",
                assertThrows(IllegalStateException.class, () -> ZedNode.refuseUnsafeCluster(c)).getMessage());
        java.nio.file.Files.writeString(home.resolve("tls/trust.p12"), "");
        java.nio.file.Files.writeString(home.resolve("tls/password"), "x\n");
        // the material the start hands on to Artery and Cluster Bootstrap, read this once
        zed.actors.cluster.ClusterTls tls = ZedNode.refuseUnsafeCluster(c);
        assertEquals(home.resolve("tls/node.p12").toAbsolutePath(), tls.keyStore());
        assertEquals("x", tls.password());
        assertEquals("tls-tcp", ZedNode.config(c, tls).getString("pekko.remote.artery.transport"), "Artery over TLS");
        assertEquals("tcp", ZedNode.config(c, null).getString("pekko.remote.artery.transport"), "without it, plain TCP (on loopback alone)");
    }

    @Test
    void theApiBeyondLoopbackMayUseTheOperatorsKeystoreInsteadOfTheClustersMaterial(@org.junit.jupiter.api.io.TempDir Path home) {
        NodeConfig c = NodeConfig.defaults(home).withHttp("0.0.0.0", 7700);
        assertTrue(assertThrows(IllegalStateException.class, () -> ZedNode.refuseUnsafeCluster(c)).getMessage()
                .contains("or name your own with --api-keystore FILE.p12, or listen on 127.0.0.1"));
        // the keystore itself is opened and checked by the start (ApiKeystoreTest), after this
        assertNull(ZedNode.refuseUnsafeCluster(c.withApiKeystore(new ApiKeystore(home.resolve("api.p12"), null))));
    }

    @Test
    void clusterFlagsAreCheckedWithWhatIsWrong() {
        assertEquals("--host takes a host name (letters, digits, '.', '_', '-'; at most 63), not \"h 1\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.alone().withHost("h 1")).getMessage());
        assertEquals("--cluster takes HOST:PORT, not \"127.0.0.2\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.alone().withAddress("127.0.0.2")).getMessage());
        assertEquals("--seed: no port 70000 in \"h:70000\"",
                assertThrows(IllegalArgumentException.class, () -> ClusterConfig.alone().withSeeds(List.of("h:70000"))).getMessage());
        ClusterConfig ok = ClusterConfig.alone().withAddress("[::1]:25520");
        assertEquals("::1", ok.bind());
        assertEquals(25520, ok.port());
    }
}
