package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;
import zed.chaos.fault.PoolReads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A level with {@code hosts = ["h1", "h2", "h3"]} on three real nodes (JVMs), each with its own pool, one PostgreSQL
 * journal: pushed through one node, it runs one instance on every host, each with its own dataset on that host's pool
 * ({@code host::name()} differs per instance) and its own process; its status, read through any node, shows every
 * instance; a new revision reaches each; a host that is not a member is refused at its position, a change of hosts
 * is refused; a level below it on h3 reads one entry per instance (host, address, values), is refused while h2 is
 * away, and follows the parent's next revision; stopped with its child, then destroyed, every instance stops and its
 * datasets go. Run by ClusterTest first, on its cluster (a three-node start is the expensive part): it leaves no
 * process or dataset behind, and its levels (web@h1..h3, web/api) stopped in the placement table.
 */
final class MultiHostScenario {
    private MultiHostScenario() {
    }

    // Each instance's gate is 1 s rather than the default 5 s, as in RolloutTest: what is proved is where the instances
    // run and what reaches them, not how long a service must stay up before it counts.
    static String web(String version, String hosts) {
        return """
                level "web" {
                  hosts = [%s]
                }
                update {
                  min_healthy_time = "1s"
                }
                dataset "site" {
                  properties = {
                    "com.acme:where"   = host::name()
                    "com.acme:version" = "%s"
                  }
                }
                service "exec" "web" {
                  dataset = "site"
                  vars    = { port = net::pickport(), version = "%s" }
                  runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
                  health "http" {
                    url      = "http://127.0.0.1:${self.vars.port}/"
                    interval = "500ms"
                  }
                }
                """.formatted(hosts, version, version);
    }

    static final String ALL = "\"h1\", \"h2\", \"h3\"";

    /** A level below web, on h3: stamps what it read of web's instances, one entry per host, on its dataset. */
    static final String API = """
            level "api" {
              host = "h3"
            }
            dataset "api" {
              properties = {
                "com.acme:first"    = "${service.exec.web.instances[0].host}@${service.exec.web.instances[0].address}:${service.exec.web.instances[0].vars.port}"
                "com.acme:third"    = "${service.exec.web.instances[2].host}@${service.exec.web.instances[2].address}"
                "com.acme:versions" = "${service.exec.web.instances[0].vars.version},${service.exec.web.instances[1].vars.version},${service.exec.web.instances[2].vars.version}"
              }
            }
            """;

