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
import zed.chaos.fault.PoolReads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
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
 * replica of h1, no process) and receives h1's next change. Then web fails over by itself ({@code auto = true}) and
 * h1's agent alone is killed: its warden stops web's service before h2 starts it, never both at once; h2's first
 * rollback fails (a Fake zfs error, as zfs-fuse's) and its auto failover tries again. That revision of web has a GPU job
 * (lavapipe, ZED_GPU_INCLUDE_CPU=1 on both hosts) that checkpoints: on h2 it resumes from the newest checkpoint of the
 * last complete round, never from zero, and it runs on one host at a time. h1's pool is under zedtest and h2's under
 * zedtest2, so the datasets and checkpoints cross pools. Beside web, early on, {@link JobMoveScenario}: a job's planned
 * move ({@code zed job move}) in a level of its own. One method, its scenarios in sequence, so that the cluster starts
 * once.
 */
@Tag("cluster-scenario") // runs beside another such scenario: see chaos/pom.xml
class FailoverTest {
    static final String WEB = """
            level "web" {
              host = "h1"
            }
            # a 1 s gate, not the default 5 s: where web runs and what reaches its standby is proved, not how long
            # its service must stay up (each converge, move and failover paid the 5 s)
            update {
              min_healthy_time = "1s"
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

    /** Web's job, added with {@code auto = true}: kept checkpoints enough that the one it resumes from is still there to read. */
    static String withJob(Path script) {
        return WEB.replace("every   = \"2s\"", "every   = \"2s\"\n  auto    = true") + JobMoveScenario.job("web", script, 20);
    }

    /** The file the scenario writes on the level's host and looks for on its standby. */
    static final String PAGE = "page.txt";

    @Test
    void aLevelsDatasetsReachItsStandbyAndFollowItsChanges(@TempDir Path work) throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        GpuExampleTest.lavapipe(); // the jobs need a GPU: skips (or fails under ZED_REQUIRE_VULKAN=1) without it
        long pid = 0;
        Path faults = FakeZfsRollbackFault.install(work.resolve("fake-zfs"));
        java.util.Map<String, String> env = new java.util.HashMap<>(FakeZfsRollbackFault.env(faults));
        env.put("ZED_GPU_INCLUDE_CPU", "1");
        try (ChaosDatabase db = ChaosDatabase.fresh(); ChaosPool pool = ChaosPool.fresh("failover"); ChaosPool pool2 = ChaosPool.second("failover");
             LoopbackCluster cluster = LoopbackCluster.start(ZedProcess.bin(), work, 2, db, List.of(pool, pool2), env)) {
            AgentNode h1 = cluster.host("h1").node(), h2 = cluster.host("h2").node();
            try {
                // pushed through h2, it runs on h1
                NodeCalls.Answer pushed = h2.push("web", work.resolve("web"), WEB);
                assertEquals(200, pushed.status(), pushed.body().toString());
                assertEquals("h1", pushed.body().path("host").asText());
                // the job move's level starts beside web; it is checked and taken away before web moves
                JobMoveScenario.push(h1, work);
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

                // zed job move, meanwhile checkpointing in a level of its own
                JobMoveScenario.moveAndCheck(cluster, work);

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
                // its warden stood down meanwhile (web has a standby), and the agent says so once, at its start
                Path h2Record = h2.home().resolve("warden").resolve("stood-down");
                assertEquals("true", await(() -> String.valueOf(Files.exists(h2Record)), "true", Duration.ofSeconds(60)), "h2's warden stood down");
                h2.start();
                String said = Files.readString(h2.home().resolve("agent.out"));
                assertTrue(said.contains("zed agent: while the agent was away, its warden stopped the service on " + replica + " (level web, which has a standby)"),
                        said.substring(Math.max(0, said.length() - 3000)));
                assertFalse(Files.exists(h2Record), "read once");
                assertEquals("h1", await(() -> propertyOrWhy(replica, "com.zed:replica-of"), "h1", Duration.ofSeconds(90)), "h2 is web's standby now");
                assertEquals("-", await(() -> propertyOrWhy(replica, "com.zed:pid"), "-", Duration.ofSeconds(10)), "and runs none of it");
                Files.writeString(mountpoint(data).resolve(PAGE), "six");
                assertEquals("six", await(() -> file(replica, PAGE), "six", Duration.ofSeconds(90)), "h1's change reached h2");
                assertEquals("h1", h2.status("web").path("host").asText(), "web runs on h1, as h2 sees it");

                // web fails over by itself now (auto = true). h1's agent alone is killed (kill -9): its service runs on,
                // and only h1's warden can stop it. It does so before the standby, h2, starts web: never both at once
                // and it has a job now, which checkpoints on h1 (web-run) and must resume on h2 from what reached h2
                Path script = JobMoveScenario.script(work.resolve("web"));
                String run = cluster.host("h1").pool() + "/web-run", run2 = cluster.host("h2").pool() + "/web-run";
                NodeCalls.Answer automatic = h1.push("web", work.resolve("web"), withJob(script));
                assertEquals(200, automatic.status(), automatic.body().toString());
                long autoRevision = automatic.body().path("revision").asLong();
                JsonNode onH1 = h1.await("web", s -> s.path("state").asText().equals("Converged") && s.path("revision").asLong() == autoRevision
                        && AgentNode.servicePid(s) > 0, Duration.ofMinutes(2));
                assertEquals("Converged", onH1.path("state").asText(), onH1.toString());
                final long killedHostsService = AgentNode.servicePid(onH1);
                pid = killedHostsService;
                // a round after the new revision: the standby holds it, and the placement table knows web fails over by itself
                Files.writeString(mountpoint(data).resolve(PAGE), "seven");
                assertEquals("seven", await(() -> file(replica, PAGE), "seven", Duration.ofSeconds(90)), "h1's change reached h2");
                Path wardenDir = h1.home().resolve("warden");
                assertTrue(Files.readString(wardenDir.resolve("standby-levels")).contains("level web\n"), "h1's warden knows web has a standby");
                long warden = Long.parseLong(Files.readString(wardenDir.resolve("lock")).strip());
                assertTrue(ProcessHandle.of(warden).map(ProcessHandle::isAlive).orElse(false), "h1's warden watches");
                // a complete round holds a checkpoint of the job: h2 has a ckpt-N older than the newest round status names
                JsonNode checkpointed = h1.await("web", s -> {
                    String round = s.path("replication").path("snapshot").asText();
                    List<String> held = snapshotsOrNone(run2);
                    int at = held.indexOf(round);
                    return GpuJobTest.job(s).path("pid").asLong() > 0 && at > 0 && held.subList(0, at).stream().anyMatch(n -> n.startsWith("ckpt-"));
                }, Duration.ofSeconds(90));
                JsonNode jobOnH1 = GpuJobTest.job(checkpointed);
                assertEquals("Running", jobOnH1.path("state").asText(), checkpointed.toString());
                assertEquals("h1", jobOnH1.path("host").asText(), checkpointed.toString());
                final long killedHostsJob = jobOnH1.path("pid").asLong();

                // the lease of the resolver's last decision (h1 downed h2) may still be h1's: h2, the survivor, waits
                // for the dead holder's row to run out and takes it, rather than down itself too
                List<String> leaseAtKill = db.query("SELECT owner FROM zed_lease");
                // and h2's first rollback of the replica fails, as zfs-fuse's did on a standby's first failover after a
                // fresh start (Fake: injected at the argv level): the auto failover tries again, and succeeds
                FakeZfsRollbackFault.arm(faults, replica);
                h1.kill();
                long killedAt = System.nanoTime();
                assertTrue(alive(killedHostsService), "kill -9 of the agent leaves its service running");
                assertTrue(alive(killedHostsJob), "and its job");
                long stoppedAfter = -1, startedAfter = -1, jobStoppedAfter = -1, jobStartedAfter = -1;
                // what h2's replica of the job's dataset holds until the failover takes it: the checkpoints that travelled
                List<String> runHeld = List.of();
                JsonNode onH2 = null;
                long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
                while (System.nanoTime() < deadline) {
                    String oldStamp = propertyOrWhy(data, "com.zed:pid"), newStamp = propertyOrWhy(replica, "com.zed:pid");
                    boolean oldRuns = alive(killedHostsService) || stampedAlive(oldStamp);
                    // a round in flight at the kill may carry h1's stamp to h2 for a moment: that process is h1's
                    boolean newRuns = stampedAlive(newStamp) && !newStamp.equals(String.valueOf(killedHostsService));
                    long now = (System.nanoTime() - killedAt) / 1_000_000;
                    if (oldRuns && newRuns) fail("web runs on both hosts " + now + " ms after h1's agent was killed: h1 " + oldStamp + ", h2 " + newStamp);
                    if (!oldRuns && stoppedAfter < 0) stoppedAfter = now;
                    if (newRuns && startedAfter < 0) startedAfter = now;
                    // the job alike: h1's process (receives strip its stamps, so h2's stamp is h2's own process)
                    String jobStamp = propertyOrWhy(run2, "com.zed:job.pid");
                    boolean oldJobRuns = alive(killedHostsJob), newJobRuns = stampedAlive(jobStamp) && !jobStamp.equals(String.valueOf(killedHostsJob));
                    if (oldJobRuns && newJobRuns) fail("web's job runs on both hosts " + now + " ms after h1's agent was killed: h1 " + killedHostsJob + ", h2 " + jobStamp);
                    if (!oldJobRuns && jobStoppedAfter < 0) jobStoppedAfter = now;
                    if (newJobRuns && jobStartedAfter < 0) jobStartedAfter = now;
                    if (propertyOrWhy(run2, "com.zed:replica-of").equals("h1")) runHeld = snapshotsOrNone(run2);
                    try {
                        onH2 = h2.status("web");
                    } catch (Exception notYet) {
                        onH2 = null; // the level's shard between hosts
                    }
                    if (onH2 != null && onH2.path("state").asText().equals("Converged") && onH2.path("host").asText().equals("h2")
                            && AgentNode.servicePid(onH2) > 0 && GpuJobTest.job(onH2).path("state").asText().equals("Running")
                            && GpuJobTest.job(onH2).path("pid").asLong() > 0) break;
                    Thread.sleep(200); // polling interval of a deadline wait
                }
                assertTrue(onH2 != null && onH2.path("state").asText().equals("Converged") && onH2.path("host").asText().equals("h2"),
                        "web did not fail over to h2 by itself: " + onH2);
                System.err.println("FailoverTest: h1's service stopped " + stoppedAfter + " ms after its agent was killed, h2's started " + startedAfter + " ms after"
                        + " (the split-brain lease at the kill: " + (leaseAtKill.isEmpty() ? "free" : "held by " + leaseAtKill) + ")");
                assertTrue(stoppedAfter >= 0 && stoppedAfter < startedAfter, "h1's service stopped first: " + stoppedAfter + " ms, h2's started " + startedAfter + " ms");
                System.err.println("FailoverTest: h1's job stopped " + jobStoppedAfter + " ms after its agent was killed, h2's started " + jobStartedAfter + " ms after");
                assertTrue(jobStoppedAfter >= 0 && jobStoppedAfter < jobStartedAfter, "h1's job stopped first: " + jobStoppedAfter + " ms, h2's started " + jobStartedAfter + " ms");
                pid = AgentNode.servicePid(onH2);
                assertTrue(alive(pid), "web's service runs on h2: " + onH2);
                assertEquals("seven", file(replica, PAGE), "with the replicated data");
                resumedOnH2(h2, onH2, run, run2, runHeld, script, killedHostsJob);
                assertTrue(FakeZfsRollbackFault.fired(faults), "the injected rollback error happened");
                String h2Log = Files.readString(h2.home().resolve("agent.out"));
                assertTrue(h2Log.contains("auto failover of level web from h1 failed (1 in a row)") && h2Log.contains("I/O error")
                        && h2Log.contains("trying again in 1000 ms"), "h2's log says the first try failed, why, and that it tries again");
                assertEquals("-", property(data, "com.zed:pid"), "h1's stamp is gone with its service");
                String record = Files.exists(wardenDir.resolve("stood-down")) ? Files.readString(wardenDir.resolve("stood-down")) : null;
                assertTrue(record != null && record.contains("stopped the service on " + data + " (level web, which has a standby)"), "the warden's record: " + record);
                final long wardenPid = warden;
                assertTrue(await(() -> String.valueOf(alive(wardenPid)), "false", Duration.ofSeconds(30)).equals("false"), "h1's warden went once it had stood down");

                // h1 comes back, a standby of h2 now; then h2's agent is stopped by its operator (SIGTERM): it leaves the
                // cluster and leaves web's service running, so a failover from h2 is refused (it would run web twice)
                h1.start();
                assertEquals("h2", await(() -> propertyOrWhy(data, "com.zed:replica-of"), "h2", Duration.ofSeconds(90)), "h1 is web's standby now");
                h2.close();
                assertTrue(alive(pid), "an agent its operator stopped leaves its services running");
                awaitGone(h1, "h2", Duration.ofSeconds(60));
                NodeCalls.Answer fromLeft = null;
                long askUntil = System.nanoTime() + Duration.ofSeconds(20).toNanos();
                do {
                    // every answer is a refusal; the table hears how h2 went a moment after the membership says it
                    fromLeft = h1.send("POST", AgentNode.level("web") + "/failover", java.util.Map.of("to", "h1"));
                    assertEquals(409, fromLeft.status(), fromLeft.body().toString());
                    if (fromLeft.body().toString().contains("host h2 left the cluster")) break;
                    Thread.sleep(250); // polling interval of a deadline wait
                } while (System.nanoTime() < askUntil);
                assertTrue(fromLeft.body().toString().contains("host h2 left the cluster (its agent was stopped, which leaves its services running)"),
                        fromLeft.body().toString());
                assertTrue(fromLeft.body().toString().contains("--force"), fromLeft.body().toString());
                assertEquals("h2", propertyOrWhy(data, "com.zed:replica-of"), "nothing was taken over");
                assertTrue(alive(pid), "web runs on h2 alone");
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
                // the jobs too, whichever host's they are (a failed check may leave one running)
                for (Path script : List.of(work.resolve("web").resolve("train.py"), work.resolve(JobMoveScenario.LEVEL).resolve("train.py"))) {
                    running(script).forEach(ProcessHandle::destroyForcibly);
                }
            }
        }
    }

    /**
     * Web's job after h1 was lost: it runs on h2 (its status through the API, its process in h2's dataset), resumed
     * from the newest checkpoint of the round its dataset failed over to (so one that reached h2 before the loss, neither
     * zero nor one h1 took after that round, nor h1's state at its loss), and its process is the only one of that job on
     * the machine.
     *
     * @param held what h2's replica of the job's dataset held before the failover took it, oldest first
     */
    private static void resumedOnH2(AgentNode h2, JsonNode onH2, String run, String run2, List<String> held, Path script, long killedHostsJob) throws Exception {
        JsonNode job = GpuJobTest.job(onH2);
        assertEquals("h2", job.path("host").asText(), onH2.toString());
        long jobPid = job.path("pid").asLong();
        assertTrue(alive(jobPid), "web's job runs on h2: " + onH2);
        Path mount2 = mountpoint(run2);
        assertTrue(PoolReads.workingIn(ProcessHandle.of(jobPid).orElseThrow(), mount2), "the job's process works in " + mount2);
        assertFalse(alive(killedHostsJob), "h1's job process is gone");
        assertEquals(List.of(jobPid), running(script).stream().map(ProcessHandle::pid).toList(), "one process of the job on the machine: h2's");

        List<JsonNode> events = h2.events("web", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("FailedOver")
                && e.path("from").asText().equals("h1")), Duration.ofSeconds(30));
        JsonNode failedOver = events.stream().filter(e -> e.path("type").asText().equals("FailedOver") && e.path("from").asText().equals("h1"))
                .findFirst().orElseThrow();
        // the round the failover took the job's dataset back to: the level's last complete one, or where h1 was lost in
        // the middle of a round (the event says it is not consistent), the newest this dataset's replica held
        assertTrue(failedOver.path("consistent").isBoolean(), failedOver.toString());
        List<String> rounds = held.stream().filter(n -> n.startsWith("zed-replica-")).toList();
        String round = failedOver.path("consistent").asBoolean() ? failedOver.path("snapshot").asText() : rounds.isEmpty() ? "(none)" : rounds.get(rounds.size() - 1);
        int at = held.indexOf(round);
        assertTrue(at > 0, "h2's " + run2 + " held no round " + round + " before the failover: " + held + "; " + failedOver);
        long travelled = held.subList(0, at).stream().filter(n -> n.startsWith("ckpt-")).mapToLong(n -> Long.parseLong(n.substring(5))).max().orElse(0);
        long resumedAt = job.path("resumedAt").asLong();
        assertTrue(travelled > 0, "no checkpoint came with " + round + ": " + held);
        assertEquals(travelled, resumedAt, "resumed from the newest checkpoint that came with " + round + " (h2 held " + held + ", h1 took "
                + PoolReads.snapshots(run) + "; " + failedOver + "): " + job);
        assertTrue(PoolReads.snapshots(run2).contains("ckpt-" + resumedAt), "ckpt-" + resumedAt + " is on h2: " + PoolReads.snapshots(run2));
        assertEquals("-\n" + resumedAt + "\n", await(() -> file(run2, "starts.txt"), "-\n" + resumedAt + "\n", Duration.ofSeconds(30)),
                "started fresh on h1, then with ZED_RESUME_STEP=" + resumedAt + " on h2");
        // h1's job had gone on past that checkpoint (it stepped until its warden stopped it): what it did there is lost
        String h1Step = file(run, "step.txt");
        assertTrue(h1Step != null && Long.parseLong(h1Step.strip()) > resumedAt, "h1's job stopped at step " + h1Step + ", resumed at " + resumedAt);
    }

    /** The python3 processes that run {@code script}, whichever host started them. */
    private static List<ProcessHandle> running(Path script) {
        return ProcessHandle.allProcesses().filter(h -> h.info().command().map(c -> Path.of(c).getFileName().toString().startsWith("python")).orElse(false)
                && h.info().arguments().map(a -> List.of(a).contains(script.toString())).orElse(false)).toList();
    }

    /** The dataset's snapshots, none while it is not there. */
    private static List<String> snapshotsOrNone(String dataset) {
        try {
            return PoolReads.snapshots(dataset);
        } catch (Exception notYet) {
            return List.of();
        }
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /** Whether a {@code com.zed:pid} stamp names a process that runs. */
    private static boolean stampedAlive(String stamp) {
        return stamp.matches("\\d+") && alive(Long.parseLong(stamp));
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
