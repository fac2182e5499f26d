package zed.actors.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.cluster.ClusterKeys;
import zed.actors.cluster.ClusterTls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The command line on an https:// node: a stand-in node over real TLS, showing the certificate {@code zed cluster init}
 * made for its host (h1, 127.0.0.1). The CLI trusts the CA it is told about (ZED_CA, else the cluster CA of
 * $ZED_HOME/tls), and refuses a certificate another CA signed, or one that does not name the host it called.
 */
class HttpsNodeTest {
    @TempDir
    static Path keys;
    StandInNode node;

    @BeforeAll
    static void makeTwoClusters() throws Exception {
        twoClusters(keys);
    }

    /** The material of two clusters' {@code zed cluster init}, each with a host h1 at 127.0.0.1: {@code ours/} and {@code theirs/}. */
    static void twoClusters(Path keys) throws Exception {
        ClusterKeys.create(keys.resolve("ours"), Map.of("h1", "127.0.0.1:25520"));
        ClusterKeys.create(keys.resolve("theirs"), Map.of("h1", "127.0.0.1:25520"));
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    static Map<String, String> env(Path home, String... pairs) {
        Map<String, String> env = new HashMap<>(Map.of("ZED_HOME", home.toString(), "ZED_TOKEN", "t".repeat(64)));
        for (int i = 0; i < pairs.length; i += 2) env.put(pairs[i], pairs[i + 1]);
        return env;
    }

    @Test
    void theCliTalksToANodeWhoseCertificateItsCaSignedAndRefusesAnother() throws Exception {
        node = new StandInNode(ClusterTls.in(keys.resolve("ours/h1")).sslContext());
        node.hostsBody = "{\"hosts\":[{\"name\":\"h1\",\"status\":\"up\",\"address\":\"pekko://zed@127.0.0.1:25520\",\"roles\":[],\"levels\":[]}]}";
        assertTrue(node.url().startsWith("https://"));

        CliRun ours = CliRun.run(env(keys.resolve("empty-home"), "ZED_CA", keys.resolve("ours/ca/ca.pem").toString()), "hosts", "--node", node.url());
        assertEquals(0, ours.exit(), ours.toString());
        assertTrue(ours.out().contains("h1"), ours.toString());
        assertEquals("Bearer " + "t".repeat(64), node.requests.get(0).authorization(), "the token went over TLS");

        // no ZED_CA: the cluster CA of $ZED_HOME/tls, as on a host of the cluster
        CliRun onAHost = CliRun.run(env(keys.resolve("ours/h1")), "hosts", "--node", node.url());
        assertEquals(0, onAHost.exit(), onAHost.toString());

        int asked = node.requests.size();
        CliRun theirs = CliRun.run(env(keys.resolve("empty-home"), "ZED_CA", keys.resolve("theirs/ca/ca.pem").toString()), "hosts", "--node", node.url());
        assertEquals(1, theirs.exit(), theirs.toString());
        assertTrue(theirs.err().contains("its certificate is not one zed trusts (it trusts the CA in ZED_CA=" + keys.resolve("theirs/ca/ca.pem")), theirs.toString());
        CliRun otherHome = CliRun.run(env(keys.resolve("theirs/h1")), "hosts", "--node", node.url());
        assertEquals(1, otherHome.exit(), otherHome.toString());
        CliRun publicCas = CliRun.run(env(keys.resolve("empty-home")), "hosts", "--node", node.url());
        assertEquals(1, publicCas.exit(), publicCas.toString());
        assertTrue(publicCas.err().contains("the JDK's public CAs"), publicCas.toString());
        assertEquals(asked, node.requests.size(), "no request reached the node over a connection zed does not trust");
    }

    @Test
    void aCertificateThatDoesNotNameTheHostCalledIsRefused() throws Exception {
        node = new StandInNode(ClusterTls.in(keys.resolve("ours/h1")).sslContext());
        // the certificate names h1 and 127.0.0.1; localhost is the same socket by another name
        String byName = node.url().replace("127.0.0.1", "localhost");
        CliRun r = CliRun.run(env(keys.resolve("empty-home"), "ZED_CA", keys.resolve("ours/ca/ca.pem").toString()), "hosts", "--node", byName);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("checks the host name localhost"), r.toString());
        assertEquals(List.of(), node.requests);
    }

    @Test
    void aZedCaThatIsNoCertificateIsSaid() throws Exception {
        node = new StandInNode(ClusterTls.in(keys.resolve("ours/h1")).sslContext());
        Path notPem = Files.writeString(keys.resolve("not.pem"), "hello\n");
        CliRun r = CliRun.run(env(keys.resolve("empty-home"), "ZED_CA", notPem.toString()), "hosts", "--node", node.url());
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("ZED_CA=" + notPem), r.toString());
    }
}