    /** A level on every host of {@code cluster} (h1, h2, h3, up, running no level yet), through to its destruction. */
    static void aLevelOnThreeHostsRunsOneInstanceOnEach(Path work, LoopbackCluster cluster) throws Exception {
        Set<Long> pids = new HashSet<>();
        AgentNode h1 = cluster.host("h1").node(), h3 = cluster.host("h3").node();
        try {
            // a host that is not a member: refused at the attribute's position, nothing placed
            NodeCalls.Answer refused = h1.push("web", work.resolve("web"), web("v1", "\"h1\", \"h9\""));
            assertEquals(400, refused.status(), refused.body().toString());
            JsonNode e = refused.body().path("errors").get(0);
            assertEquals(2, e.path("line").asInt(), e.toString());
            assertEquals(3, e.path("col").asInt(), e.toString());
            assertTrue(e.path("message").asText().startsWith("level.hosts: host \"h9\" is not a member of the cluster (members: h1, h2, h3)"), e.toString());
            assertEquals(404, h1.send("GET", AgentNode.level("web"), null).status());

            // pushed through h1: one instance on each host, each accepted revision 1
            Path dir = work.resolve("web");
            NodeCalls.Answer pushed = h1.push("web", dir, web("v1", ALL));
            assertEquals(200, pushed.status(), pushed.body().toString());
            assertEquals(List.of("h1", "h2", "h3"), texts(pushed.body().path("hosts")), pushed.body().toString());
            assertEquals(1, pushed.body().path("revision").asLong(), pushed.body().toString());
            JsonNode web = h3.await("web", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
            assertEquals("Converged", web.path("state").asText(), "read through h3: " + web);
            assertEquals(List.of("h1", "h2", "h3"), texts(web.path("hosts")), web.toString());
            for (JsonNode i : web.path("instances")) {
                String host = i.path("host").asText();
                assertEquals("Converged", i.path("state").asText(), i.toString());
                long pid = AgentNode.servicePid(i);
                assertTrue(pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "its service runs: " + i);
                assertTrue(pids.add(pid), "every instance runs its own process: " + web);
                String site = cluster.host(host).pool() + "/site";
                assertEquals(host, PoolReads.property(site, "com.acme:where"), "host::name() is the instance's host");
                assertEquals("v1", PoolReads.property(site, "com.acme:version"));
            }
            assertEquals(3, pids.size(), web.toString());
            JsonNode placed = h1.send("GET", "/v1/hosts", null).body();
            for (String h : List.of("h1", "h2", "h3")) assertEquals(List.of("web@" + h), ClusterTest.levelsOn(placed, h), placed.toString());
            assertEquals(List.of("web"), texts(h1.send("GET", "/v1/levels", null).body().path("levels")));

            // zed status shows every instance, with its host
            Files.writeString(dir.resolve("Zedfile"), web("v1", ALL));
            Map<String, String> cli = Map.of("ZED_NODE", h3.url(), "ZED_TOKEN", h3.api().token(), "ZED_HOME", work.resolve("cli").toString());
            ZedProcess.Outcome status = ZedProcess.run(work, cli, "status", dir.toString());
            assertEquals(0, status.exit(), status.toString());
            for (String h : List.of("h1", "h2", "h3")) assertTrue(status.out().contains("  host " + h + "  Converged  revision 1"), status.toString());

            // a new revision, by zed up through h3, reaches every instance; zed up waits for each
            Files.writeString(dir.resolve("Zedfile"), web("v2", ALL));
            ZedProcess.Outcome up = ZedProcess.run(work, cli, "up", dir.toString());
            assertEquals(0, up.exit(), up.toString());
            for (String h : List.of("h1", "h2", "h3")) assertTrue(up.out().contains("web on " + h + ": revision 2"), up.toString());
            assertTrue(up.out().contains("web: Converged on h1, h2, h3"), up.toString());
            JsonNode v2 = h1.status("web");
            assertEquals("Converged", v2.path("state").asText(), v2.toString());
            assertEquals(2, v2.path("revision").asLong(), v2.toString());
            for (String h : List.of("h1", "h2", "h3")) assertEquals("v2", PoolReads.property(cluster.host(h).pool() + "/site", "com.acme:version"), h);
            for (JsonNode i : v2.path("instances")) pids.add(AgentNode.servicePid(i));

            // a level below it, on h3: a single value of web's service would pick one instance, and is refused where it is read
            Path apiDir = work.resolve("web/api");
            NodeCalls.Answer single = h1.push("web/api", apiDir, "level \"api\" {\n  host = \"h3\"\n}\ndataset \"api\" {\n"
                    + "  properties = { \"com.acme:one\" = service.exec.web.address }\n}\n", "web");
            assertEquals(400, single.status(), single.body().toString());
            JsonNode one = single.body().path("errors").get(0);
            assertEquals(5, one.path("line").asInt(), one.toString());
            assertEquals(52, one.path("col").asInt(), one.toString());
            assertTrue(one.path("message").asText().contains("level web runs on several hosts (hosts = [h1, h2, h3])")
                    && one.path("message").asText().contains("read service.exec.web.instances"), one.toString());
            // it reads one entry per instance, each with its host, that host's address and the instance's own values
            NodeCalls.Answer child = h1.push("web/api", apiDir, API, "web");
            assertEquals(200, child.status(), child.body().toString());
            assertEquals("h3", child.body().path("host").asText(), child.body().toString());
            JsonNode api = h1.await("web/api", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
            assertEquals("Converged", api.path("state").asText(), api.toString());
            String links = cluster.host("h3").pool() + "/api";
            long h1pid = AgentNode.servicePid(instance(v2, "h1"));
            String first = PoolReads.property(links, "com.acme:first");
            assertTrue(first.startsWith("h1@" + ip(cluster, "h1") + ":"), "h1's instance, at h1's address: " + first);
            String h1port = first.substring(first.lastIndexOf(':') + 1);
            List<String> h1args = ProcessHandle.of(h1pid).flatMap(p -> p.info().arguments()).map(List::of).orElseThrow();
            assertTrue(h1args.contains(h1port), "the port h1's instance listens on: " + h1args + " vs " + first);
            assertEquals("h3@" + ip(cluster, "h3"), PoolReads.property(links, "com.acme:third"));
            assertEquals("v2,v2,v2", PoolReads.property(links, "com.acme:versions"));
            // a level on several hosts below it is refused before anything is placed
            NodeCalls.Answer spread = h1.push("web/ui", work.resolve("web/ui"), "level \"ui\" {\n  hosts = [\"h1\", \"h3\"]\n}\ndataset \"ui\" {}\n", "web");
            assertEquals(400, spread.status(), spread.body().toString());
            JsonNode sp = spread.body().path("errors").get(0);
            assertEquals(2, sp.path("line").asInt(), sp.toString());
            assertTrue(sp.path("message").asText().startsWith("level.hosts: the parent level web runs on several hosts too"), sp.toString());
            assertEquals(404, h1.send("GET", AgentNode.level("web/ui"), null).status());

            // h2's node is killed: its instance is Unknown, the others run on; started again, it converges again,
            // adopting the process that kept running
            AgentNode h2node = cluster.host("h2").node();
            long h2pid = 0;
            for (JsonNode i : v2.path("instances")) if (i.path("host").asText().equals("h2")) h2pid = AgentNode.servicePid(i);
            h2node.kill();
            JsonNode away = h1.await("web", s -> instance(s, "h2").path("state").asText().equals("Unknown"), Duration.ofSeconds(60));
            assertEquals("Unknown", instance(away, "h2").path("state").asText(), away.toString());
            assertEquals("Converged", instance(away, "h1").path("state").asText(), away.toString());
            assertEquals("Converged", instance(away, "h3").path("state").asText(), away.toString());
            // the child reads every instance: while h2 is away a push of it is refused, saying which instance did not
            // answer, and what it runs stays as it was
            NodeCalls.Answer away2 = h1.push("web/api", apiDir, API, "web");
            assertEquals(400, away2.status(), away2.body().toString());
            assertTrue(away2.body().toString().contains("its instance on host h2 did not answer (is its host away?)"), away2.body().toString());
            JsonNode kept = h1.status("web/api");
            assertEquals("Converged", kept.path("state").asText(), kept.toString());
            assertEquals(1, kept.path("revision").asLong(), kept.toString());
            h2node.start();
            // (right after its start an instance shows its journaled state before its service reported: await both)
            JsonNode back = h1.await("web", s -> s.path("state").asText().equals("Converged") && AgentNode.servicePid(instance(s, "h2")) > 0,
                    Duration.ofMinutes(3)); // a restarted node beside another scenario on two cores
            assertEquals("Converged", back.path("state").asText(), back.toString());
            assertEquals(2, back.path("revision").asLong(), back.toString());
            assertEquals(h2pid, AgentNode.servicePid(instance(back, "h2")), "the instance adopted its running process: " + back);

            // the hosts of a placed level do not change with a push
            NodeCalls.Answer move = h1.push("web", dir, web("v2", "\"h1\", \"h2\""));
            assertEquals(409, move.status(), move.body().toString());
            assertTrue(move.body().toString().contains("a push does not change the hosts of a level"), move.body().toString());
            NodeCalls.Answer rollback = h1.send("POST", AgentNode.level("web") + "/rollback", Map.of("target", "@rev:1"));
            assertEquals(409, rollback.status(), rollback.body().toString());

            // a new revision of web, rolled out to every host (h2 back), cascades to the child on h3: it evaluates again
            // as each instance changes, and converges with what every instance runs
            Files.writeString(dir.resolve("Zedfile"), web("v3", ALL));
            assertEquals(200, h3.push("web", dir, web("v3", ALL)).status());
            long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
            JsonNode cascaded = h1.status("web/api");
            while (!(cascaded.path("state").asText().equals("Converged") && PoolReads.property(links, "com.acme:versions").equals("v3,v3,v3"))) {
                assertTrue(System.nanoTime() < deadline, "the child did not follow web's v3: " + cascaded + " " + PoolReads.property(links, "com.acme:versions"));
                Thread.sleep(500); // polling interval of a deadline wait
                cascaded = h1.status("web/api");
            }
            assertTrue(cascaded.path("revision").asLong() >= 2, "the parent's change gave the child a revision: " + cascaded);
            assertEquals("Converged", h1.status("web").path("state").asText());
            for (JsonNode i : h1.status("web").path("instances")) pids.add(AgentNode.servicePid(i));

            // stopped through h2 with the level below it, child first: every instance stops and its process ends
            NodeCalls.Answer refusedStop = h2node.send("DELETE", AgentNode.level("web"), null);
            assertEquals(409, refusedStop.status(), refusedStop.body().toString());
            assertTrue(refusedStop.body().toString().contains("has levels below it (web/api)"), refusedStop.body().toString());
            NodeCalls.Answer stopped = h2node.send("DELETE", AgentNode.level("web") + "?cascade=true", null);
            assertEquals(200, stopped.status(), stopped.body().toString());
            assertEquals("Stopped", h1.status("web/api").path("state").asText());
            assertEquals(3, stopped.body().path("instances").size(), stopped.body().toString());
            for (JsonNode i : stopped.body().path("instances")) assertEquals("Stopped", i.path("state").asText(), i.toString());
            for (long pid : pids) {
                ProcessHandle.of(pid).ifPresent(p -> p.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join());
            }
            // then destroyed through h2, which reaches the other hosts' instances: every dataset goes. zfs-fuse may
            // still call a dataset just unmounted busy (a 409 that says so): asked again, as an operator would
            NodeCalls.Answer destroyed = null;
            deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                destroyed = h2node.send("DELETE", AgentNode.level("web") + "?destroy=true", null);
                if (destroyed.status() != 409 || !destroyed.body().toString().contains("dataset is busy")) break;
                Thread.sleep(1000); // polling interval of a deadline wait
            }
            assertEquals(200, destroyed.status(), destroyed.body().toString());
            for (JsonNode i : destroyed.body().path("instances")) {
                assertEquals(List.of("site"), texts(i.path("destroyed")).stream().map(d -> d.substring(d.lastIndexOf('/') + 1)).toList(), i.toString());
            }
            for (String h : List.of("h1", "h2", "h3")) {
                assertFalse(PoolReads.datasets(cluster.host(h).pool()).contains(cluster.host(h).pool() + "/site"), h + " still holds the level's dataset");
            }
        } finally {
            for (long p : pids) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    /** Whether a level of the placement table ({@code /v1/hosts}) is one of this scenario's. */
    static boolean itsLevel(String placed) {
        return placed.equals("web") || placed.startsWith("web@") || placed.startsWith("web/");
    }

    /** The address a host's services are reached at: its Artery address's. */
    private static String ip(LoopbackCluster cluster, String host) {
        String a = cluster.host(host).address();
        return a.substring(0, a.lastIndexOf(':'));
    }

    private static JsonNode instance(JsonNode level, String host) {
        for (JsonNode i : level.path("instances")) if (i.path("host").asText().equals(host)) return i;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
