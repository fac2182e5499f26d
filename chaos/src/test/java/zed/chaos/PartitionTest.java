package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.HostNetwork;
import zed.chaos.fault.JournalProxy;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Partitions, for real: three nodes, each in a network namespace of its own (a veth on a bridge, 198.18.0.0/24), over
 * TLS, one PostgreSQL reached through the bridge. nftables in h1's namespace cut it off from h2 and h3 (not from the
 * database): the split-brain resolver's lease in PostgreSQL lets exactly one side live, so h1 downs itself and exits
 * saying why, its level waits for it (503 elsewhere, started on no other host), its service is left running, and once
 * the network heals and h1 starts again the level converges there with the same process. Then two hosts: cut apart,
 * exactly one survives, never both. The resolver decides after 5 s of stability here (ZED_JAVA_OPTS), 20 s by default.
 */
class PartitionTest {
    static final String WEB = """
            level "web" {
              host = "h1"
            }
            dataset "data" {}
            service "exec" "web" {
              dataset = "data"
              vars    = { port = net::pickport() }
              runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
              health "http" {
                url      = "http://127.0.0.1:${self.vars.port}/"
                interval = "500ms"
              }
            }
            """;
    static final Map<String, String> FAST_SBR = Map.of("ZED_JAVA_OPTS", "-Dpekko.cluster.split-brain-resolver.stable-after=5s");

