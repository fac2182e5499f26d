package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;
import zed.chaos.fault.PoolReads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Issue 11: a coordinated rollout of {@code datasets} datasets and {@code services} services on three hosts, beside
 * the same level on one host, in the same run. Three agents (JVMs) on 127.0.0.2–.4 as {@code LoopbackCluster} starts
 * them. The level {@code multi} has {@code hosts = ["h1", "h2", "h3"]} and {@code update { strategy = "coordinated",
 * max_parallel = 3 }}; {@code single} is the same Zedfile with {@code host = "h1"} (its datasets under another name on
 * h1's pool). Each revision changes a property of every dataset and each service's environment (so every service
 * restarts and passes its HTTP health check again); both are pushed through h1, taking turns, and timed from the PUT
 * to Converged at that revision (on every host, the rollout Stable, for multi). The first push of each (creation) is
 * reported apart.
 */
final class RolloutTime {
    private RolloutTime() {
    }

    static String level(String name, String placement, String update, int datasets, int services, String version) {
        StringBuilder b = new StringBuilder();
        b.append("level \"").append(name).append("\" {\n  ").append(placement).append("\n}\n").append(update);
        b.append("dataset \"").append(name).append("\" {\n  properties = { \"com.acme:version\" = \"").append(version).append("\" }\n}\n");
        for (int i = 1; i < datasets; i++) {
            b.append("dataset \"").append(name).append("/d").append(i).append("\" {\n  properties = { \"com.acme:version\" = \"").append(version).append("\" }\n}\n");
        }
        for (int i = 1; i <= services; i++) {
            b.append("""
                    service "exec" "s%d" {
                      dataset = "%s/d%d"
                      vars    = { port = net::pickport() }
                      env     = { VERSION = "%s" }
                      runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
                      health "http" {
                        url      = "http://127.0.0.1:${self.vars.port}/"
                        interval = "500ms"
                      }
                    }
                    """.formatted(i, name, i, version));
        }
        return b.toString();
    }

    static void run(Path bin, int trials, int datasets, int services) throws Exception {
        if (datasets <= services) throw new IllegalArgumentException("each service has a dataset of its own: datasets > services");
        Path work = Files.createTempDirectory("zed-bench-rollout");
        Trials multi = new Trials(), single = new Trials();
        double multiFirst, singleFirst;
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("bench-rollout")) {
            try (LoopbackCluster cluster = LoopbackCluster.start(bin, work, 3, db, pool)) {
                NodeCalls h1 = cluster.host("h1").node().api();
                String hosts = "hosts = [\"h1\", \"h2\", \"h3\"]", update = "update {\n  strategy = \"coordinated\"\n  max_parallel = 3\n}\n";
                multiFirst = push(h1, work, "multi", level("multi", hosts, update, datasets, services, "v1"), 1, true);
                singleFirst = push(h1, work, "single", level("single", "host = \"h1\"", "", datasets, services, "v1"), 1, false);
                for (int t = 0; t < trials; t++) {
                    String v = "v" + (t + 2);
                    // taking turns, the one that goes first changing each trial
                    boolean multiFirstNow = t % 2 == 0;
                    double m = 0, o = 0;
                    for (int k = 0; k < 2; k++) {
                        if ((k == 0) == multiFirstNow) {
                            m = push(h1, work, "multi", level("multi", hosts, update, datasets, services, v), t + 2, true);
                        } else {
                            o = push(h1, work, "single", level("single", "host = \"h1\"", "", datasets, services, v), t + 2, false);
                        }
                    }
                    multi.add(m);
                    single.add(o);
                    System.out.printf("# trial %d: 3 hosts %.0f ms, 1 host %.0f ms%n", t + 1, m, o);
                }
                h1.send("DELETE", AgentNode.level("multi"), null);
                h1.send("DELETE", AgentNode.level("single"), null);
            } finally {
                Path root = Path.of("/" + pool.root());
                ProcessHandle.allProcesses().filter(h -> PoolReads.workingIn(h, root)).forEach(ProcessHandle::destroyForcibly);
            }
        }
        System.out.println();
        System.out.printf("| PUT → Converged, ms, median (min–max) | %d datasets, %d services |%n", datasets, services);
        System.out.println("|---|---|");
        System.out.printf("| **a new revision, coordinated rollout on 3 hosts (max_parallel = 3)**, %d trials | **%s** |%n", multi.size(), multi.summary(0));
        System.out.printf("| baseline: the same level on one host, taking turns | %s |%n", single.summary(0));
        System.out.printf("| **3 hosts / 1 host (medians)** | **%.2f×** |%n", multi.median() / single.median());
        System.out.printf("| the first push (creation): 3 hosts / 1 host | %.0f / %.0f |%n", multiFirst, singleFirst);
    }

    /** PUT, then polls every 50 ms until Converged at {@code revision}; ms. */
    private static double push(NodeCalls node, Path work, String name, String source, long revision, boolean rollout) throws Exception {
        long t0 = System.nanoTime();
        NodeCalls.Answer a = node.push(name, work.resolve(name), source);
        if (a.status() != 200) throw new IllegalStateException(name + ": " + a);
        JsonNode s = node.await(name, st -> done(st, revision, rollout), Duration.ofMinutes(5), Duration.ofMillis(50));
        if (!done(s, revision, rollout)) throw new IllegalStateException(name + " is not Converged at revision " + revision + ": " + s);
        return (System.nanoTime() - t0) / 1e6;
    }

    private static boolean done(JsonNode s, long revision, boolean rollout) {
        if (rollout) return ClusterRollout.done(s, revision);
        return s.path("state").asText().equals("Converged") && s.path("revision").asLong() == revision;
    }
}
