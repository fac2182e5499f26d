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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real nodes (JVMs) on 127.0.0.2, .3 and .4, each with its own dataset of the zfs-fuse test pool as its pool,
 * one PostgreSQL journal, set up by {@code zed cluster init} (Artery over TLS, one token): the cluster forms, a node
 * of another cluster's CA cannot join, the cluster lists its hosts, places a level on the host its Zedfile names whichever
 * node received it, answers for it from any node, refuses a host that is not a member at its position, lets a child on
 * h2 reach its parent's service on h1 at h1's address and follow the parent's changes, and never
 * runs a level whose host is gone (its node killed) anywhere else: it waits (PartitionTest shows it come back).
 * Before its own levels, on the same cluster (starting three agents is the expensive part): a level on every host,
 * {@link MultiHostScenario}.
 */
@Tag("cluster-scenario") // runs beside another such scenario: see chaos/pom.xml
class ClusterTest {
    // Each service's gate is 1 s rather than the default 5 s: what is proved is where a level runs, not how long a
    // service must stay up before it counts.
    static final String FRONT = """
            level "front" {
              host = "h2"
            }
            update {
              min_healthy_time = "1s"
            }
            dataset "data" {
              properties = { "com.acme:where" = host::name() }
            }
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

    /** A parent level on h1: a registry that listens on every address of its host, and a tag its children read. */
    static String infra(String tag) {
        return """
                level "infra" {
                  host = "h1"
                }
                update {
                  min_healthy_time = "1s"
                }
                service "exec" "registry" {
                  vars    = { port = net::pickport(), tag = "%s" }
                  runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "0.0.0.0"] }
                  health "http" {
                    url      = "http://127.0.0.1:${self.vars.port}/"
                    interval = "500ms"
                  }
                }
                """.formatted(tag);
    }

    /** Its child on h2: reaches the registry at h1's address, which it never writes, and records what it read. */
    static final String SHOP = """
            level "shop" {
              host = "h2"
            }
            update {
              min_healthy_time = "1s"
            }
            dataset "links" {
              properties = {
                "com.acme:registry" = "${service.exec.registry.address}:${service.exec.registry.vars.port}"
                "com.acme:tag"      = service.exec.registry.vars.tag
              }
            }
            service "exec" "shop" {
              dataset = "links"
              vars    = { port = net::pickport() }
              runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
              # healthy only while h1's registry answers at the address the child read
              health "http" {
                url      = "http://${service.exec.registry.address}:${service.exec.registry.vars.port}/"
                interval = "500ms"
              }
            }
            """;

    @Test
    void threeHostsFormAClusterAndEachLevelRunsOnItsHostAndNowhereElse(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        List<Long> pids = new ArrayList<>();
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("cluster");
             // only h3 has a GPU (lavapipe, a CPU Vulkan device counted as one): a level of GPU jobs goes there
             LoopbackCluster cluster = LoopbackCluster.start(ZedProcess.bin(), work, 3, db, pool,
                     host -> host.equals("h3") ? Map.of("ZED_GPU_INCLUDE_CPU", "1") : Map.of())) {
            AgentNode h1 = cluster.host("h1").node(), h2 = cluster.host("h2").node(), h3 = cluster.host("h3").node();
            try {
                // every member, as any node sees it: its name, address, pool and free space, and which one answered
                // (membership is gossip: h3 may see itself joining for a moment after h1 saw it up; and a node that just
                // started may not have its facts yet)
                JsonNode hosts = LoopbackCluster.awaitHosts(h3.api(), h -> h.path("status").asText().equals("up") && !h.path("pool").path("name").asText().isEmpty(),
                        3, Duration.ofSeconds(60));
                assertEquals(List.of("h1", "h2", "h3"), names(hosts), hosts.toString());
                for (JsonNode h : hosts.path("hosts")) {
                    LoopbackCluster.Host want = cluster.host(h.path("name").asText());
                    assertEquals(want.address(), h.path("address").asText(), h.toString());
                    assertEquals("up", h.path("status").asText(), h.toString());
                    assertEquals(want.pool(), h.path("pool").path("name").asText(), h.toString());
                    assertTrue(h.path("pool").path("free").asLong() > 0, h.toString());
                    assertEquals(want.name().equals("h3"), h.path("self").asBoolean(), h.toString());
                }
                // the command line, through any node, with that node's token
                ZedProcess.Outcome listed = ZedProcess.run(work, Map.of("ZED_NODE", h1.url(), "ZED_TOKEN", token(h1), "ZED_HOME", work.resolve("cli").toString()), "hosts");
                assertEquals(0, listed.exit(), listed.toString());
                for (String h : List.of("h1", "h2", "h3")) assertTrue(listed.out().contains(cluster.host(h).address()), listed.toString());

                // a node whose certificate another cluster's CA signed cannot join: the TLS handshake fails both ways
                foreignNodeCannotJoin(work, db, cluster);

                // a level on every host, through to its destruction: no process or dataset of it is left (its levels stay placed)
                MultiHostScenario.aLevelOnThreeHostsRunsOneInstanceOnEach(work.resolve("multihost"), cluster);

                // a host that is not a member: refused at its position, nothing placed
                NodeCalls.Answer refused = h1.push("nine", work.resolve("nine"), "level \"nine\" {\n  host = \"h9\"\n}\n");
                assertEquals(400, refused.status(), refused.body().toString());
                JsonNode e = refused.body().path("errors").get(0);
                assertEquals(2, e.path("line").asInt(), e.toString());
                assertEquals(3, e.path("col").asInt(), e.toString());
                assertTrue(e.path("message").asText().contains("host \"h9\" is not a member of the cluster (members: h1, h2, h3)"), e.toString());
                assertEquals(404, h1.send("GET", AgentNode.level("nine"), null).status());
                // so is a standby that is not a member, at its position
                NodeCalls.Answer noStandby = h1.push("nine", work.resolve("nine"), "level \"nine\" { host = \"h1\" }\nfailover {\n  standby = \"h9\"\n}\n");
                assertEquals(400, noStandby.status(), noStandby.body().toString());
                JsonNode se = noStandby.body().path("errors").get(0);
                assertEquals(List.of(3, 3), List.of(se.path("line").asInt(), se.path("col").asInt()), se.toString());
                assertTrue(se.path("message").asText().contains("failover.standby: host \"h9\" is not a member of the cluster (members: h1, h2, h3)"), se.toString());
                assertEquals(404, h1.send("GET", AgentNode.level("nine"), null).status());

                // pushed through h1, it runs on h2: h2's pool holds its dataset, stamped with h2's name
                NodeCalls.Answer pushed = h1.push("front", work.resolve("front"), FRONT);
                assertEquals(200, pushed.status(), pushed.body().toString());
                assertEquals("h2", pushed.body().path("host").asText(), pushed.body().toString());
                JsonNode front = h3.await("front", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
                assertEquals("Converged", front.path("state").asText(), "read through h3: " + front);
                assertEquals("h2", front.path("host").asText(), "its status says where it runs: " + front);
                String data = cluster.host("h2").pool() + "/data";
                assertEquals("h2", PoolReads.property(data, "com.acme:where"), "host::name() is the level's host");
                for (String other : List.of("h1", "h3")) {
                    assertFalse(PoolReads.datasets(cluster.host(other).pool()).stream().anyMatch(d -> d.endsWith("/data")), other + "'s pool holds front's dataset");
                }
                long pid = AgentNode.servicePid(front);
                pids.add(pid);
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the service runs: " + front);
                JsonNode placed = h1.send("GET", "/v1/hosts", null).body();
                // the placement table keeps MultiHostScenario's levels (stopped, web destroyed): front is on h2 besides them, and only there
                assertEquals(List.of("front"), levelsOn(placed, "h2").stream().filter(l -> !MultiHostScenario.itsLevel(l)).toList(), placed.toString());
                for (String other : List.of("h1", "h3")) assertFalse(levelsOn(placed, other).contains("front"), placed.toString());
                // a job's rollback is its level's host's to do: asked through h1, a level on h2 is refused, and nothing is asked of it
                ZedProcess.Outcome elsewhere = ZedProcess.run(work, Map.of("ZED_NODE", h1.url(), "ZED_TOKEN", token(h1), "ZED_HOME", work.resolve("cli").toString()),
                        "job", "rollback", "--level", "front", "train", "@ckpt-1");
                assertEquals(1, elsewhere.exit(), elsewhere.toString());
                assertTrue(elsewhere.err().contains("level front runs on host h2, not on this node's host h1: its job's checkpoints are there; ask that host's node"),
                        elsewhere.toString());

                // a level that names no host stays where it was received
                NodeCalls.Answer local = h3.push("notes", work.resolve("notes"), "dataset \"n\" {}\n");
                assertEquals(200, local.status(), local.body().toString());
                assertEquals("h3", local.body().path("host").asText());
                assertEquals("Converged", h1.await("notes", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(1)).path("state").asText());
                assertTrue(PoolReads.datasets(cluster.host("h3").pool()).contains(cluster.host("h3").pool() + "/n"));
                // a new level of GPU jobs that names no host goes to the host whose GPUs fit them: h3, through h1
                gpuJobsGoWhereTheyFit(work, h1, cluster);
                modelWeightsComeFromAnotherHostsSnapshot(work, h1, h3, cluster);

                // and does not move by a push that names another host
                NodeCalls.Answer move = h1.push("notes", work.resolve("notes"), "level \"notes\" {\n  host = \"h1\"\n}\ndataset \"n\" {}\n");
                assertEquals(409, move.status(), move.body().toString());

                // federation across hosts: a child on h2 reads its parent's service on h1, address included, and
                // follows its changes
                NodeCalls.Answer parent = h3.push("infra", work.resolve("infra"), infra("v1"));
                assertEquals(200, parent.status(), parent.body().toString());
                JsonNode registry = h1.await("infra", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
                assertEquals("Converged", registry.path("state").asText(), registry.toString());
                pids.add(AgentNode.servicePid(registry));
                NodeCalls.Answer child = h1.push("infra/shop", work.resolve("infra/shop"), SHOP, "infra");
                assertEquals(200, child.status(), child.body().toString());
                assertEquals("h2", child.body().path("host").asText());
                JsonNode shop = h3.await("infra/shop", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
                assertEquals("Converged", shop.path("state").asText(), "its health check reaches h1's registry from h2: " + shop);
                pids.add(AgentNode.servicePid(shop));
                String links = cluster.host("h2").pool() + "/links";
                String[] reg = PoolReads.property(links, "com.acme:registry").split(":");
                assertEquals("127.0.0.2", reg[0], "h1's address, as the child read it");
                assertTrue(Integer.parseInt(reg[1]) > 0);
                assertEquals("v1", PoolReads.property(links, "com.acme:tag"));
                assertEquals(200, h3.push("infra", work.resolve("infra"), infra("v2")).status());
                JsonNode cascaded = h2.await("infra/shop", s -> s.path("revision").asLong() == 2 && s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
                assertEquals(2, cascaded.path("revision").asLong(), "the parent's change on h1 gave the child on h2 a revision: " + cascaded);
                assertEquals("v2", PoolReads.property(links, "com.acme:tag"));
                // stopped through h3 with its child on h2, child first
                NodeCalls.Answer stopped = h3.send("DELETE", AgentNode.level("infra") + "?cascade=true", null);
                assertEquals(200, stopped.status(), stopped.body().toString());
                assertEquals("Stopped", h1.status("infra/shop").path("state").asText());

                // h2's node is killed (its service keeps running): front is not started anywhere else, and says why
                h2.kill();
                JsonNode gone = h1.await("front", s -> s.path("errors").path(0).path("message").asText().contains("runs on host h2"), Duration.ofSeconds(60));
                assertTrue(gone.toString().contains("runs on host h2, which"), "while h2 is away: " + gone);
                for (String other : List.of("h1", "h3")) {
                    assertFalse(PoolReads.datasets(cluster.host(other).pool()).stream().anyMatch(d -> d.endsWith("/data")), other + "'s pool holds front's dataset");
                }
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "a node's death leaves its services running");

                // its coming back (the level converging again with the same process) is PartitionTest's
            } finally {
                for (String path : List.of(AgentNode.level("infra") + "?cascade=true", AgentNode.level("front"))) {
                    for (AgentNode n : List.of(h1, h2, h3)) {
                        try {
                            n.send("DELETE", path, null);
                            break;
                        } catch (Exception tryAnother) {
                            // that node is down: another one routes the stop
                        }
                    }
                }
                for (long p : pids) ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** A level's job, its model on lavapipe's VRAM ({@code vram}), and a process that ends at once. */
    static String gpuJobs(String vram) {
        return """
                dataset "models/m" {}
                dataset "runs/a" {}
                model "m" {
                  dataset  = "models/m"
                  requires = { vram = "%s" }
                }
                job "a" {
                  model   = model.m
                  dataset = "runs/a"
                  runtime { cmd = ["true"] }
                }
                """.formatted(vram);
    }

    private static void gpuJobsGoWhereTheyFit(Path work, AgentNode h1, LoopbackCluster cluster) throws Exception {
        GpuExampleTest.lavapipe();
        // a job that fits no host's GPU: refused at its place, with every host's table, and nothing placed
        NodeCalls.Answer tooBig = h1.push("train", work.resolve("train"), gpuJobs("1T"));
        assertEquals(400, tooBig.status(), tooBig.body().toString());
        JsonNode e = tooBig.body().path("errors").get(0);
        assertEquals(List.of(7, 1), List.of(e.path("line").asInt(), e.path("col").asInt()), e.toString());
        String table = e.path("message").asText();
        assertTrue(table.startsWith("job \"a\" (model m): fits on no host: no host has a GPU with 1048576 MiB free"), table);
        assertTrue(table.matches("(?s).*\\nh1 +- +\\(no GPUs\\).*\\nh2 +- +\\(no GPUs\\).*\\nh3 +0 +llvmpipe.*"), table);
        assertEquals(404, h1.send("GET", AgentNode.level("train"), null).status());

        NodeCalls.Answer pushed = h1.push("train", work.resolve("train"), gpuJobs("64M"));
        assertEquals(200, pushed.status(), pushed.body().toString());
        assertEquals("h3", pushed.body().path("host").asText(), pushed.body().toString());
        JsonNode done = h1.await("train", s -> s.path("resources").findValuesAsText("state").contains("Succeeded"), Duration.ofMinutes(1));
        JsonNode job = java.util.stream.StreamSupport.stream(done.path("resources").spliterator(), false)
                .filter(r -> r.path("kind").asText().equals("job")).findFirst().orElseThrow();
        assertEquals("h3", job.path("host").asText(), job.toString());
        assertTrue(PoolReads.datasets(cluster.host("h3").pool()).contains(cluster.host("h3").pool() + "/runs/a"), "the job's dataset is on h3's pool");
        assertEquals(200, h1.send("DELETE", AgentNode.level("train"), null).status());
    }

    /** A level of GPU jobs (it goes to h3; datasets of its own, train's stay on h3) whose model's weights are a snapshot of h1's dataset; its job checks them. */
    static String jobsOnWeightsFrom(String host, String snapshot, String modelDir, String extra) {
        return """
                dataset "models/t" {}
                dataset "runs/t" {}
                model "m" {
                  dataset  = "models/t"
                  requires = { vram = "64M" }
                  source {
                    host     = "%s"
                    snapshot = "%s"
                  }
                }
                job "a" {
                  model   = model.m
                  dataset = "runs/t"
                  runtime { cmd = ["sh", "-c", "test \\"$(cat %s/w.txt)\\" = weights-v1"] }
                  restart { attempts = 0 }
                }
                """.formatted(host, snapshot, modelDir) + extra;
    }

    private static void modelWeightsComeFromAnotherHostsSnapshot(Path work, AgentNode h1, AgentNode h3, LoopbackCluster cluster) throws Exception {
        String h3pool = cluster.host("h3").pool();
        String modelDir = PoolReads.mountpoint(h3pool).resolve("models/t").toString();
        // a source host that is not a member: refused at its position, nothing placed
        NodeCalls.Answer notThere = h1.push("tuned", work.resolve("tuned"), jobsOnWeightsFrom("h9", "models/base@v1", modelDir, ""));
        assertEquals(400, notThere.status(), notThere.body().toString());
        JsonNode ne = notThere.body().path("errors").get(0);
        assertEquals(List.of(7, 5), List.of(ne.path("line").asInt(), ne.path("col").asInt()), ne.toString());
        assertTrue(ne.path("message").asText().contains("source.host: host \"h9\" is not a member of the cluster (members: h1, h2, h3)"), ne.toString());
        assertEquals(404, h1.send("GET", AgentNode.level("tuned"), null).status());
        // nor the host the level goes to (h3, by its GPUs): its weights would be in its own pool; taken back unplaced
        NodeCalls.Answer own = h1.push("tuned", work.resolve("tuned"), jobsOnWeightsFrom("h3", "models/base@v1", modelDir, ""));
        assertEquals(400, own.status(), own.body().toString());
        JsonNode oe = own.body().path("errors").get(0);
        assertEquals(List.of(7, 5), List.of(oe.path("line").asInt(), oe.path("col").asInt()), oe.toString());
        assertTrue(oe.path("message").asText().startsWith("source.host: \"h3\" is the host this level runs on"), oe.toString());
        assertEquals(404, h1.send("GET", AgentNode.level("tuned"), null).status());

        // h1's level holds the weights; the operator snapshots them as @v1
        assertEquals(200, h1.push("base", work.resolve("base"), "level \"base\" {\n  host = \"h1\"\n}\ndataset \"models/base\" {}\n").status());
        h3.await("base", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(1));
        String base = cluster.host("h1").pool() + "/models/base";
        Files.writeString(PoolReads.mountpoint(base).resolve("w.txt"), "weights-v1");
        zed.chaos.fault.HostFacts.zfs("snapshot", base + "@v1");
        String guid = PoolReads.property(base + "@v1", "guid");

        // a snapshot h1 does not hold: the converge fails naming the model's dataset, the host and the snapshot; no job starts
        NodeCalls.Answer missing = h1.push("tuned", work.resolve("tuned"), jobsOnWeightsFrom("h1", "models/base@v9", modelDir, ""));
        assertEquals(200, missing.status(), missing.body().toString());
        assertEquals("h3", missing.body().path("host").asText(), missing.body().toString());
        List<JsonNode> failed = h3.events("tuned", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("ConvergeFailed")), Duration.ofSeconds(60));
        JsonNode why = failed.stream().filter(e -> e.path("type").asText().equals("ConvergeFailed")).findFirst().orElseThrow(() -> new AssertionError(failed.toString()));
        assertEquals("dataset.models/t", why.path("resource").asText(), why.toString());
        assertTrue(why.path("why").asText().contains("cannot receive its model source h1:models/base@v9: host h1 has no snapshot models/base@v9"), why.toString());
        assertFalse(failed.stream().anyMatch(e -> e.path("type").asText().equals("JobStarted")), failed.toString());
        assertEquals("-", PoolReads.property(h3pool + "/models/t", "com.zed:model.source"), "the model's dataset is untouched");

        // the snapshot h1 holds: received on h3, copied into the model's dataset, and the job reads it
        assertEquals(200, h1.push("tuned", work.resolve("tuned"), jobsOnWeightsFrom("h1", "models/base@v1", modelDir, "")).status());
        JsonNode done = h1.await("tuned", s -> s.path("resources").findValuesAsText("state").contains("Succeeded"), Duration.ofMinutes(1));
        assertTrue(done.path("resources").findValuesAsText("state").contains("Succeeded"), "the job read h1's weights: " + done);
        String model = h3pool + "/models/t";
        assertEquals("h1:models/base@v1", PoolReads.property(model, "com.zed:model.source"));
        assertEquals("guid:" + guid, PoolReads.property(model, "com.zed:model.digest"));
        assertEquals("1", PoolReads.property(model, "com.zed:model.version"));
        assertFalse(PoolReads.property(model, "com.zed:model.received_at").equals("-"));
        assertEquals("-", PoolReads.property(model, "com.zed:model.copying"));
        String received = h3pool + "/zed-received/h1/models/base";
        assertEquals(guid, PoolReads.property(received + "@v1", "guid"), "h1's snapshot itself, received");
        assertThrows(java.io.IOException.class, () -> Files.writeString(PoolReads.mountpoint(received).resolve("x"), "x"), "the received copy is read-only");
        assertEquals("h1", PoolReads.property(received, "com.zed:model.received-from"));
        for (String stamp : List.of("com.zed:level", "com.zed:replica-of")) {
            assertEquals("-", PoolReads.property(received, stamp), "the received copy is no level's dataset and no replica: " + stamp);
        }

        // pushed again (another revision): h1's snapshot is not received again, nor copied
        assertEquals(200, h1.push("tuned", work.resolve("tuned"), jobsOnWeightsFrom("h1", "models/base@v1", modelDir, "dataset \"more\" {}\n")).status());
        List<JsonNode> events = h3.events("tuned", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("Converged") && e.path("revision").asLong() == 3),
                Duration.ofSeconds(60));
        assertTrue(events.stream().anyMatch(e -> e.path("type").asText().equals("Converged") && e.path("revision").asLong() == 3), events.toString());
        List<JsonNode> copied = events.stream().filter(e -> e.path("type").asText().equals("ModelCopied")).toList();
        assertEquals(1, copied.size(), events.toString());
        assertEquals(model, copied.get(0).path("dataset").asText(), copied.toString());
        assertEquals(200, h1.send("DELETE", AgentNode.level("tuned"), null).status());
        assertEquals(200, h1.send("DELETE", AgentNode.level("base"), null).status());
    }

    private static void foreignNodeCannotJoin(Path work, ChaosDatabase db, LoopbackCluster cluster) throws Exception {
        String address;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.5"))) {
            address = "127.0.0.5:" + s.getLocalPort();
        }
        LoopbackCluster.init(ZedProcess.bin(), work.resolve("other"), List.of("h4"), List.of(address));
        Path home = work.resolve("h4");
        LoopbackCluster.copy(work.resolve("other").resolve("h4"), home);
        Path log = home.resolve("agent.out");
        ProcessBuilder pb = new ProcessBuilder(ZedProcess.bin().toString(), "agent", "--host", "h4", "--seed", cluster.host("h1").address(),
                "--journal", db.url(),
                "--listen", "127.0.0.1:0", "--no-metrics").redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("ZED_HOME", home.toString());
        Process h4 = pb.start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (!(Files.exists(log) && Files.readString(log).contains("SSLHandshakeException"))) {
                assertTrue(System.nanoTime() < deadline, "no TLS handshake failure within 90 s:\n" + (Files.exists(log) ? Files.readString(log) : ""));
                Thread.sleep(250); // polling interval of a deadline wait
            }
            JsonNode hosts = cluster.host("h1").node().send("GET", "/v1/hosts", null).body();
            assertEquals(List.of("h1", "h2", "h3"), names(hosts), "h4 joined: " + hosts);
        } finally {
            h4.descendants().forEach(ProcessHandle::destroyForcibly);
            h4.destroyForcibly().waitFor();
        }
    }

    private static String token(AgentNode n) throws Exception {
        return Files.readString(n.home().resolve("api-token")).strip();
    }

    private static List<String> names(JsonNode hosts) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : hosts.path("hosts")) out.add(h.path("name").asText());
        return out;
    }

    static List<String> levelsOn(JsonNode hosts, String name) {
        List<String> out = new ArrayList<>();
        for (JsonNode h : hosts.path("hosts")) if (h.path("name").asText().equals(name)) h.path("levels").forEach(l -> out.add(l.asText()));
        return out;
    }
}
