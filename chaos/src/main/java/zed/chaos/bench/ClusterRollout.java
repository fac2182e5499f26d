package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import zed.chaos.fault.NodeCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Issue 11: the rollout time of one level on every host of an in-JVM cluster ({@link InJvmCluster}), beside the same
 * level on one of its hosts, taking turns. The level has one dataset (in each host's dir store) stamped with its
 * version and its host ({@code host::name()}); {@code update { strategy = "coordinated", max_parallel = N }}, the
 * gate's defaults (min_healthy_time 5 s). Each trial pushes a new version through n1 and polls n1 every 50 ms until
 * every instance is Converged at that revision and the rollout is Stable.
 */
final class ClusterRollout {
    private ClusterRollout() {
    }

    static String zedfile(String id, List<String> hosts, int maxParallel, String version) {
        return """
                level "%s" {
                  hosts = [%s]
                }
                update {
                  strategy     = "coordinated"
                  max_parallel = %d
                }
                dataset "%s" {
                  properties = { "com.acme:version" = "%s", "com.acme:where" = host::name() }
                }
                """.formatted(id, String.join(", ", hosts.stream().map(h -> "\"" + h + "\"").toList()), maxParallel, id, version);
    }

    static void run(InJvmCluster cluster, Path root, int trials) throws Exception {
        List<String> all = cluster.members().stream().map(InJvmCluster.Member::host).toList();
        int n = all.size();
        String lastHost = all.get(n - 1);
        InJvmCluster.Member via = cluster.member("n1");
        double firstAll = push(via, root, "roll", zedfile("roll", all, n, "v1"), 1);
        double firstOne = push(via, root, "roll1", zedfile("roll1", List.of(lastHost), 1, "v1"), 1);
        Trials every = new Trials(), one = new Trials();
        for (int t = 0; t < trials; t++) {
            String v = "v" + (t + 2);
            boolean allFirst = t % 2 == 0;
            for (int k = 0; k < 2; k++) {
                if ((k == 0) == allFirst) every.add(push(via, root, "roll", zedfile("roll", all, n, v), t + 2));
                else one.add(push(via, root, "roll1", zedfile("roll1", List.of(lastHost), 1, v), t + 2));
            }
        }
        long stamped = all.stream().filter(h -> Files.isDirectory(cluster.member(h).store().resolve("roll"))).count();
        System.out.println();
        System.out.printf("| rollout of one level (one dataset), PUT through n1 → every instance Converged, rollout Stable | ms, median (min–max) |%n");
        System.out.println("|---|---|");
        System.out.printf("| baseline: the same level on one host (hosts = [\"%s\"]), taking turns (first push: %,.0f) | %s |%n", lastHost, firstOne, one.summary(0));
        System.out.printf("| **on all %d hosts, coordinated, max_parallel = %d** (first push: %,.0f) | **%s** |%n", n, n, firstAll, every.summary(0));
        System.out.printf("| %d hosts / 1 host, medians | %.2f× |%n", n, every.median() / one.median());
        System.out.printf("(the level's dataset is in %d of %d hosts' dir stores; load %s)%n", stamped, n, SteadyState.load());
    }

    private static double push(InJvmCluster.Member via, Path root, String id, String source, long revision) throws Exception {
        NodeCalls api = via.api();
        long t = System.nanoTime();
        NodeCalls.Answer a = api.push(id, Files.createDirectories(root.resolve("levels").resolve(id)), source);
        if (!a.ok()) throw new IllegalStateException("push of " + id + ": " + a.status() + " " + a.body());
        JsonNode s = api.await(id, st -> done(st, revision) || st.path("state").asText().equals("Failed"), Duration.ofMinutes(10), Duration.ofMillis(50));
        double ms = (System.nanoTime() - t) / 1e6;
        if (!done(s, revision)) throw new IllegalStateException(id + " did not converge at revision " + revision + ": " + s);
        return ms;
    }

    static boolean done(JsonNode s, long revision) {
        if (!s.path("state").asText().equals("Converged") || s.path("revision").asLong() != revision) return false;
        for (JsonNode i : s.path("instances")) {
            if (!i.path("state").asText().equals("Converged") || i.path("revision").asLong() != revision) return false;
        }
        JsonNode r = s.path("rollout");
        return r.isMissingNode() || r.isNull() || r.path("state").asText().equals("Stable");
    }
}
