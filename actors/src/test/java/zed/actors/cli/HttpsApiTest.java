package zed.actors.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.job.CheckpointEndpoint;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node whose API listens beyond loopback (the wildcard address): refused at start without a certificate, and
 * over HTTPS with the one {@code zed cluster init} made for its host, which the CLI checks; this host's jobs still
 * post their checkpoints in plain HTTP, on loopback.
 */
class HttpsApiTest {
    @TempDir
    static Path keys;
    @TempDir
    Path state;
    ZedNode node;

    @BeforeAll
    static void makeTwoClusters() throws Exception {
        HttpsNodeTest.twoClusters(keys);
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    ZedNode start() {
        return ZedNode.start(config());
    }

    NodeConfig config() {
        return NodeConfig.defaults(state).withHttp("0.0.0.0", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0));
    }

    /**
     * The operator's own keystore ({@code --api-keystore}): a host keystore another, throwaway CA signed ("theirs"),
     * while {@code $ZED_HOME/tls} holds the cluster's ("ours"). The API shows the operator's certificate: the CLI
     * talks to it trusting that CA (ZED_CA), and refuses it trusting the cluster CA or the JDK's public CAs.
     */
    @Test
    void withTheOperatorsKeystoreTheApiShowsItsCertificateInsteadOfTheClusters() throws Exception {
        Path tls = Files.createDirectories(state.resolve("tls"));
        for (String f : new String[]{"node.p12", "trust.p12", "password"}) Files.copy(keys.resolve("ours/h1/tls").resolve(f), tls.resolve(f));
        node = ZedNode.start(config().withApiKeystore(new zed.actors.node.ApiKeystore(keys.resolve("theirs/h1/tls/node.p12"), keys.resolve("theirs/h1/tls/password"))));
        assertTrue(node.https());
        String url = "https://127.0.0.1:" + node.httpPort();
        String token = Files.readString(state.resolve("api-token")).strip();

        CliRun r = CliRun.run(Map.of("ZED_HOME", keys.resolve("elsewhere").toString(), "ZED_TOKEN", token, "ZED_CA", keys.resolve("theirs/ca/ca.pem").toString()),
                "hosts", "--node", url);
        assertEquals(0, r.exit(), r.toString());
        // the cluster CA of $ZED_HOME/tls did not sign it
        r = CliRun.run(Map.of("ZED_HOME", state.toString()), "hosts", "--node", url);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("its certificate is not one zed trusts (it trusts the cluster CA in " + tls.resolve("trust.p12")), r.toString());
        // nor did a public CA
        r = CliRun.run(Map.of("ZED_HOME", keys.resolve("elsewhere").toString(), "ZED_TOKEN", token), "hosts", "--node", url);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("its certificate is not one zed trusts (it trusts the JDK's public CAs"), r.toString());
    }

    @Test
    void withTheOperatorsKeystoreTheApiIsHttpsOnLoopbackToo() throws Exception {
        node = ZedNode.start(config().withHttp("127.0.0.1", 0)
                .withApiKeystore(new zed.actors.node.ApiKeystore(keys.resolve("theirs/h1/tls/node.p12"), keys.resolve("theirs/h1/tls/password"))));
        assertTrue(node.https());
        CliRun r = CliRun.run(Map.of("ZED_HOME", state.toString(), "ZED_CA", keys.resolve("theirs/ca/ca.pem").toString()),
                "hosts", "--node", "https://127.0.0.1:" + node.httpPort());
        assertEquals(0, r.exit(), r.toString());
        HttpClient http = HttpClient.newHttpClient();
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString()));
    }

    @Test
    void anOperatorsKeystoreThatDoesNotOpenStopsTheStartNamingItsFile() throws Exception {
        Path pw = state.resolve("wrong.pw");
        Files.writeString(pw, "not-its-password-7\n");
        Files.setPosixFilePermissions(pw, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path p12 = keys.resolve("theirs/h1/tls/node.p12");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZedNode.start(config().withApiKeystore(new zed.actors.node.ApiKeystore(p12, pw))));
        assertTrue(e.getMessage().startsWith("--api-keystore " + p12 + " does not open as a PKCS12 keystore with the password in " + pw), e.getMessage());
        assertTrue(!e.getMessage().contains("not-its-password-7"), e.getMessage());
    }

    @Test
    void anOperatorsCertificateForNoneOfTheNodesNamesStopsTheStart() throws Exception {
        zed.actors.cluster.ClusterKeys.create(keys.resolve("far"), java.util.Map.of("far", "198.51.100.7:25520"));
        Path p12 = keys.resolve("far/far/tls/node.p12");
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ZedNode.start(config().withApiKeystore(
                new zed.actors.node.ApiKeystore(p12, keys.resolve("far/far/tls/password")))));
        assertTrue(e.getMessage().startsWith("--api-keystore " + p12 + " holds a certificate for "), e.getMessage());
        assertTrue(e.getMessage().contains("none of the names this node is reached by (") && e.getMessage().contains("127.0.0.1"), e.getMessage());
    }

    @Test
    void beyondLoopbackWithoutACertificateTheNodeDoesNotStart() {
        IllegalStateException e = assertThrows(IllegalStateException.class, this::start);
        assertTrue(e.getMessage().contains("--listen 0.0.0.0:0 binds the API beyond loopback, where it must use HTTPS"), e.getMessage());
        assertTrue(e.getMessage().contains("zed cluster init"), e.getMessage());
    }

    @Test
    void beyondLoopbackTheApiIsHttpsWithTheHostsCertificate() throws Exception {
        Files.createDirectories(state);
        Path tls = Files.createDirectories(state.resolve("tls"));
        for (String f : new String[]{"node.p12", "trust.p12", "password"}) Files.copy(keys.resolve("ours/h1/tls").resolve(f), tls.resolve(f));
        node = start();
        assertTrue(node.https());
        String url = "https://127.0.0.1:" + node.httpPort();

        // on the host: the node's own token and the cluster CA of $ZED_HOME/tls
        CliRun r = CliRun.run(Map.of("ZED_HOME", state.toString()), "hosts", "--node", url);
        assertEquals(0, r.exit(), r.toString());
        r = CliRun.run(Map.of("ZED_HOME", keys.resolve("elsewhere").toString(), "ZED_TOKEN", Files.readString(state.resolve("api-token")).strip(),
                "ZED_CA", keys.resolve("ours/ca/ca.pem").toString()), "hosts", "--node", url);
        assertEquals(0, r.exit(), r.toString());
        r = CliRun.run(Map.of("ZED_HOME", keys.resolve("elsewhere").toString(), "ZED_TOKEN", Files.readString(state.resolve("api-token")).strip(),
                "ZED_CA", keys.resolve("theirs/ca/ca.pem").toString()), "hosts", "--node", url);
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().contains("its certificate is not one zed trusts"), r.toString());

        // plain HTTP on the API's port gets no answer
        HttpClient http = HttpClient.newHttpClient();
        assertThrows(java.io.IOException.class, () -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + "/v1/health")).build(),
                HttpResponse.BodyHandlers.ofString()));

        // a job's checkpoint URL: plain HTTP on loopback, answered by the checkpoint route (whose dataset is not there: 503)
        try (CheckpointEndpoint.Run run = node.checkpoints().in(new zed.reconciler.store.DirStore(state.resolve("store")))
                .open(new CheckpointEndpoint.JobKey("lab", "train"), "tank/lab/train", 2, t -> { })) {
            assertTrue(run.url().startsWith("http://127.0.0.1:"), run.url());
            HttpResponse<String> a = http.send(HttpRequest.newBuilder(URI.create(run.url())).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(503, a.statusCode(), a.body());
            assertTrue(a.body().startsWith("{\"error\":\"cannot read the snapshots of tank/lab/train"), a.body());
        }
    }
}
