package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;
import zed.chaos.fault.PoolReads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A multi-host level's rollouts on three real nodes (JVMs), each with its own pool, one PostgreSQL journal, in
 * sequence: a coordinated rollout reaches every host and becomes stable; a revision whose health check fails on h3
 * only is reverted on every host, data (a file its services wrote) and properties; a canary waits for zed promote,
 * then the revision goes on to every host. Then, on the same cluster (starting agents is the expensive part): a canary
 * aborted, a canary promoted by auto_promote, progress_deadline passed on one host, the node that runs the rollout
 * killed and started again, and a host lost in the middle of a rollout.
 */
@Tag("cluster-scenario") // runs beside another such scenario: see chaos/pom.xml
class RolloutTest {
    static final List<String> HOSTS = List.of("h1", "h2", "h3");

    /**
     * The level at {@code version}; each revision's service appends its version to log.txt in its dataset (a file a
     * revert must take back); with {@code failOnH3}, its health check on h3 asks a port where nothing listens.
     */
    static String web(String version, String update, Map<String, String> dirs, boolean failOnH3) {
        // a choice by host::name(), not an object indexed by it: zed up evaluates the Zedfile on the operator's machine too
        StringBuilder d = new StringBuilder();
        dirs.forEach((h, p) -> d.append(h.equals("h3") ? "" : "host::name() == \"" + h + "\" ? \"" + p + "\" : "));
        d.append('"').append(dirs.get("h3")).append('"');
        String port = failOnH3 ? "${host::name() == \"h3\" ? 1 : self.vars.port}" : "${self.vars.port}";
        return """
                level "web" {
                  hosts = ["h1", "h2", "h3"]
                }
                update {
                %s
                }
                dataset "site" {
                  properties = {
                    "com.acme:version" = "%s"
                  }
                }
                service "exec" "web" {
                  dataset = "site"
                  vars    = { port = net::pickport(), dir = %s }
                  runtime { cmd = ["sh", "-c", "echo %s >> ${self.vars.dir}/log.txt; exec python3 -m http.server ${self.vars.port} --bind 127.0.0.1"] }
                  health "http" {
                    url      = "http://127.0.0.1:%s/"
                    interval = "500ms"
                  }
                }
                """.formatted((update.contains("min_healthy_time") ? "" : "  min_healthy_time = \"1s\"\n") + (update.contains("healthy_deadline") ? "" : "  healthy_deadline = \"12s\"\n") + update,
                version, d, version, port);
    }

