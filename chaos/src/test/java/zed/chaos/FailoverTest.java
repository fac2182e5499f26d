package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosDatabase;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.HostFacts;
import zed.chaos.fault.LoopbackCluster;
import zed.chaos.fault.NodeCalls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.chaos.fault.PoolReads.await;
import static zed.chaos.fault.PoolReads.datasets;
import static zed.chaos.fault.PoolReads.file;
import static zed.chaos.fault.PoolReads.mountpoint;
import static zed.chaos.fault.PoolReads.property;
import static zed.chaos.fault.PoolReads.propertyOrWhy;

/**
 * Replication to a standby over real nodes (JVMs) on 127.0.0.2 and .3, each its own dataset of the zfs-fuse test pool
 * as its pool, the cluster's TLS material from {@code zed cluster init}: a level on h1 with {@code failover { standby
 * = "h2" }} has its datasets on h2's pool, data and properties, marked as replicas and with no process of its there;
 * a change on h1 reaches h2 as an increment; status shows the lag, and each round is an event. Then {@code zed move
 * web --to h2}: a file written just before is on h2, the service runs on h2 only, and h1 is h2's standby. Then h2 is
 * lost (agent and service killed): {@code zed failover web --to h1} is refused while h2 is a member, and once it is
 * downed the level runs on h1 with h2's last replicated write and a FailedOver event; h2 started again fences (a
 * replica of h1, no process) and receives h1's next change. One method, its scenarios in sequence, so that the cluster
 * starts once.
 */