    @Test
    void theSideWithoutTheLeaseDownsItselfAndALevelRunsOnOneHostOnly(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        List<AgentNode> nodes = new ArrayList<>();
        long[] pid = {0};
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("partition"); HostNetwork net = HostNetwork.create(3);
             JournalProxy pg = new JournalProxy(net.gateway(), db.server().getHost(), db.server().getPort() < 0 ? 5432 : db.server().getPort())) {
            // the nodes stop before what they run on (the network, the journal's relay, the pool) is taken away
            try {
                partitions(work, db, pool, net, pg, nodes, pid);
            } finally {
                for (AgentNode n : nodes) {
                    if (!n.alive()) continue;
                    try {
                        n.send("DELETE", AgentNode.level("web"), null);
                    } catch (Exception ignored) {
                        // the other node stops it, or the process is killed below
                    }
                }
                for (AgentNode n : nodes) n.close();
                if (pid[0] > 0) ProcessHandle.of(pid[0]).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    private static void partitions(Path work, ChaosDatabase db, ChaosPool pool, HostNetwork net, JournalProxy pg, List<AgentNode> nodes, long[] pid) throws Exception {
        {
            String journal = db.url(net.gateway(), pg.port());
            List<String> names = List.of("h1", "h2", "h3");
            LoopbackCluster.init(ZedProcess.bin(), work.resolve("init"), names, List.of(net.ip(1) + ":25520", net.ip(2) + ":25520", net.ip(3) + ":25520"));
            for (int i = 1; i <= 3; i++) {
                String root = pool.root() + "/h" + i;
                new ProcessBuilder("zfs", "create", root).inheritIO().start().waitFor();
                Path home = work.resolve("h" + i);
                LoopbackCluster.copy(work.resolve("init").resolve("h" + i), home);
                nodes.add(new AgentNode(ZedProcess.bin(), home, List.of("--host", "h" + i, "--journal", journal, "--pool", root), net.in(i), net.ip(i), FAST_SBR));
            }
            AgentNode h1 = nodes.get(0), h2 = nodes.get(1), h3 = nodes.get(2);
            for (AgentNode n : nodes) n.start();
            LoopbackCluster.awaitHosts(h1.api(), h -> h.path("status").asText().equals("up"), 3, Duration.ofMinutes(2));

            assertEquals(200, h2.push("web", work.resolve("web"), WEB).status());
            JsonNode web = h3.await("web", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
            assertEquals("Converged", web.path("state").asText(), web.toString());
            pid[0] = AgentNode.servicePid(web);

            // h1 cut off from h2 and h3: it downs itself (the others hold the lease), and says so as it exits
            net.cut(1);
            await(() -> !h1.alive(), Duration.ofSeconds(90), () -> "h1 to down itself" + sides(nodes, db));
            assertEquals(1, h1.exitCode());
            String said = Files.readString(h1.home().resolve("agent.out"));
            assertTrue(said.contains("the cluster downed this node (h1)"), said.substring(Math.max(0, said.length() - 2000)));
            LoopbackCluster.awaitHosts(h2.api(), h -> true, 2, Duration.ofSeconds(60));
            List<String> owners = db.query("SELECT owner FROM zed_lease");
            assertEquals(1, owners.size(), owners.toString());
            assertTrue(owners.get(0).contains(net.ip(2)) || owners.get(0).contains(net.ip(3)), "the lease is the majority's: " + owners);
            // the level waits for its host: never started on h2 or h3, its service on h1 left running
            NodeCalls.Answer waiting = h2.send("GET", AgentNode.level("web"), null);
            assertEquals(503, waiting.status(), waiting.body().toString());
            assertTrue(waiting.body().toString().contains("runs on host h1, which is not a member of the cluster now"), waiting.body().toString());
            for (int i = 2; i <= 3; i++) assertFalse(datasets(pool.root() + "/h" + i).contains(pool.root() + "/h" + i + "/data"));
            final long running = pid[0];
            assertTrue(ProcessHandle.of(running).map(ProcessHandle::isAlive).orElse(false), "a downed node's services are left running");

            // healed and started again: h1 joins, and its level converges with the process it left
            net.heal(1);
            h1.start();
            JsonNode back = h3.await("web", s -> s.path("state").asText().equals("Converged") && AgentNode.servicePid(s) == running, Duration.ofMinutes(2));
            assertEquals(running, AgentNode.servicePid(back), "adopted, not restarted: " + back + sides(nodes, db));

            // two hosts: h3 leaves; h1 and h2 cut apart: exactly one of them lives on
            h3.close();
            LoopbackCluster.awaitHosts(h1.api(), h -> h.path("status").asText().equals("up"), 2, Duration.ofSeconds(60));
            net.cut(2);
            await(() -> !h1.alive() || !h2.alive(), Duration.ofSeconds(90), () -> "one side of two to down itself" + sides(nodes, db));
            AgentNode survivor = h1.alive() ? h1 : h2;
            AgentNode downed = h1.alive() ? h2 : h1;
            assertEquals(1, downed.exitCode());
            JsonNode alone = LoopbackCluster.awaitHosts(survivor.api(), h -> h.path("status").asText().equals("up"), 1, Duration.ofSeconds(60));
            assertTrue(survivor.alive(), "both sides downed themselves: " + alone);
            assertEquals(1, alone.path("hosts").size(), alone.toString());
        }
    }

    /** What each side did, for a failure's message: alive or its exit, its last words on the split, the lease's row. */
    private static String sides(List<AgentNode> nodes, ChaosDatabase db) {
        StringBuilder b = new StringBuilder();
        for (AgentNode n : nodes) {
            b.append("\n").append(n.home().getFileName()).append(": ").append(n.alive() ? "alive" : "exited " + n.exitCode());
            try {
                List<String> lines = Files.readAllLines(n.home().resolve("agent.out"));
                for (String line : lines) {
                    if (line.matches("(?i).*(split.brain|lease|downing|downed|unreachable|sbr|seed|joining).*")) b.append("\n  ").append(line);
                }
                b.append("\n  ...its last lines:");
                for (String line : lines.subList(Math.max(0, lines.size() - 12), lines.size())) b.append("\n  ").append(line);
            } catch (Exception e) {
                b.append(" (no agent.out: ").append(e).append(')');
            }
        }
        try {
            b.append("\nzed_lease: ").append(db.query("SELECT name || ' ' || owner || ' ' || expires_at FROM zed_lease"));
        } catch (Exception e) {
            b.append("\nzed_lease: ").append(e);
        }
        return b.toString();
    }

    private static List<String> datasets(String root) throws Exception {
        Process p = new ProcessBuilder("zfs", "list", "-Hro", "name", root).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return List.of(out.strip().split("\n"));
    }

    private static void await(BooleanSupplier ok, Duration within, java.util.function.Supplier<String> what) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() >= deadline) fail("not within " + within.toSeconds() + " s: " + what.get());
            Thread.sleep(250); // polling interval of a deadline wait
        }
    }
}
