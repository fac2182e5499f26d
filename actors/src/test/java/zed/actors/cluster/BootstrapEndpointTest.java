package zed.actors.cluster;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cluster Bootstrap as the agent runs it, three ActorSystems in this JVM on 127.0.0.2, .3 and .4 with the TLS material
 * of {@link ClusterKeys} (keytool): they form one cluster with no seed, each through the others' endpoints; an endpoint
 * answers a client with the cluster's certificate, and refuses one with another CA's, one with none, and plain HTTP.
 * (The agents' own formation is chaos's BootstrapTest.)
 */
class BootstrapEndpointTest {
    @Test
    void threeNodesFormThroughBootstrapAndTheEndpointAnswersOnlyTheClustersCertificates(@TempDir Path tmp) throws Exception {
        Map<String, String> hosts = new LinkedHashMap<>();
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 1; i <= 3; i++) {
            String ip = "127.0.0." + (i + 1);
            hosts.put("h" + i, ip + ":" + freePort(ip));
            ports.put("h" + i, freePort(ip));
        }
        ClusterKeys.create(tmp.resolve("ours"), hosts);
        ClusterKeys.create(tmp.resolve("theirs"), Map.of("h4", "127.0.0.5:25520"));
        ClusterFile file = new ClusterFile(hosts, ports);
        List<ActorSystem<Void>> systems = new ArrayList<>();
        try {
            for (String h : hosts.keySet()) {
                ClusterConfig c = file.complete(ClusterConfig.alone().withHost(h), true, false, false);
                ClusterTls tls = ClusterTls.in(tmp.resolve("ours").resolve(h));
                ActorSystem<Void> s = ActorSystem.create(Behaviors.empty(), "zed", ConfigFactory.parseString("""
                        pekko.loglevel = WARNING
                        pekko.actor.provider = cluster
                        pekko.remote.artery.canonical { hostname = "%s", port = %d }
                        pekko.cluster.jmx.multi-mbeans-in-same-jvm = on
                        pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                        """.formatted(c.bind(), c.port()) + tls.config() + c.bootstrap().config()).withFallback(ConfigFactory.load()));
                systems.add(s);
                BootstrapEndpoint.start(s, c.bootstrap(), tls);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!systems.stream().allMatch(s -> upMembers(s) == 3)) {
                assertTrue(System.nanoTime() < deadline, "not three members up within 90 s: " + systems.stream().map(BootstrapEndpointTest::upMembers).toList());
                Thread.sleep(200); // polling interval of a deadline wait
            }

            String url = "https://127.0.0.2:" + ports.get("h1") + "/bootstrap/seed-nodes";
            HttpResponse<String> ok = get(ClusterTls.in(tmp.resolve("ours").resolve("h2")).sslContext(), url);
            assertEquals(200, ok.statusCode(), ok.body());
            for (String h : hosts.values()) assertTrue(ok.body().contains(h), "every member is a seed: " + ok.body());
            // another cluster's certificate: its CA is not ours, and ours is not its
            assertThrows(IOException.class, () -> get(ClusterTls.in(tmp.resolve("theirs").resolve("h4")).sslContext(), url));
            // no certificate at all, trusting our CA: the endpoint asks for one
            SSLContext anonymous = SSLContext.getInstance("TLSv1.3");
            javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
            java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
            ClusterTls h2 = ClusterTls.in(tmp.resolve("ours").resolve("h2"));
            try (var in = java.nio.file.Files.newInputStream(h2.trustStore())) {
                trust.load(in, h2.password().toCharArray());
            }
            tmf.init(trust);
            anonymous.init(null, tmf.getTrustManagers(), null);
            assertThrows(IOException.class, () -> get(anonymous, url));
            // plain HTTP: no answer
            assertThrows(IOException.class, () -> get(SSLContext.getDefault(), url.replace("https:", "http:")));
        } finally {
            for (ActorSystem<Void> s : systems) s.terminate();
            // three members leaving at once each run their coordinated shutdown's phases (a shard region's hand-off
            // waits up to 10 s): CI9 saw one take more than 30 s; a node that never ends still fails the test
            for (ActorSystem<Void> s : systems) s.getWhenTerminated().toCompletableFuture().get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
    }

    private static long upMembers(ActorSystem<Void> s) {
        return java.util.stream.StreamSupport.stream(Cluster.get(s).state().getMembers().spliterator(), false)
                .filter(m -> m.status() == MemberStatus.up()).count();
    }

    private static HttpResponse<String> get(SSLContext ctx, String url) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort(String ip) throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(ip))) {
            return s.getLocalPort();
        }
    }
}