    /** The {@code data:} lines of {@code /v1/events?level=LEVEL} from the start, until {@code enough} or {@code within}. */
    static List<String> events(AgentNode node, String level, java.util.function.Predicate<List<String>> enough, Duration within) throws Exception {
        java.net.http.HttpRequest r = java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.url() + "/v1/events?level=" + level))
                .header("Authorization", "Bearer " + node.api().token()).build();
        java.net.http.HttpResponse<java.io.InputStream> resp = java.net.http.HttpClient.newHttpClient().send(r, java.net.http.HttpResponse.BodyHandlers.ofInputStream());
        List<String> out = new java.util.ArrayList<>();
        long deadline = System.nanoTime() + within.toNanos();
        try (java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(resp.body(), java.nio.charset.StandardCharsets.UTF_8))) {
            String line;
            // the stream's heartbeats end a read now and then, so the deadline is looked at even when no event comes
            while (System.nanoTime() < deadline && (line = in.readLine()) != null) {
                if (line.startsWith("data:") && line.length() > 6) out.add(line.substring(5).strip());
                if (enough.test(out)) break;
            }
        }
        return out;
    }

    @Test
    void coordinatedRevertedAndCanaryRolloutsAcrossThreeHosts(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        Set<Long> pids = new HashSet<>();
        long began = System.nanoTime();
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("rollout");
             LoopbackCluster cluster = LoopbackCluster.start(ZedProcess.bin(), work, 3, db, pool)) {
            AgentNode h1 = cluster.host("h1").node(), h2 = cluster.host("h2").node();
            Path dir = work.resolve("web");
            Map<String, String> site = new LinkedHashMap<>(), dirs = new LinkedHashMap<>();
            for (String h : HOSTS) site.put(h, cluster.host(h).pool() + "/site");
            try {
                // the first revision goes to every host at once: there is nothing to roll back to
                Path scratch = Files.createDirectories(work.resolve("scratch"));
                Map<String, String> before = new LinkedHashMap<>();
                for (String h : HOSTS) before.put(h, Files.createDirectories(scratch.resolve(h)).toString());
                NodeCalls.Answer first = h1.push("web", dir, web("v1", "", before, false));
                assertEquals(200, first.status(), first.body().toString());
                JsonNode v1 = h1.await("web", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
                assertEquals("Converged", v1.path("state").asText(), v1.toString());
                for (String h : HOSTS) dirs.put(h, PoolReads.property(site.get(h), "mountpoint"));

                // coordinated, two at a time, through zed up on h2: every host is snapshotted, then h1 and h2, then h3
                Files.createDirectories(dir);
                Files.writeString(dir.resolve("Zedfile"), web("v2", "  strategy = \"coordinated\"\n  max_parallel = 2", dirs, false));
                Map<String, String> cli = Map.of("ZED_NODE", h2.url(), "ZED_TOKEN", h2.api().token(), "ZED_HOME", work.resolve("cli").toString());
                ZedProcess.Outcome up = ZedProcess.run(work, cli, "up", dir.toString());
                assertEquals(0, up.exit(), up.toString());
                assertTrue(up.out().contains("web: rollout 1 under way"), up.toString());
                for (String h : HOSTS) assertTrue(up.out().contains("web on " + h + ": revision 2"), up.toString());
                assertTrue(up.out().contains("web: Converged on h1, h2, h3"), up.toString());
                JsonNode v2 = h1.status("web");
                JsonNode r1 = v2.path("rollout");
                assertEquals("Stable", r1.path("state").asText(), v2.toString());
                assertEquals("coordinated", r1.path("strategy").asText(), v2.toString());
                assertEquals(2, r1.path("stableRevision").asLong(), v2.toString());
                for (JsonNode h : r1.path("hosts")) {
                    assertEquals("PASSED", h.path("state").asText(), h.toString());
                    assertEquals(2, h.path("revision").asLong(), h.toString());
                    assertEquals("Converged", h.path("health").asText(), h.toString());
                }
                for (String h : HOSTS) {
                    assertEquals("v2", PoolReads.property(site.get(h), "com.acme:version"), h);
                    assertTrue(Files.readString(Path.of(dirs.get(h), "log.txt")).contains("v2"), h);
                    // the first round: every host's snapshot before any host changed, then each one's deploy snapshot
                    List<String> snaps = PoolReads.snapshots(site.get(h));
                    int round = indexOf(snaps, "zed-rollout-1-"), deploy = indexOf(snaps, "zed-deploy-2-");
                    assertTrue(round >= 0 && deploy > round, h + ": " + snaps);
                }
                List<JsonNode> snapped = h1.events("web", es -> es.stream().filter(e -> e.path("type").asText().equals("HostSnapshotted")).count() == 3,
                        Duration.ofSeconds(30)).stream().filter(e -> e.path("type").asText().equals("HostSnapshotted")).toList();
                assertEquals(3, snapped.size(), snapped.toString());
                ZedProcess.Outcome status = ZedProcess.run(work, cli, "status", dir.toString());
                assertEquals(0, status.exit(), status.toString());
                assertTrue(status.out().contains("  rollout 1 (coordinated)  Stable  stable revision 2"), status.toString());
                for (String h : HOSTS) assertTrue(status.out().contains("    host " + h + "  PASSED  revision 2  Converged"), status.toString());

                // revision 3 fails its health check on h3 only, all three at once: every host goes back to revision 2,
                // its data (log.txt without v3) and its properties, and the rollout says why
                NodeCalls.Answer bad = h1.push("web", dir, web("v3", "  max_parallel = 3", dirs, true));
                assertEquals(200, bad.status(), bad.body().toString());
                assertEquals(2, bad.body().path("rollout").asLong(), bad.body().toString());
                JsonNode reverted = h1.await("web", s -> s.path("rollout").path("state").asText().equals("Reverted"), Duration.ofMinutes(2));
                JsonNode r2 = reverted.path("rollout");
                assertEquals("Reverted", r2.path("state").asText(), reverted.toString());
                assertEquals(2, r2.path("stableRevision").asLong(), reverted.toString());
                for (JsonNode h : r2.path("hosts")) assertEquals("REVERTED", h.path("state").asText(), h.toString());
                JsonNode h3why = r2.path("hosts").get(2);
                assertTrue(h3why.path("why").asText().startsWith("host h3, revision 3: "), h3why.toString());
                JsonNode back = h1.await("web", s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == 2, Duration.ofMinutes(1));
                assertEquals("Converged", back.path("state").asText(), back.toString());
                for (String h : HOSTS) {
                    assertEquals("v2", PoolReads.property(site.get(h), "com.acme:version"), h);
                    String log = Files.readString(Path.of(dirs.get(h), "log.txt"));
                    assertFalse(log.contains("v3"), h + "'s data is back at revision 2: " + log);
                }

                // each step is an event of the level on /v1/events: one REVERTED per host, then the rollout's end
                List<String> events = events(h2, "web", l -> l.stream().anyMatch(e -> e.contains("\"type\":\"RolloutEnded\"") && e.contains("\"outcome\":\"Reverted\"")),
                        Duration.ofSeconds(30));
                assertEquals(3, events.stream().filter(e -> e.contains("\"rollout\":2") && e.contains("\"step\":\"REVERTED\"")).count(), String.join("\n", events));
                assertTrue(events.stream().anyMatch(e -> e.contains("\"type\":\"RolloutStarted\"") && e.contains("\"rollout\":2")), String.join("\n", events));

                // a canary: h1 takes revision 4 and waits for zed promote; h2 and h3 stay on revision 2 meanwhile
                Files.writeString(dir.resolve("Zedfile"), web("v4", "  strategy = \"rolling\"\n  canary = 1", dirs, false));
                ZedProcess.Outcome canary = ZedProcess.run(work, cli, "up", dir.toString());
                assertEquals(0, canary.exit(), canary.toString());
                assertTrue(canary.out().contains("web: the canaries passed (h1); the rollout waits for zed promote web"), canary.toString());
                JsonNode waiting = h1.status("web");
                assertEquals("WaitingForPromotion", waiting.path("rollout").path("state").asText(), waiting.toString());
                assertEquals("v4", PoolReads.property(site.get("h1"), "com.acme:version"));
                assertEquals("v2", PoolReads.property(site.get("h2"), "com.acme:version"));
                assertEquals("v2", PoolReads.property(site.get("h3"), "com.acme:version"));
                ZedProcess.Outcome promote = ZedProcess.run(work, cli, "promote", "web");
                assertEquals(0, promote.exit(), promote.toString());
                assertTrue(promote.out().contains("web: rollout 3 promoted"), promote.toString());
                JsonNode promoted = h1.await("web", s -> s.path("rollout").path("state").asText().equals("Stable"), Duration.ofMinutes(2));
                assertEquals("Stable", promoted.path("rollout").path("state").asText(), promoted.toString());
                for (String h : HOSTS) assertEquals("v4", PoolReads.property(site.get(h), "com.acme:version"), h);
                ZedProcess.Outcome again = ZedProcess.run(work, cli, "promote", "web");
                assertEquals(1, again.exit(), again.toString());
                assertTrue(again.err().contains("no rollout of web is under way"), again.toString());
                pids(promoted, pids);

                System.out.println("RolloutTest: the cluster and the first three rollouts in " + Duration.ofNanos(System.nanoTime() - began).toSeconds() + " s");
                Web w = new Web(cluster, work, dir, site, dirs, cli, pids);
                timed("a canary aborted", () -> canaryAborted(w));
                timed("a canary promoted by auto_promote", () -> canaryPromotedByItself(w));
                timed("progress_deadline passed on h3", () -> progressDeadlinePassed(w));
                timed("the rollout's node killed and started again", () -> rolloutsNodeKilled(w));
                timed("a host lost, then back", () -> hostLost(w));
                timed("a failure without auto_revert", () -> failedWithoutAutoRevert(w));
            } finally {
                for (LoopbackCluster.Host h : cluster.hosts()) if (!h.node().alive()) h.node().start(); // its instance's services stop with the level
                JsonNode last = h1.status("web");
                pids(last, pids);
                h1.send("DELETE", AgentNode.level("web"), null);
                for (long p : pids) if (p > 0) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    interface Step {
        void run() throws Exception;
    }

    /** Runs a step and says how long it took: CI's time is counted. */
    static void timed(String what, Step step) throws Exception {
        long t0 = System.nanoTime();
        step.run();
        System.out.println("RolloutTest: " + what + " in " + Duration.ofNanos(System.nanoTime() - t0).toSeconds() + " s");
    }

    /** What the steps after the first three share: the running cluster, the level's directory and each host's site. */
    record Web(LoopbackCluster cluster, Path work, Path dir, Map<String, String> site, Map<String, String> dirs, Map<String, String> cli, Set<Long> pids) {
        AgentNode node(String host) {
            return cluster.host(host).node();
        }

        /** A node that runs, other than {@code not}'s: where the test reads while {@code not} is away. */
        AgentNode other(String not) {
            return cluster.hosts().stream().filter(h -> !h.name().equals(not) && h.node().alive()).findFirst().orElseThrow().node();
        }

        void write(String zedfile) throws java.io.IOException {
            Files.writeString(dir.resolve("Zedfile"), zedfile);
        }
    }

    static JsonNode instance(JsonNode status, String host) {
        for (JsonNode i : status.path("instances")) if (i.path("host").asText().equals(host)) return i;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** A host's line in the level's rollout. */
    static JsonNode step(JsonNode status, String host) {
        for (JsonNode h : status.path("rollout").path("hosts")) if (h.path("host").asText().equals(host)) return h;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    /** Rollout {@code n} is over. */
    static boolean ended(JsonNode status, long n) {
        JsonNode r = status.path("rollout");
        return r.path("rollout").asLong() == n && List.of("Stable", "Reverted", "Aborted", "Failed").contains(r.path("state").asText());
    }

    /**
     * Every instance is Converged at {@code revision}, its host's. (An instance's {@code revision} is the last it
     * accepted; {@code desiredRevision} the one it runs, which a revert takes back.)
     */
    static boolean allOn(JsonNode status, Map<String, Long> revision) {
        for (String h : HOSTS) {
            JsonNode i = instance(status, h);
            if (!i.path("state").asText().equals("Converged") || i.path("desiredRevision").asLong() != revision.get(h)) return false;
        }
        return true;
    }

    /** The revision each host's instance runs (or converges to) now. */
    static Map<String, Long> revisions(JsonNode status) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String h : HOSTS) out.put(h, instance(status, h).path("desiredRevision").asLong());
        return out;
    }

    /** The pids of every service of every instance, for the end's clean-up. */
    static void pids(JsonNode status, Set<Long> into) {
        for (JsonNode i : status.path("instances")) for (JsonNode r : i.path("resources")) if (r.path("pid").asLong() > 0) into.add(r.path("pid").asLong());
    }

    /**
     * {@code hosts} run {@code version} at {@code revision}: the dataset's property, the service's stamped revision on
     * the host's pool, and its data: log.txt was last written by {@code version} and holds nothing of {@code gone}.
     */
    static void assertOn(Web w, List<String> hosts, String version, Map<String, Long> revision, String gone) throws Exception {
        for (String h : hosts) {
            assertEquals(version, PoolReads.property(w.site().get(h), "com.acme:version"), h);
            assertEquals(Long.toString(revision.get(h)), PoolReads.property(w.site().get(h), "com.zed:service.rev"), h + "'s service runs revision " + revision.get(h));
            String log = Files.readString(Path.of(w.dirs().get(h), "log.txt"));
            assertTrue(log.strip().endsWith(version), h + "'s service was last started at " + version + ": " + log);
            if (gone != null) assertFalse(log.contains(gone), h + "'s data holds nothing of " + gone + ": " + log);
        }
    }

    /**
     * Whether {@code host}'s site has its deploy snapshot of {@code revision} (taken before anything of that revision
     * changes the host's datasets; a revert goes back to it).
     */
    static boolean deploySnapshot(Web w, String host, long revision) {
        try {
            return PoolReads.snapshots(w.site().get(host)).stream().anyMatch(n -> n.startsWith("zed-deploy-" + revision + "-"));
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int indexOf(List<String> names, String prefix) {
        for (int i = 0; i < names.size(); i++) if (names.get(i).startsWith(prefix)) return i;
        return -1;
    }

    /** A host that is being handed rollout {@code n}'s revision now, and has taken its deploy snapshot; null if none. */
    static String applying(Web w, JsonNode status, long n, List<String> among) {
        if (status.path("rollout").path("rollout").asLong() != n) return null;
        for (String h : among) {
            JsonNode step = step(status, h);
            if (step.path("state").asText().equals("APPLYING") && step.has("handedRevision") && deploySnapshot(w, h, step.path("handedRevision").asLong())) return h;
        }
        return null;
    }

    /** Rollout {@code n}'s events, read until its RolloutEnded. */
    static List<JsonNode> rolloutEvents(AgentNode node, long n) throws Exception {
        List<JsonNode> all = node.events("web", l -> l.stream().anyMatch(e -> e.path("type").asText().equals("RolloutEnded") && e.path("rollout").asLong() == n),
                Duration.ofSeconds(60));
        return all.stream().filter(e -> e.path("rollout").asLong() == n && e.path("type").asText().startsWith("Rollout") || e.path("rollout").asLong() == n
                && List.of("HostStepped", "Promoted").contains(e.path("type").asText())).toList();
    }

    /** The hosts that took {@code step} in these events, in the order they did. */
    static List<String> stepped(List<JsonNode> events, String step) {
        return events.stream().filter(e -> e.path("type").asText().equals("HostStepped") && e.path("step").asText().equals(step)).map(e -> e.path("host").asText()).toList();
    }

    static JsonNode only(List<JsonNode> events, String type) {
        List<JsonNode> of = events.stream().filter(e -> e.path("type").asText().equals(type)).toList();
        assertEquals(1, of.size(), type + " in " + events);
        return of.get(0);
    }

    /**
     * A canary aborted: h1 takes v5 and waits for zed promote; zed promote web --abort takes it back to the stable
     * revision (its property, its service's stamped revision, its data); h2 and h3 are never changed; the rollout ends
     * Aborted (not Reverted, which says something failed), and its events say so for h1 alone.
     */
    static void canaryAborted(Web w) throws Exception {
        AgentNode h1 = w.node("h1");
        Map<String, Long> stable = revisions(h1.status("web"));
        w.write(web("v5", "  strategy = \"rolling\"\n  canary = 1", w.dirs(), false));
        ZedProcess.Outcome up = ZedProcess.run(w.work(), w.cli(), "up", w.dir().toString());
        assertEquals(0, up.exit(), up.toString());
        assertTrue(up.out().contains("web: the canaries passed (h1); the rollout waits for zed promote web"), up.toString());
        JsonNode waiting = h1.status("web");
        pids(waiting, w.pids());
        long n = waiting.path("rollout").path("rollout").asLong();
        assertEquals("WaitingForPromotion", waiting.path("rollout").path("state").asText(), waiting.toString());
        Map<String, Long> canary = revisions(waiting);
        assertTrue(canary.get("h1") > stable.get("h1"), waiting.toString());
        assertOn(w, List.of("h1"), "v5", canary, null);

        ZedProcess.Outcome abort = ZedProcess.run(w.work(), w.cli(), "promote", "web", "--abort");
        assertEquals(0, abort.exit(), abort.toString());
        assertTrue(abort.out().contains("web: rollout " + n + " aborted"), abort.toString());
        JsonNode ended = h1.await("web", s -> ended(s, n), Duration.ofMinutes(2));
        assertEquals("Aborted", ended.path("rollout").path("state").asText(), "an abort is not a failure: " + ended);
        assertEquals("REVERTED", step(ended, "h1").path("state").asText(), ended.toString());
        for (String h : List.of("h2", "h3")) assertEquals("PENDING", step(ended, h).path("state").asText(), ended.toString());
        JsonNode back = h1.await("web", s -> allOn(s, stable), Duration.ofMinutes(1));
        assertTrue(allOn(back, stable), back.toString());
        assertOn(w, HOSTS, "v4", stable, "v5");
        ZedProcess.Outcome status = ZedProcess.run(w.work(), w.cli(), "status", w.dir().toString());
        assertEquals(0, status.exit(), status.toString());
        assertTrue(status.out().contains("  rollout " + n + " (rolling)  Aborted"), status.toString());
        assertTrue(status.out().contains("    host h1  REVERTED  revision " + canary.get("h1") + " (running " + stable.get("h1") + ")  Converged"), status.toString());
        assertTrue(status.out().contains("    host h2  PENDING  revision " + stable.get("h2") + "  Converged"), status.toString());

        List<JsonNode> events = rolloutEvents(w.node("h2"), n);
        assertTrue(only(events, "Promoted").path("abort").asBoolean(), events.toString());
        assertEquals(List.of("h1"), stepped(events, "REVERTED"), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.path("type").asText().equals("HostStepped") && !e.path("host").asText().equals("h1")),
                "h2 and h3 were never changed: " + events);
        JsonNode end = only(events, "RolloutEnded");
        assertEquals("Aborted", end.path("outcome").asText(), end.toString());
        assertEquals("[\"h1\"]", end.path("reverted").toString(), end.toString());
    }

    /**
     * auto_revert = false, one host at a time, the health check failing on h2 only: the rollout stops at h2 and ends
     * Failed, every host as it was then (docs/cluster.md: the hosts it changed are left on the revision, and it names
     * them). h1 passed and runs the new revision, h2 holds it and is Failed (its own auto_revert is off too), h3 was
     * never handed it and runs the stable one; nothing is reverted, no host steps back.
     */
    static void failedWithoutAutoRevert(Web w) throws Exception {
        AgentNode h1 = w.node("h1");
        JsonNode before = h1.await("web", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(1));
        Map<String, Long> stable = revisions(before);
        String version = PoolReads.property(w.site().get("h3"), "com.acme:version");
        String failOnH2 = web("v10", "  strategy = \"rolling\"\n  max_parallel = 1\n  auto_revert = false", w.dirs(), true)
                .replace("host::name() == \"h3\" ? 1 :", "host::name() == \"h2\" ? 1 :");
        assertTrue(failOnH2.contains("host::name() == \"h2\" ? 1 :"), failOnH2);
        w.write(failOnH2);
        ZedProcess.Outcome up = ZedProcess.run(w.work(), w.cli(), "up", w.dir().toString());
        assertEquals(1, up.exit(), up.toString());
        assertTrue(up.err().contains(" Failed"), up.toString());
        assertFalse(up.err().contains("back on the stable revision"), "nothing went back: " + up);
        JsonNode ended = h1.await("web", s -> s.path("rollout").path("state").asText().equals("Failed"), Duration.ofMinutes(1));
        pids(ended, w.pids());
        long n = ended.path("rollout").path("rollout").asLong();
        assertEquals("PASSED", step(ended, "h1").path("state").asText(), ended.toString());
        assertEquals("FAILED", step(ended, "h2").path("state").asText(), ended.toString());
        long handed = step(ended, "h2").path("handedRevision").asLong();
        assertTrue(step(ended, "h2").path("why").asText().startsWith("host h2, revision " + handed + ": "), ended.toString());
        assertEquals("PENDING", step(ended, "h3").path("state").asText(), ended.toString());
        assertTrue(up.err().contains("host h2  FAILED  host h2, revision " + handed + ": "), up.toString());

        // as each host was when the rollout stopped: h1 on the revision, h2 on it and Failed, h3 on the stable one
        assertEquals("Converged", instance(ended, "h1").path("state").asText(), ended.toString());
        // each instance counts its own revisions: h1's number for the revision is its own
        assertEquals(step(ended, "h1").path("handedRevision").asLong(), instance(ended, "h1").path("desiredRevision").asLong(), ended.toString());
        assertEquals("Failed", instance(ended, "h2").path("state").asText(), ended.toString());
        // an instance with auto_revert journals its revert with its failure (RollingBack): Failed at the revision is none
        assertEquals(handed, instance(ended, "h2").path("desiredRevision").asLong(), "h2 did not go back by itself: " + ended);
        assertEquals("Converged", instance(ended, "h3").path("state").asText(), ended.toString());
        assertEquals((long) stable.get("h3"), instance(ended, "h3").path("desiredRevision").asLong(), ended.toString());
        assertEquals("v10", PoolReads.property(w.site().get("h1"), "com.acme:version"));
        assertEquals("v10", PoolReads.property(w.site().get("h2"), "com.acme:version"));
        assertEquals(version, PoolReads.property(w.site().get("h3"), "com.acme:version"));
        ZedProcess.Outcome status = ZedProcess.run(w.work(), w.cli(), "status", w.dir().toString());
        assertTrue(status.out().contains("  rollout " + n + " (rolling)  Failed"), status.toString());

        List<JsonNode> events = rolloutEvents(w.node("h3"), n);
        JsonNode end = only(events, "RolloutEnded");
        assertEquals("Failed", end.path("outcome").asText(), end.toString());
        assertEquals("[\"h1\",\"h2\"]", end.path("leftOn").toString(), end.toString());
        assertEquals("[]", end.path("reverted").toString(), end.toString());
        assertEquals(List.of(), stepped(events, "REVERTING"), events.toString());
        assertEquals(List.of(), stepped(events, "REVERTED"), events.toString());
        assertTrue(events.stream().noneMatch(e -> e.path("host").asText().equals("h3")), "h3 was never handed the revision: " + events);
    }

    /** auto_promote: the canary h1 passes, and the revision goes on to h2 and h3 without zed promote. */
    static void canaryPromotedByItself(Web w) throws Exception {
        AgentNode h1 = w.node("h1");
        w.write(web("v6", "  strategy = \"rolling\"\n  canary = 1\n  auto_promote = true", w.dirs(), false));
        ZedProcess.Outcome up = ZedProcess.run(w.work(), w.cli(), "up", w.dir().toString());
        assertEquals(0, up.exit(), up.toString());
        assertTrue(up.out().contains("web: Converged on h1, h2, h3"), up.toString());
        assertFalse(up.out().contains("waits for zed promote"), up.toString());
        JsonNode stable = h1.status("web");
        pids(stable, w.pids());
        long n = stable.path("rollout").path("rollout").asLong();
        assertEquals("Stable", stable.path("rollout").path("state").asText(), stable.toString());
        for (String h : HOSTS) assertEquals("PASSED", step(stable, h).path("state").asText(), stable.toString());
        assertOn(w, HOSTS, "v6", revisions(stable), null);
        // the canary went first: h1 passed before h2 or h3 was handed the revision
        List<JsonNode> events = rolloutEvents(w.node("h2"), n);
        List<String> order = events.stream().filter(e -> e.path("type").asText().equals("HostStepped"))
                .map(e -> e.path("host").asText() + " " + e.path("step").asText()).toList();
        int canaryPassed = order.indexOf("h1 PASSED");
        assertTrue(canaryPassed >= 0 && canaryPassed < order.indexOf("h2 APPLYING") && canaryPassed < order.indexOf("h3 APPLYING"), order.toString());
        // and the promotion is on record as the rollout's own
        JsonNode promoted = only(events, "Promoted");
        assertTrue(promoted.path("automatic").asBoolean() && !promoted.path("abort").asBoolean(), promoted.toString());
    }

    /**
     * progress_deadline: on h3 the revision's services start one after another (runtime.after), each within its own
     * healthy_deadline, but the whole takes longer than progress_deadline: the rollout fails h3 and every host goes
     * back to the stable revision, data and properties, the extra services stopped.
     */
    static void progressDeadlinePassed(Web w) throws Exception {
        AgentNode h1 = w.node("h1");
        Map<String, Long> stable = revisions(h1.status("web"));
        Path ready = Files.createDirectories(w.work().resolve("ready"));
        StringBuilder slow = new StringBuilder(web("v7", "  strategy = \"coordinated\"\n  max_parallel = 3\n  progress_deadline = \"20s\"\n  healthy_deadline = \"16s\"",
                w.dirs(), false));
        Set<Long> extra = new HashSet<>();
        String after = null;
        for (String name : List.of("a", "b", "c")) {
            // 9 s on h3 before each is ready, the next one starting only then: over 27 s in all, each gate about 10 s of
            // 16; h1 and h2 have the 20 s for their four starts (13 s was once too few for h1's beside a lavapipe job)
            String file = ready + "/" + name + "-${host::name()}";
            slow.append("""
                    service "exec" "%s" {
                      runtime {
                        cmd   = ["sh", "-c", "rm -f %s; sleep ${host::name() == "h3" ? 9 : 0}; touch %s; exec sleep 600"]%s
                      }
                      health "exec" {
                        command  = ["test", "-f", "%s"]
                        interval = "300ms"
                      }
                    }
                    """.formatted(name, file, file, after == null ? "" : "\n    after = [service.exec." + after + "]", file));
            after = name;
        }
        NodeCalls.Answer pushed = h1.push("web", w.dir(), slow.toString());
        assertEquals(200, pushed.status(), pushed.body().toString());
        long n = pushed.body().path("rollout").asLong();
        JsonNode ended = h1.await("web", s -> {
            pids(s, w.pids());
            for (JsonNode i : s.path("instances")) {
                for (JsonNode r : i.path("resources")) if (r.path("name").asText().matches("service\\.exec\\.[abc]") && r.path("pid").asLong() > 0) extra.add(r.path("pid").asLong());
            }
            return ended(s, n);
        }, Duration.ofMinutes(2));
        assertEquals("Reverted", ended.path("rollout").path("state").asText(), ended.toString());
        assertTrue(step(ended, "h3").path("why").asText().contains("did not pass its gate within progress_deadline (20 s)"), ended.toString());
        for (String h : HOSTS) assertEquals("REVERTED", step(ended, h).path("state").asText(), ended.toString());
        JsonNode back = h1.await("web", s -> allOn(s, stable), Duration.ofMinutes(1));
        assertTrue(allOn(back, stable), back.toString());
        assertOn(w, HOSTS, "v6", stable, "v7");
        for (String h : HOSTS) {
            List<String> services = new java.util.ArrayList<>();
            for (JsonNode r : instance(back, h).path("resources")) if (r.path("kind").asText().equals("service")) services.add(r.path("name").asText());
            assertEquals(List.of("service.exec.web"), services, h + " runs the stable revision's one service: " + back);
        }
        assertFalse(extra.isEmpty(), "the slow services ran: " + ended);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (extra.stream().anyMatch(p -> ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false)) && System.nanoTime() < deadline) Thread.sleep(200);
        for (long p : extra) assertFalse(ProcessHandle.of(p).map(ProcessHandle::isAlive).orElse(false), "the reverted revision's service " + p + " was stopped");
        List<JsonNode> events = rolloutEvents(w.node("h2"), n);
        assertEquals(Set.copyOf(HOSTS), Set.copyOf(stepped(events, "REVERTED")), events.toString());
        assertEquals(3, stepped(events, "REVERTED").size(), events.toString());
    }

    /**
     * The host whose node runs the level's rollout entity now: the one agent JVM that holds a live RolloutEntity
     * ({@code jcmd GC.class_histogram} counts live objects after a full GC). Nothing else says where sharding put it.
     */
    static String rolloutNode(LoopbackCluster cluster) throws Exception {
        List<String> on = new java.util.ArrayList<>();
        java.util.regex.Pattern entity = java.util.regex.Pattern.compile("(?m)\\szed\\.actors\\.rollout\\.RolloutEntity\\s*$");
        for (LoopbackCluster.Host h : cluster.hosts()) {
            if (!h.node().alive()) continue;
            Process p = new ProcessBuilder("jcmd", Long.toString(h.node().javaPid()), "GC.class_histogram").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertEquals(0, p.waitFor(), out);
            if (entity.matcher(out).find()) on.add(h.name());
        }
        assertEquals(1, on.size(), "one node runs the rollout: " + on);
        return on.get(0);
    }

    /**
     * The node that runs the rollout is killed (SIGKILL) while the rollout is between hosts, and started again: the
     * rollout starts again from its journal and ends, Stable with every host on the new revision or Reverted with every
     * host back on the stable one (docs/cluster.md: it resumes or reverts), status and events saying which; never some
     * hosts on one revision and some on another.
     */
    static void rolloutsNodeKilled(Web w) throws Exception {
        Map<String, Long> stable = revisions(w.node("h1").status("web"));
        w.write(web("v8", "  strategy = \"rolling\"\n  min_healthy_time = \"4s\"", w.dirs(), false));
        NodeCalls.Answer pushed = w.node("h1").push("web", w.dir(), Files.readString(w.dir().resolve("Zedfile")));
        assertEquals(200, pushed.status(), pushed.body().toString());
        long n = pushed.body().path("rollout").asLong();
        String runner = rolloutNode(w.cluster());
        AgentNode victim = w.node(runner), watch = w.other(runner);
        // between hosts: h1 passed, the next one is being handed the revision (its deploy snapshot taken)
        JsonNode mid = watch.await("web", s -> step(s, "h1").path("state").asText().equals("PASSED") && applying(w, s, n, List.of("h2", "h3")) != null,
                Duration.ofMinutes(1));
        assertTrue(applying(w, mid, n, List.of("h2", "h3")) != null, mid.toString());
        pids(mid, w.pids());
        assertEquals("Applying", mid.path("rollout").path("state").asText(), mid.toString());
        victim.kill();
        victim.start();
        JsonNode ended = watch.await("web", s -> ended(s, n), Duration.ofMinutes(4));
        pids(ended, w.pids());
        String outcome = ended.path("rollout").path("state").asText();
        assertTrue(List.of("Stable", "Reverted").contains(outcome), "rollout " + n + " ended after its node " + runner + " was killed: " + ended);
        List<JsonNode> events = rolloutEvents(watch, n);
        assertEquals(outcome, only(events, "RolloutEnded").path("outcome").asText(), events.toString());
        if (outcome.equals("Stable")) {
            for (String h : HOSTS) assertEquals("PASSED", step(ended, h).path("state").asText(), ended.toString());
            Map<String, Long> now = revisions(ended);
            for (String h : HOSTS) assertEquals(step(ended, h).path("handedRevision").asLong(), now.get(h), ended.toString());
            JsonNode on = watch.await("web", s -> allOn(s, now), Duration.ofMinutes(1));
            assertTrue(allOn(on, now), on.toString());
            assertOn(w, HOSTS, "v8", now, null);
            assertEquals(Set.copyOf(HOSTS), Set.copyOf(stepped(events, "PASSED")), events.toString());
        } else {
            for (String h : HOSTS) assertTrue(List.of("REVERTED", "PENDING").contains(step(ended, h).path("state").asText()), ended.toString());
            JsonNode back = watch.await("web", s -> allOn(s, stable), Duration.ofMinutes(1));
            assertTrue(allOn(back, stable), back.toString());
            assertOn(w, HOSTS, "v6", stable, "v8");
            assertTrue(stepped(events, "REVERTED").contains("h1"), events.toString());
        }
        System.out.println("RolloutTest: rollout " + n + " ended " + outcome + " after its node " + runner + " was killed and started again");
    }

    /**
     * A host lost in the middle of a rollout: its node is killed while it is being handed the revision, and stays
     * away. Once the cluster has downed it (a member that only stops answering gets 30 s) the rollout fails it (an event says it was lost) and takes every other host
     * it changed back to the stable revision; the lost host stays REVERTING, the rollout Reverting, until it answers
     * again (docs/cluster.md). Started again, it is reverted too and the rollout ends Reverted, every host on the
     * stable revision.
     */
    static void hostLost(Web w) throws Exception {
        JsonNode before = w.node("h1").status("web");
        Map<String, Long> stable = revisions(before);
        String version = PoolReads.property(w.site().get("h1"), "com.acme:version");
        w.write(web("v9", "  strategy = \"rolling\"\n  min_healthy_time = \"2s\"", w.dirs(), false));
        NodeCalls.Answer pushed = w.node("h1").push("web", w.dir(), Files.readString(w.dir().resolve("Zedfile")));
        assertEquals(200, pushed.status(), pushed.body().toString());
        long n = pushed.body().path("rollout").asLong();
        // a host after h1 whose node does not run the rollout: the rollout itself goes on without a pause
        String runner = rolloutNode(w.cluster());
        String lost = runner.equals("h2") ? "h3" : "h2";
        List<String> changed = lost.equals("h2") ? List.of("h1", "h2") : HOSTS;
        AgentNode gone = w.node(lost), watch = w.node(runner);
        JsonNode handed = watch.await("web", s -> lost.equals(applying(w, s, n, List.of(lost))), Duration.ofMinutes(1));
        pids(handed, w.pids());
        assertEquals("APPLYING", step(handed, lost).path("state").asText(), handed.toString());
        gone.kill();
        JsonNode away = watch.await("web", s -> s.path("rollout").path("state").asText().equals("Reverting")
                && changed.stream().filter(h -> !h.equals(lost)).allMatch(h -> step(s, h).path("state").asText().equals("REVERTED")), Duration.ofMinutes(2));
        assertEquals("Reverting", away.path("rollout").path("state").asText(), away.toString());
        assertEquals("REVERTING", step(away, lost).path("state").asText(), away.toString());
        List<String> others = changed.stream().filter(h -> !h.equals(lost)).toList();
        for (String h : others) assertEquals("REVERTED", step(away, h).path("state").asText(), away.toString());
        if (lost.equals("h2")) assertEquals("PENDING", step(away, "h3").path("state").asText(), away.toString());
        List<String> up = HOSTS.stream().filter(h -> !h.equals(lost)).toList();
        assertOn(w, up, version, stable, "v9");
        List<JsonNode> failed = watch.events("web", l -> l.stream().anyMatch(e -> e.path("rollout").asLong() == n && e.path("step").asText().equals("FAILED")),
                Duration.ofSeconds(30)).stream().filter(e -> e.path("rollout").asLong() == n && e.path("step").asText().equals("FAILED")).toList();
        assertEquals(1, failed.size(), failed.toString());
        assertEquals(lost, failed.get(0).path("host").asText(), failed.toString());
        // lost once the cluster downed it (its split-brain decision, ~15 s), not after the 30 s a host that is still a member gets
        assertTrue(failed.get(0).path("why").asText().startsWith("host " + lost + " lost: the cluster removed it, and it has not answered for "), failed.toString());

        gone.start();
        JsonNode ended = watch.await("web", s -> ended(s, n), Duration.ofMinutes(3));
        pids(ended, w.pids());
        assertEquals("Reverted", ended.path("rollout").path("state").asText(), ended.toString());
        JsonNode back = watch.await("web", s -> allOn(s, stable), Duration.ofMinutes(2));
        assertTrue(allOn(back, stable), back.toString());
        assertOn(w, HOSTS, version, stable, "v9");
        List<JsonNode> events = rolloutEvents(watch, n);
        assertEquals(Set.copyOf(changed), Set.copyOf(stepped(events, "REVERTED")), events.toString());
        assertEquals(changed.size(), stepped(events, "REVERTED").size(), events.toString());
    }
}
