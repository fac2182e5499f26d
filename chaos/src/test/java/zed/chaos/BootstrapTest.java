package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.LoopbackCluster;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Production formation: three agents on 127.0.0.2, .3 and .4, set up by {@code zed cluster init} and started at once
 * with no {@code --seed}, form one cluster through Cluster Bootstrap (each host's endpoint on its cluster.conf port,
 * mutual TLS with the cluster CA). A node of another cluster's CA that lists them as its contact points is not let in:
 * its probes fail, and an endpoint refuses a client that shows its certificate.
 */
@Tag("cluster-scenario") // runs beside another such scenario: see chaos/pom.xml
class BootstrapTest {
    @Test
    void threeHostsFormThroughClusterBootstrapAndANodeOfAnotherCaIsNotLetIn(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("bootstrap");
             LoopbackCluster cluster = LoopbackCluster.bootstrap(ZedProcess.bin(), work, 3, db, pool)) {
            JsonNode hosts = LoopbackCluster.awaitHosts(cluster.host("h3").node().api(), h -> h.path("status").asText().equals("up"), 3, Duration.ofSeconds(60));
            List<String> names = new ArrayList<>();
            for (JsonNode h : hosts.path("hosts")) {
                names.add(h.path("name").asText());
                assertEquals(cluster.host(h.path("name").asText()).address(), h.path("address").asText(), h.toString());
            }
            assertEquals(List.of("h1", "h2", "h3"), names, hosts.toString());
            String conf = Files.readString(cluster.host("h1").node().home().resolve("cluster.conf"));
            for (LoopbackCluster.Host h : cluster.hosts()) {
                int port = bootstrapPort(conf, h.name());
                // no seed: each formed through its endpoint, on cluster.conf's port
                assertTrue(Files.readString(h.node().home().resolve("agent.out")).contains("formed through Cluster Bootstrap on "
                        + h.address().substring(0, h.address().indexOf(':')) + ":" + port), h.name());
            }

            // another cluster, same addresses for h1..h3 plus its own h4: h4 probes ours with its CA's certificate
            String h4 = "127.0.0.5:" + freePort("127.0.0.5");
            List<String> theirs = new ArrayList<>();
            for (LoopbackCluster.Host h : cluster.hosts()) theirs.add(h.address() + ",bootstrap=" + bootstrapPort(conf, h.name()));
            theirs.add(h4 + ",bootstrap=" + freePort("127.0.0.5"));
            LoopbackCluster.init(ZedProcess.bin(), work.resolve("other"), List.of("h1", "h2", "h3", "h4"), theirs);
            Path home = work.resolve("h4");
            LoopbackCluster.copy(work.resolve("other").resolve("h4"), home);
            Path log = home.resolve("agent.out");
            ProcessBuilder pb = new ProcessBuilder(ZedProcess.bin().toString(), "agent", "--host", "h4", "--journal", db.url(),
                    "--listen", "127.0.0.1:0", "--no-metrics").redirectErrorStream(true).redirectOutput(log.toFile());
            pb.environment().put("ZED_HOME", home.toString());
            Process outsider = pb.start();
            try {
                String probe = "Probing [https://" + cluster.host("h1").address().replaceAll(":.*", "") + ":" + bootstrapPort(conf, "h1") + "/bootstrap/seed-nodes] failed";
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                while (!(Files.exists(log) && Files.readString(log).contains(probe))) {
                    assertTrue(outsider.isAlive() && System.nanoTime() < deadline, "no failed probe of h1 within 90 s:\n" + (Files.exists(log) ? Files.readString(log) : ""));
                    Thread.sleep(250); // polling interval of a deadline wait
                }
                JsonNode after = cluster.host("h1").node().send("GET", "/v1/hosts", null).body();
                assertEquals(3, after.path("hosts").size(), "h4 joined: " + after);
            } finally {
                outsider.descendants().forEach(ProcessHandle::destroyForcibly);
                outsider.destroyForcibly().waitFor();
            }
            // h1's endpoint, asked by a client that trusts our CA: answers our certificate, refuses the other CA's
            String url = "https://" + cluster.host("h1").address().replaceAll(":.*", "") + ":" + bootstrapPort(conf, "h1") + "/bootstrap/seed-nodes";
            Path ourTrust = cluster.host("h2").node().home().resolve("tls");
            HttpResponse<String> ok = get(client(cluster.host("h2").node().home().resolve("tls"), ourTrust), url);
            assertEquals(200, ok.statusCode(), ok.body());
            assertThrows(IOException.class, () -> get(client(home.resolve("tls"), ourTrust), url));
        }
    }

    /** A TLS context that shows {@code keys}'s node certificate and trusts {@code trust}'s CA. */
    private static SSLContext client(Path keys, Path trust) throws Exception {
        char[] kpw = Files.readString(keys.resolve("password")).strip().toCharArray(), tpw = Files.readString(trust.resolve("password")).strip().toCharArray();
        KeyStore k = KeyStore.getInstance("PKCS12"), t = KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(keys.resolve("node.p12"))) {
            k.load(in, kpw);
        }
        try (var in = Files.newInputStream(trust.resolve("trust.p12"))) {
            t.load(in, tpw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(k, kpw);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(t);
        SSLContext ctx = SSLContext.getInstance("TLSv1.3");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static HttpResponse<String> get(SSLContext ctx, String url) throws IOException, InterruptedException {
        return HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build()
                .send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A host's bootstrap port, from cluster.conf's line {@code NAME = HOST:PORT, bootstrap=PORT}. */
    private static int bootstrapPort(String conf, String host) {
        for (String l : conf.split("\n")) if (l.startsWith(host + " = ")) return Integer.parseInt(l.substring(l.indexOf("bootstrap=") + "bootstrap=".length()).strip());
        throw new AssertionError(host + " is not in cluster.conf:\n" + conf);
    }

    private static int freePort(String ip) throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }
}
