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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 11: a host lost → its level Converged on the standby. Three agents (JVMs) on 127.0.0.2–.4, each its own
 * dataset of the zfs-fuse test pool, one PostgreSQL journal, the TLS material of {@code zed cluster init}, as
 * {@code LoopbackCluster} starts them. A level on the primary with {@code failover { standby, every = "2s", auto =
 * true }}, {@code datasets} datasets and a service with an HTTP health check. Each trial writes a file on the primary,
 * waits until the standby holds it, then kills the primary's agent and its service with SIGKILL (a lost host) and
 * polls the third host's API every 100 ms: when it sees the lost host unreachable, when it no longer lists it (downed
 * and removed), when the level's status names the standby as its host, and when the level is Converged there (its
 * health check passed) with the file. Then the lost host starts again, fences, becomes the standby, and the next trial
 * loses the other one.
 *
 * <p>Baselines from the same run: the same level pushed fresh to the third host, PUT to Converged (what the failover
 * pays for converging, beside what it pays for noticing the loss); and the same trials on a cluster whose agents run
 * with Pekko's default timing of failure detection and downing ({@code ZED_JAVA_OPTS} of {@code pekkoDefaults}).
 */
final class FailoverTime {
    private FailoverTime() {
    }

    /** The file each trial writes on the primary, and looks for on the standby. */
    static final String PAGE = "page.txt";

    /** Phases of one failover, ms from the kill; -1 when not seen. */
    record Phases(long unreachable, long removed, long convergedThere, long converged) {
    }

    /** One configuration's trials. */
    record Result(String label, List<Phases> failovers, Trials cold) {
    }

    static String web(String primary, String standby, int datasets, String root) {
        StringBuilder d = new StringBuilder();
        for (int i = 1; i < datasets; i++) d.append("dataset \"").append(root).append("/d").append(i).append("\" {}\n");
        return """
                level "web" {
                  host = "%s"
                }
                failover {
                  standby = "%s"
                  every   = "2s"
                  auto    = true
                }
                dataset "%s" {}
                %s
                service "exec" "web" {
                  dataset = "%s"
                  vars    = { port = net::pickport() }
                  runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
                  health "http" {
                    url      = "http://127.0.0.1:${self.vars.port}/"
                    interval = "500ms"
                  }
                }
                """.formatted(primary, standby, root, d, root);
    }

    /** The same level without failover, on {@code host}: the baseline's cold converge. */
    static String cold(String host, int datasets, String root) {
        return web(host, "x", datasets, root).replaceAll("(?s)failover \\{.*?\\}\n", "").replace("level \"web\"", "level \"cold\"");
    }

