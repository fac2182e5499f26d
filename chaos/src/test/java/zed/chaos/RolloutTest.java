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
 * then the revision goes on to every host.
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
                  min_healthy_time = "1s"
                  healthy_deadline = "12s"
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
                """.formatted(update, version, d, version, port);
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
                }
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
                for (JsonNode i : promoted.path("instances")) pids.add(AgentNode.servicePid(i));
            } finally {
                JsonNode last = h1.status("web");
                for (JsonNode i : last.path("instances")) pids.add(AgentNode.servicePid(i));
                h1.send("DELETE", AgentNode.level("web"), null);
                for (long p : pids) if (p > 0) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
