package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import zed.chaos.bench.InJvmCluster;
import zed.chaos.bench.JournalConnections;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ten nodes in this JVM ({@link InJvmCluster}, what {@code scripts/bench-cluster.sh} measures at larger sizes), each on
 * its own dir store, on one PostgreSQL journal: what a user of a ten-host cluster sees. Every node is Up, any node lists
 * the ten hosts, a level pushed through n1 that names n10 converges with its dataset in n10's store and no other, and
 * the journal never holds more than two connections per node (its pool is two at most). Tagged exclusive, it runs alone
 * (chaos/pom.xml): ten nodes' failure detectors in one JVM must not be starved of the CPU by a test beside it.
 */
@Tag("exclusive")
class TenNodeClusterTest {
    static final int NODES = 10;

    @Test
    void tenNodesFormOneClusterAndALevelRunsOnTheHostItNames() throws Exception {
        if (System.getenv("ZED_TEST_POSTGRES_URL") == null) {
            if ("1".equals(System.getenv("ZED_REQUIRE_POSTGRES"))) throw new AssertionError("ZED_REQUIRE_POSTGRES=1 but ZED_TEST_POSTGRES_URL is not set");
            Assumptions.abort("no PostgreSQL (ZED_TEST_POSTGRES_URL)");
        }
        Path root = InJvmCluster.memoryRoot();
        try (ChaosDatabase db = ChaosDatabase.fresh(); JournalConnections conns = new JournalConnections(db)) {
            conns.sample(200);
            InJvmCluster cluster = InJvmCluster.start(root.resolve("nodes"), NODES, db.url(), 1, Duration.ofMinutes(2));
            try {
                List<String> names = new ArrayList<>();
                for (int i = 1; i <= NODES; i++) names.add("n" + i);

                // every member Up, as the node that formed the cluster sees it (start returns only then)
                assertEquals(NODES, cluster.member("n1").up());

                // any node lists every host: membership is gossip, so n5 may see a member joining for a moment
                JsonNode hosts = LoopbackCluster.awaitHosts(cluster.member("n5").api(), h -> h.path("status").asText().equals("up"), NODES,
                        Duration.ofSeconds(30));
                Set<String> listed = new TreeSet<>();
                for (JsonNode h : hosts.path("hosts")) {
                    listed.add(h.path("name").asText());
                    assertEquals(h.path("name").asText().equals("n5"), h.path("self").asBoolean(), h.toString());
                }
                assertEquals(new TreeSet<>(names), listed, hosts.toString());

                // a level pushed through n1 that names n10 runs on n10: its dataset is in n10's store and nowhere else
                InJvmCluster.Member n1 = cluster.member("n1"), n10 = cluster.member("n10");
                NodeCalls.Answer pushed = n1.api().push("web", Files.createDirectories(root.resolve("web")), InJvmCluster.zedfile("web", "n10"));
                assertEquals(200, pushed.status(), pushed.body().toString());
                assertEquals("n10", pushed.body().path("host").asText(), pushed.body().toString());
                long rev = pushed.body().path("revision").asLong();
                JsonNode web = n1.api().await("web", s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == rev,
                        Duration.ofMinutes(1), Duration.ofMillis(200));
                assertEquals("Converged", web.path("state").asText(), "read through n1: " + web);
                assertEquals(List.of("n10"), cluster.holders("web"), "the stores that hold web's dataset");
                JsonNode props = new ObjectMapper().readTree(n10.store().resolve("web").resolve(".zed-properties.json").toFile());
                assertTrue(props.toString().contains("\"com.acme:where\":\"n10\""), "host::name() is the level's host: " + props);
                JsonNode placed = n1.api().send("GET", "/v1/hosts", null).body();
                for (JsonNode h : placed.path("hosts")) {
                    List<String> levels = new ArrayList<>();
                    h.path("levels").forEach(l -> levels.add(l.asText()));
                    assertEquals(h.path("name").asText().equals("n10") ? List.of("web") : List.of(), levels, h.toString());
                }

                // each node holds at most its pool's two connections to the journal, starting too (as sampled every 200 ms)
                Map<String, Integer> peak = conns.peakByApplication();
                for (String n : names) assertTrue(peak.getOrDefault(InJvmCluster.application(n), 0) <= 2, n + " held more than 2 connections at once: " + peak);

                // and at rest, whoever asks
                Thread.sleep(2_000); // the push's writes and reads are done
                for (int i = 0; i < 5; i++) {
                    Map<String, Integer> now = conns.now();
                    for (String n : names) {
                        int held = now.getOrDefault(InJvmCluster.application(n), 0);
                        assertTrue(held <= 2, n + " holds " + held + " connections to the journal: " + now);
                    }
                    assertTrue(now.values().stream().mapToInt(Integer::intValue).sum() <= 2 * NODES, "the journal's connections: " + now);
                    Thread.sleep(500); // a few looks over two seconds
                }
            } finally {
                cluster.close();
            }
        } finally {
            InJvmCluster.deleteTree(root);
        }
    }
}