@Tag("cluster-scenario") // runs beside another such scenario: see chaos/pom.xml
class FailoverTest {
    static final String WEB = """
            level "web" {
              host = "h1"
            }
            failover {
              standby = "h2"
              every   = "2s"
            }
            dataset "data" {
              properties = { "com.acme:tier" = "gold" }
            }
            dataset "data/logs" {}
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

    /** The file the scenario writes on the level's host and looks for on its standby. */
    static final String PAGE = "page.txt";

    @Test
    void aLevelsDatasetsReachItsStandbyAndFollowItsChanges(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        long pid = 0;
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("failover");
             LoopbackCluster cluster = LoopbackCluster.start(ZedProcess.bin(), work, 2, db, pool)) {
            AgentNode h1 = cluster.host("h1").node(), h2 = cluster.host("h2").node();
            try {
                // pushed through h2, it runs on h1
                NodeCalls.Answer pushed = h2.push("web", work.resolve("web"), WEB);
                assertEquals(200, pushed.status(), pushed.body().toString());
                assertEquals("h1", pushed.body().path("host").asText());
                JsonNode web = h2.await("web", s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
                assertEquals("Converged", web.path("state").asText(), web.toString());
                pid = AgentNode.servicePid(web);
                String data = cluster.host("h1").pool() + "/data";
                String replica = cluster.host("h2").pool() + "/data";
                Files.writeString(mountpoint(data).resolve(PAGE), "one");

                // the first round is a full send; the file written after it comes with the next one
                String got = await(() -> file(replica, PAGE), "one", Duration.ofSeconds(60));
                assertEquals("one", got, "the standby's pool holds the level's data");
                // the marks land in the same step as the data, a moment after a first (full) receive has mounted it
                assertEquals("h1", await(() -> propertyOrWhy(replica, "com.zed:replica-of"), "h1", Duration.ofSeconds(10)), "marked as h1's replica");
                assertEquals("web", property(replica, "com.zed:level"), "the level's state travels");
                assertEquals("gold", property(replica, "com.acme:tier"), "so do its properties");
                // a receive puts h1's stamps there for a moment (the stream carries them), and takes them away at once
                assertEquals("-", await(() -> propertyOrWhy(replica, "com.zed:pid"), "-", Duration.ofSeconds(10)), "h1's process does not run on h2");
                assertEquals(String.valueOf(pid), property(data, "com.zed:pid"), "it runs on h1");
                // a round sends parents first: the child lands a moment after
                assertEquals("h1", await(() -> propertyOrWhy(cluster.host("h2").pool() + "/data/logs", "com.zed:replica-of"), "h1", Duration.ofSeconds(30)),
                        "a child dataset too");
                assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

                // a change on h1 arrives as an increment
                Files.writeString(mountpoint(data).resolve(PAGE), "two");
                assertEquals("two", await(() -> file(replica, PAGE), "two", Duration.ofSeconds(60)), "the change reached the standby");
                List<String> snaps = List.of(HostFacts.zfs("list", "-H", "-t", "snapshot", "-o", "name", "-r", replica).strip().split("\n"));
                // a round may be between its receive and its pruning: two at most
                assertTrue(snaps.stream().filter(s -> s.startsWith(replica + "@zed-replica-")).count() <= 2, "old replication snapshots are pruned: " + snaps);

                // status, through either node: the standby, the newest complete snapshot, and its age
                JsonNode rep = h2.status("web").path("replication");
                assertEquals("h2", rep.path("standby").asText(), rep.toString());
                assertTrue(rep.path("snapshot").asText().startsWith("zed-replica-"), rep.toString());
                assertTrue(rep.path("lagSeconds").asLong() < 30, rep.toString());
                assertFalse(rep.has("error"), rep.toString());
                // and each round is an event
                List<JsonNode> events = h1.events("web", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("Replicated")), Duration.ofSeconds(30));
                JsonNode replicated = events.stream().filter(e -> e.path("type").asText().equals("Replicated")).findFirst().orElseThrow();
                assertEquals("h2", replicated.path("standby").asText(), replicated.toString());
                assertEquals(2, replicated.path("datasets").asInt(), replicated.toString());

                // h2 runs nothing of web: its status says h1, and h2's pool holds no process stamp of it
                assertEquals("h1", h2.status("web").path("host").asText());
                for (String d : datasets(cluster.host("h2").pool())) {
                    assertEquals("-", await(() -> propertyOrWhy(d, "com.zed:pid"), "-", Duration.ofSeconds(10)), d + " has a process stamp");
                }

                // zed move: a file written just before is there on h2, the service runs on h2 and nowhere else
                Files.writeString(mountpoint(data).resolve(PAGE), "three");
                ZedProcess.Outcome moved = ZedProcess.run(work, java.util.Map.of("ZED_NODE", h1.url(), "ZED_TOKEN", token(h1),
                        "ZED_HOME", work.resolve("cli").toString()), "move", "web", "--to", "h2");
                assertEquals(0, moved.exit(), moved.toString());
                assertTrue(moved.out().contains("web: moved from h1 to h2"), moved.toString());
                JsonNode there = h1.await("web", s -> s.path("state").asText().equals("Converged") && s.path("host").asText().equals("h2"), Duration.ofMinutes(2));
                assertEquals("h2", there.path("host").asText(), there.toString());
                assertEquals("Converged", there.path("state").asText(), there.toString());
                assertEquals("three", file(replica, PAGE), "nothing written before the move is lost");
                long moverPid = AgentNode.servicePid(there);
                assertTrue(moverPid > 0 && moverPid != pid, there.toString());
                assertTrue(ProcessHandle.of(moverPid).map(ProcessHandle::isAlive).orElse(false), "the service runs on h2");
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "and no longer on h1");
                assertEquals(String.valueOf(moverPid), property(replica, "com.zed:pid"), "h2's dataset carries the process");
                assertEquals("-", property(replica, "com.zed:replica-of"), "it is the level's own now");
                assertEquals("h2", property(data, "com.zed:replica-of"), "what h1 kept is a replica of h2's now");
                String h1pid = property(data, "com.zed:pid");
                assertTrue(h1pid.equals("-") || !ProcessHandle.of(Long.parseLong(h1pid)).map(ProcessHandle::isAlive).orElse(false),
                        "no process of web runs from h1's pool: " + h1pid);
                pid = moverPid;
                // and replication goes on the other way: h1, the old host, is the standby of the moved revision
                assertTrue(moved.out().contains("host = \"h2\" and standby = \"h1\""), moved.toString());
                Files.writeString(mountpoint(replica).resolve(PAGE), "four");
                assertEquals("four", await(() -> file(data, PAGE), "four", Duration.ofSeconds(60)), "h2's change reached h1");

                // h2 is lost: its agent and its service are killed. While the cluster still counts it a member, a
                // failover is refused (the level would run twice should h2 only be cut off)
                Files.writeString(mountpoint(replica).resolve(PAGE), "five");
                assertEquals("five", await(() -> file(data, PAGE), "five", Duration.ofSeconds(60)), "h2's last change reached h1");
                h2.kill();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                NodeCalls.Answer early = h1.send("POST", AgentNode.level("web") + "/failover", java.util.Map.of("to", "h1"));
                assertEquals(409, early.status(), early.body().toString());
                assertTrue(early.body().toString().contains("host h2 is still a member of the cluster"), early.body().toString());
                // once the split-brain resolver has downed it: zed failover, through h1
                awaitGone(h1, "h2", Duration.ofSeconds(90));
                ZedProcess.Outcome failed = ZedProcess.run(work, java.util.Map.of("ZED_NODE", h1.url(), "ZED_TOKEN", token(h1),
                        "ZED_HOME", work.resolve("cli").toString()), "failover", "web", "--to", "h1");
                assertEquals(0, failed.exit(), failed.toString());
                assertTrue(failed.out().contains("web: failed over from h2 to h1"), failed.toString());
                assertTrue(failed.out().contains("host = \"h1\" and standby = \"h2\""), failed.toString());
                JsonNode over = h1.await("web", s -> s.path("state").asText().equals("Converged") && s.path("host").asText().equals("h1")
                        && AgentNode.servicePid(s) > 0, Duration.ofMinutes(2));
                assertEquals("Converged", over.path("state").asText(), over.toString());
                assertEquals("five", file(data, PAGE), "the level runs on h1 with the replicated data");
                assertEquals("-", property(data, "com.zed:replica-of"), "h1's datasets are the level's own now");
                long overPid = AgentNode.servicePid(over);
                assertTrue(ProcessHandle.of(overPid).map(ProcessHandle::isAlive).orElse(false), "its service runs on h1: " + over);
                pid = overPid;
                List<JsonNode> overEvents = h1.events("web", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("FailedOver")), Duration.ofSeconds(30));
                JsonNode failedOver = overEvents.stream().filter(e -> e.path("type").asText().equals("FailedOver")).findFirst().orElseThrow();
                assertEquals("h2", failedOver.path("from").asText(), failedOver.toString());
                assertEquals("h1", failedOver.path("to").asText(), failedOver.toString());
                assertTrue(failedOver.path("snapshot").asText().startsWith("zed-replica-"), failedOver.toString());
                assertTrue(failedOver.path("lostWindowSeconds").asLong() >= 0, failedOver.toString());

                // h2 comes back: before anything runs there it fences web (a replica of h1 now, no process stamp),
                // and h1's changes reach it
                h2.start();
                assertEquals("h1", await(() -> propertyOrWhy(replica, "com.zed:replica-of"), "h1", Duration.ofSeconds(90)), "h2 is web's standby now");
                assertEquals("-", await(() -> propertyOrWhy(replica, "com.zed:pid"), "-", Duration.ofSeconds(10)), "and runs none of it");
                Files.writeString(mountpoint(data).resolve(PAGE), "six");
                assertEquals("six", await(() -> file(replica, PAGE), "six", Duration.ofSeconds(90)), "h1's change reached h2");
                assertEquals("h1", h2.status("web").path("host").asText(), "web runs on h1, as h2 sees it");
            } finally {
                for (AgentNode n : List.of(h1, h2)) {
                    try {
                        n.send("DELETE", AgentNode.level("web"), null);
                        break;
                    } catch (Exception down) {
                        // that node is not running: the other one stops it
                    }
                }
                if (pid > 0) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /** Until {@code host} is no member of the cluster as {@code from} sees it (downed and removed). */
    private static void awaitGone(AgentNode from, String host, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = from.send("GET", "/v1/hosts", null).body();
            boolean there = false;
            for (JsonNode h : last.path("hosts")) there |= h.path("name").asText().equals(host);
            if (!there) return;
            Thread.sleep(250); // polling interval of a deadline wait
        }
        throw new AssertionError(host + " still a member after " + within.toSeconds() + " s: " + last);
    }

    private static String token(AgentNode n) throws Exception {
        return Files.readString(n.home().resolve("api-token")).strip();
    }
}