    static Result run(Path bin, String label, Map<String, String> env, int trials, int datasets) throws Exception {
        Path work = Files.createTempDirectory("zed-bench-failover");
        List<Phases> out = new ArrayList<>();
        Trials cold = new Trials();
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("bench-failover")) {
            try (LoopbackCluster cluster = LoopbackCluster.start(bin, work, 3, db, pool, env)) {
                trials(cluster, work, trials, datasets, label, out, cold);
            } finally {
                // the services outlive their agents (a lost host's are killed by the trial; a failed run's are not)
                Path root = Path.of("/" + pool.root());
                ProcessHandle.allProcesses().filter(h -> PoolReads.workingIn(h, root)).forEach(ProcessHandle::destroyForcibly);
            }
        }
        return new Result(label, out, cold);
    }

    private static void trials(LoopbackCluster cluster, Path work, int trials, int datasets, String label, List<Phases> out, Trials cold) throws Exception {
        {
            AgentNode h3 = cluster.host("h3").node();
            String primary = "h1", standby = "h2";
            NodeCalls.Answer pushed = h3.push("web", work.resolve("web"), web(primary, standby, datasets, "fo"));
            if (pushed.status() != 200) throw new IllegalStateException("push: " + pushed);
            for (int t = 0; t < trials; t++) {
                AgentNode lost = cluster.host(primary).node();
                final String from = primary;
                JsonNode st = h3.await("web", s -> converged(s, from), Duration.ofMinutes(3));
                if (!converged(st, primary)) throw new IllegalStateException("web is not Converged on " + primary + ": " + st);
                long pid = AgentNode.servicePid(st);
                String marker = "trial-" + t + "-" + System.nanoTime();
                Files.writeString(PoolReads.mountpoint(cluster.host(primary).pool() + "/fo").resolve(PAGE), marker);
                String replica = cluster.host(standby).pool() + "/fo";
                PoolReads.awaitFile(replica, PAGE, marker, Duration.ofMinutes(2));

                long t0 = System.nanoTime();
                java.time.LocalTime killedAt = java.time.LocalTime.now();
                lost.kill();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                long unreachable = -1, removed = -1, there = -1, done = -1;
                AgentNode target = cluster.host(standby).node();
                final String to = standby;
                long deadline = t0 + Duration.ofMinutes(4).toNanos();
                while (done < 0 && System.nanoTime() < deadline) {
                    long now = (System.nanoTime() - t0) / 1_000_000;
                    try {
                        String status = hostStatus(h3.send("GET", "/v1/hosts", null).body(), primary);
                        if (unreachable < 0 && !"up".equals(status)) unreachable = now;
                        if (removed < 0 && status == null) removed = now;
                        if (there < 0 && converged(target.status("web"), to)) there = now;
                        JsonNode s = h3.status("web");
                        if (converged(s, to) && marker.equals(PoolReads.file(cluster.host(to).pool() + "/fo", PAGE))) done = now;
                    } catch (java.io.IOException busy) {
                        // an answer that did not come: poll again
                    }
                    Thread.sleep(100); // the benchmark's polling interval
                }
                Phases p = new Phases(unreachable, removed, there, done);
                out.add(p);
                System.out.printf("# %s trial %d: %s → %s: %s%n", label, t + 1, primary, to, p);
                steps(target.home().resolve("agent.out"), killedAt);
                if (done < 0) throw new IllegalStateException("web did not converge on " + to + " within 4 minutes: " + h3.status("web"));

                // the baseline: the same level, fresh, on the bystander
                long c0 = System.nanoTime();
                NodeCalls.Answer c = h3.push("cold", work.resolve("cold"), cold("h3", datasets, "cold" + t));
                if (c.status() != 200) throw new IllegalStateException("cold push: " + c);
                JsonNode cs = h3.api().await("cold", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(3), Duration.ofMillis(100));
                if (!cs.path("state").asText().equals("Converged")) throw new IllegalStateException("cold: " + cs);
                cold.add((System.nanoTime() - c0) / 1e6);
                h3.send("DELETE", AgentNode.level("cold") + "?destroy=true", null);

                // the lost host comes back, fences, and stands by
                lost.start();
                cluster.awaitUp(3, Duration.ofMinutes(3));
                PoolReads.awaitProperty(cluster.host(primary).pool() + "/fo", "com.zed:replica-of", to, Duration.ofMinutes(3));
                standby = primary;
                primary = to;
            }
            JsonNode last = h3.status("web");
            long pid = AgentNode.servicePid(last);
            h3.send("DELETE", AgentNode.level("web"), null);
            if (pid > 0) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /**
     * The standby's own account of the trial, ms from the kill: its auto failover's start (the placement table
     * answered after the host's removal) and its end (the replicas rolled back, the placement moved, the shard there,
     * the revision pushed), from its log's timestamps (HH:mm:ss.SSS, this machine's clock).
     */
    static void steps(Path log, java.time.LocalTime killedAt) {
        try {
            for (String l : Files.readAllLines(log)) {
                if (!l.contains("auto failover") || l.length() < 12) continue;
                java.time.LocalTime at;
                try {
                    at = java.time.LocalTime.parse(l.substring(0, 12));
                } catch (java.time.format.DateTimeParseException notATime) {
                    continue;
                }
                long ms = Duration.between(killedAt, at).toMillis();
                if (ms >= 0 && ms < Duration.ofMinutes(4).toMillis()) System.out.printf("#   %,d ms: %s%n", ms, l.length() > 220 ? l.substring(0, 220) : l);
            }
        } catch (java.io.IOException unreadable) {
            System.out.println("#   (the standby's log: " + unreadable + ")");
        }
    }

    static void print(List<Result> results) {
        System.out.println();
        StringBuilder h = new StringBuilder("| ms from the kill, median (min–max) |");
        StringBuilder sep = new StringBuilder("|---|");
        for (Result r : results) {
            h.append(' ').append(r.label()).append(" (").append(r.failovers().size()).append(" trials) |");
            sep.append("---|");
        }
        System.out.println(h);
        System.out.println(sep);
        row(results, "the lost host unreachable, as a survivor sees it", Phases::unreachable);
        row(results, "the lost host downed and removed", Phases::removed);
        row(results, "the level Converged on the standby, as the standby answers", Phases::convergedThere);
        row(results, "**the level Converged on the standby with the last replicated file, as a third host answers**", Phases::converged);
        StringBuilder c = new StringBuilder("| baseline: the same level pushed fresh to a live host, PUT → Converged |");
        for (Result r : results) c.append(' ').append(r.cold().summary(0)).append(" |");
        System.out.println(c);
    }

    private static void row(List<Result> results, String name, java.util.function.ToLongFunction<Phases> f) {
        StringBuilder b = new StringBuilder("| ").append(name).append(" |");
        for (Result r : results) {
            Trials t = new Trials();
            for (Phases p : r.failovers()) if (f.applyAsLong(p) >= 0) t.add(f.applyAsLong(p));
            b.append(' ').append(t.size() == 0 ? "not seen" : t.summary(0)).append(" |");
        }
        System.out.println(b);
    }

    private static boolean converged(JsonNode s, String host) {
        return s.path("state").asText().equals("Converged") && host != null && host.equals(s.path("host").asText()) && AgentNode.servicePid(s) > 0;
    }

    /** The lost host's status in {@code GET /v1/hosts}; null when it is no longer listed. */
    private static String hostStatus(JsonNode hosts, String name) {
        for (JsonNode h : hosts.path("hosts")) if (h.path("name").asText().equals(name)) return h.path("status").asText();
        return null;
    }

    /**
     * Agents' environment for each configuration, in the order run: Zed's timing, Zed's timing before 2026-12-05's
     * change with the minority's lease delay at {@code delay} seconds (0: not run; 6: as it was, the smaller side asking
     * for the lease 6 s after its decision and the margin stable-after + 6 s; 2: Pekko's delay), Pekko's defaults.
     */
    static Map<String, Map<String, String>> configurations(boolean withDefaults, int delay) {
        Map<String, Map<String, String>> c = new LinkedHashMap<>();
        c.put("Zed", Map.of());
        if (delay > 0) c.put("Zed before, lease delay " + delay + " s", Map.of("ZED_JAVA_OPTS", leaseDelay(delay)));
        if (withDefaults) c.put("Pekko's defaults", Map.of("ZED_JAVA_OPTS", PEKKO_DEFAULTS));
        return c;
    }

    /**
     * The resolver's lease delay for the smaller side, for 3 hosts by -D, as Zed had it before the lease heard no early:
     * the margin grows with it, and the lease's own wait for a free row is off.
     */
    static String leaseDelay(int seconds) {
        return "-Dpekko.cluster.split-brain-resolver.lease-majority.acquire-lease-delay-for-minority=" + seconds + "s"
                + " -Dpekko.cluster.down-removal-margin=" + (zed.actors.cluster.Downing.stableAfter(3).toSeconds() + seconds) + "s"
                + " -D" + zed.actors.cluster.PostgresLease.CONFIG_PATH + ".minority-wait=0s";
    }

    /** Pekko's own failure detection and downing timing, over what Zed sets (system properties win, see ZedNode). */
    static final String PEKKO_DEFAULTS = "-Dpekko.cluster.split-brain-resolver.stable-after=20s -Dpekko.cluster.down-removal-margin=off"
            + " -Dpekko.cluster.split-brain-resolver.lease-majority.acquire-lease-delay-for-minority=2s -D" + zed.actors.cluster.PostgresLease.CONFIG_PATH + ".minority-wait=0s";
}
