package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.chaos.fault.AgentNode;
import zed.chaos.fault.ChaosPool;
import zed.chaos.fault.NodeCalls;
import zed.chaos.fault.PoolReads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's GPU watch, end to end: a real node ({@code bin/zed agent}) on a zfs-fuse pool runs a real python3 job;
 * the host's NVIDIA GPUs are a fake {@code nvidia-smi} (a script on the node's PATH that prints the CSV lines of a file
 * the test rewrites: there is no NVIDIA hardware here), read again every second ({@code zed.host.inventory-every}).
 * GPU A goes away: the job's process is stopped and it resumes on B from its checkpoint; then no GPU is left: it waits,
 * naming the lost GPU; A comes back: it runs again; A's driver changes: it is stopped and runs again on A. None of
 * it spends its restart budget (one restart). GPU C, which no job holds, goes away too: every change of every GPU is
 * on {@code /v1/events} as the host's event ({@code GpuFound}, {@code GpuLost}, {@code GpuDriverChanged}), and a
 * restarted node journals none of the GPUs it knew as found again.
 */
class GpuLostFakeNvidiaSmiTest {
    private static final String LEVEL = "gpu-lost";
    static final String A = "GPU-aaaaaaaa-1111-2222-3333-444444444444";
    static final String B = "GPU-bbbbbbbb-1111-2222-3333-444444444444";
    static final String A10 = "%d, " + A + ", NVIDIA A10, 24576, 550.54.15";
    static final String L40 = "%d, " + B + ", NVIDIA L40, 49152, 550.54.15";
    /** Too small for the job (it requires 8G): no job ever holds it. */
    static final String C = "GPU-cccccccc-1111-2222-3333-444444444444";
    static final String T400 = "%d, " + C + ", NVIDIA T400, 2048, 550.54.15";

    @TempDir
    Path tmp;

    /** What the fake nvidia-smi prints next, replaced whole (a read never sees half a file). */
    void gpus(String... lines) throws Exception {
        Path next = tmp.resolve("gpus.next");
        Files.writeString(next, lines.length == 0 ? "" : String.join("\n", lines) + "\n");
        Files.move(next, tmp.resolve("gpus.csv"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static JsonNode job(JsonNode status) {
        for (JsonNode r : status.path("resources")) if (r.path("kind").asText().equals("job")) return r;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void aJobOnALostGpuIsStoppedResumesOnAnotherFromItsCheckpointWaitsNamingTheGpuWhenNoneIsLeftAndRunsOnceOneIsBack() throws Exception {
        ChaosNeeds.zfsPool();
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path smi = bin.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\ncat '" + tmp.resolve("gpus.csv") + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        gpus(A10.formatted(0), L40.formatted(1), T400.formatted(2));
        // each start of the job: its pid, its GPU variables, ZED_RESUME_STEP and its state file as it found it
        Path starts = tmp.resolve("starts");
        Path py = tmp.resolve("job.py");
        Files.writeString(py, """
                import json, os, time, urllib.request
                def checkpoint(step):
                    open("state", "w").write(str(step))
                    body = json.dumps({"step": step, "metrics": {"loss": 1.0 / step}}).encode()
                    req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=body, method="POST",
                                                 headers={"Content-Type": "application/json"})
                    assert urllib.request.urlopen(req).status == 201
                e = os.environ
                state = open("state").read() if os.path.exists("state") else "-"
                open("%s", "a").write(" ".join([str(os.getpid()), e.get("ZED_GPU_UUIDS", "-"), e.get("CUDA_VISIBLE_DEVICES", "-"),
                                                e.get("ZED_RESUME_STEP", "-"), state]) + "\\n")
                if "ZED_RESUME_STEP" not in e:
                    checkpoint(1)
                    checkpoint(2)
                    open("state", "w").write("3")  # past its checkpoint: a resume rolls this back
                while True:
                    time.sleep(0.05)
                """.formatted(starts));
        String source = """
                level "%s" {}
                dataset "lost-model" {}
                dataset "lost-run" {}
                model "m" {
                  dataset  = "lost-model"
                  requires = { vram = "8G" }
                }
                job "a" {
                  model   = model.m
                  dataset = "lost-run"
                  runtime { cmd = ["python3", "%s"] }
                  restart { attempts = 1 }
                }
                """.formatted(LEVEL, py);
        Map<String, String> env = Map.of("PATH", bin + ":" + System.getenv("PATH"), "ZED_JAVA_OPTS", "-Dzed.host.inventory-every=1s");
        try (ChaosPool pool = ChaosPool.fresh("gpulost");
             AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root()), List.of(), "127.0.0.1", env).start()) {
            try {
                NodeCalls.Answer pushed = node.push(LEVEL, tmp, source);
                assertTrue(pushed.ok(), "push: " + pushed);
                Duration within = Duration.ofSeconds(30);

                // placed on A, the smallest GPU that fits; two checkpoints
                JsonNode onA = node.await(LEVEL, s -> job(s).path("state").asText().equals("Running") && job(s).path("checkpoints").asInt() == 2, within);
                assertEquals("[\"" + A + "\"]", job(onA).path("gpus").toString(), onA.toString());
                long first = job(onA).path("pid").asLong();

                // C, which no job holds, goes away: the host journals it lost, on /v1/events; the job is left alone
                gpus(A10.formatted(0), L40.formatted(1));
                List<JsonNode> cLost = hostEvents(node, "", es -> es.stream().anyMatch(e -> e.path("type").asText().equals("GpuLost")), within);
                String host = cLost.get(0).path("host").asText();
                assertEquals(List.of("GpuFound " + A, "GpuFound " + B, "GpuFound " + C, "GpuLost " + C), brief(cLost));
                JsonNode lostC = cLost.get(3);
                assertEquals("NVIDIA T400", lostC.path("name").asText(), lostC.toString());
                assertEquals(2048, lostC.path("vramMb").asLong(), lostC.toString());
                assertEquals("550.54.15", lostC.path("driver").asText(), lostC.toString());
                assertFalse(lostC.has("level"), "a host's event belongs to no level: " + lostC);
                assertEquals(first, job(node.status(LEVEL)).path("pid").asLong(), "a GPU the job does not hold leaves it running");

                // A is gone, B remains (at index 0 now): the job's process is stopped, and it resumes on B from ckpt-2
                gpus(L40.formatted(0));
                JsonNode onB = node.await(LEVEL, s -> job(s).path("state").asText().equals("Running") && job(s).path("pid").asLong() != first, within);
                assertFalse(alive(first), "the process on the lost GPU still runs: " + first);
                assertEquals("[\"" + B + "\"]", job(onB).path("gpus").toString(), onB.toString());
                assertEquals(2, job(onB).path("resumedAt").asLong(), onB.toString());
                long second = job(onB).path("pid").asLong();
                assertEquals(second + " " + B + " " + B + " 2 2", start(starts, 2, second + " " + B + " " + B + " 2 2", within),
                        "its GPU, CUDA_VISIBLE_DEVICES, ZED_RESUME_STEP and its state rolled back to ckpt-2");

                // both: the journal query may hand JobRestarted over a poll before the JobPreempted journaled beside it
                List<JsonNode> events = node.events(LEVEL, es -> es.stream().anyMatch(e -> e.path("type").asText().equals("JobRestarted"))
                        && es.stream().anyMatch(e -> e.path("type").asText().equals("JobPreempted")), within);
                JsonNode preempted = events.stream().filter(e -> e.path("type").asText().equals("JobPreempted")).findFirst()
                        .orElseThrow(() -> new AssertionError("no JobPreempted: " + events));
                assertEquals("a", preempted.path("job").asText(), preempted.toString());
                assertEquals("[\"" + A + "\"]", preempted.path("gpus").toString(), preempted.toString());
                assertEquals(A + " (NVIDIA A10) is gone", preempted.path("why").asText(), preempted.toString());
                JsonNode restarted = events.stream().filter(e -> e.path("type").asText().equals("JobRestarted")).findFirst().orElseThrow();
                assertEquals("stopped: " + A + " (NVIDIA A10) is gone", restarted.path("after").asText(), restarted.toString());
                assertEquals(2, restarted.path("resumedAt").asLong(), restarted.toString());

                // no GPU left: stopped, and it waits, naming the GPU it lost
                gpus();
                JsonNode waiting = node.await(LEVEL, s -> job(s).path("state").asText().equals("Pending"), within);
                assertTrue(job(waiting).path("why").asText().startsWith("waiting for a GPU: " + B + " (NVIDIA L40) is gone; "), waiting.toString());
                assertFalse(alive(second), "the process on the lost GPU still runs: " + second);

                // A is back: it runs again from its checkpoint; two moves, and its budget of one restart is untouched
                gpus(A10.formatted(0));
                JsonNode back = node.await(LEVEL, s -> job(s).path("state").asText().equals("Running"), within);
                assertEquals("[\"" + A + "\"]", job(back).path("gpus").toString(), back.toString());
                assertEquals(2, job(back).path("resumedAt").asLong(), back.toString());
                assertEquals(2, job(back).path("restarts").asInt(), back.toString());
                long third = job(back).path("pid").asLong();
                assertEquals(third + " " + A + " " + A + " 2 2", start(starts, 3, third + " " + A + " " + A + " 2 2", within));

                // A's driver changes under it: stopped, and placed again on A (the only GPU), from its checkpoint
                gpus(A10.formatted(0).replace("550.54.15", "560.28.03"));
                JsonNode upgraded = node.await(LEVEL, s -> job(s).path("state").asText().equals("Running") && job(s).path("pid").asLong() != third, within);
                assertFalse(alive(third), "the process under the old driver still runs: " + third);
                long fourth = job(upgraded).path("pid").asLong();
                assertEquals(fourth + " " + A + " " + A + " 2 2", start(starts, 4, fourth + " " + A + " " + A + " 2 2", within));
                List<JsonNode> all = node.events(LEVEL, es -> es.stream().filter(e -> e.path("type").asText().equals("JobPreempted")).count() == 3, within);
                List<String> whys = all.stream().filter(e -> e.path("type").asText().equals("JobPreempted")).map(e -> e.path("why").asText()).toList();
                assertEquals(List.of(A + " (NVIDIA A10) is gone", B + " (NVIDIA L40) is gone",
                        A + " (NVIDIA A10): its driver changed from 550.54.15 to 560.28.03"), whys);
                assertEquals("Running", job(node.status(LEVEL)).path("state").asText(), "three moves, none spent its budget of one restart");
                assertEquals(4, lines(starts).size(), "one process per start, never a twin: " + lines(starts));
                assertTrue(all.stream().allMatch(e -> e.has("level")), "?level= leaves the host's events out: " + all);

                // the host's events, by ?host=: each change once, in order, whether or not a job held the GPU
                List<String> gpuChanges = List.of("GpuFound " + A, "GpuFound " + B, "GpuFound " + C, "GpuLost " + C, "GpuLost " + A, "GpuLost " + B,
                        "GpuFound " + A, "GpuDriverChanged " + A);
                List<JsonNode> before = hostEvents(node, host, es -> es.size() >= gpuChanges.size(), within);
                assertEquals(gpuChanges, brief(before));
                assertTrue(before.get(6).path("back").asBoolean(), "A is found back: " + before.get(6));
                assertEquals("550.54.15", before.get(7).path("from").asText(), before.get(7).toString());
                assertEquals("560.28.03", before.get(7).path("to").asText(), before.get(7).toString());

                // the node restarts: its first inventory finds A as it knew it, and journals nothing of it; C comes back
                assertEquals(200, node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null).status());
                node.close();
                node.start();
                gpus(A10.formatted(0).replace("550.54.15", "560.28.03"), T400.formatted(1));
                long lastBefore = before.get(before.size() - 1).path("id").asLong();
                List<JsonNode> after = hostEvents(node, host, es -> es.stream().anyMatch(e -> e.path("id").asLong() > lastBefore), within);
                List<JsonNode> since = after.stream().filter(e -> e.path("id").asLong() > lastBefore).toList();
                assertEquals(List.of("GpuFound " + C), brief(since), "after a restart only what changed: " + since);
                assertTrue(since.get(0).path("back").asBoolean(), since.toString());
                assertEquals(brief(before), brief(after.subList(0, before.size())), "the journal's history is the same after the restart");
            } finally {
                node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null);
            }
        }
    }

    /** The host's events ({@code ?host=}; every event of the node without a host, of which those with a {@code host}). */
    static List<JsonNode> hostEvents(AgentNode node, String host, java.util.function.Predicate<List<JsonNode>> enough, Duration within) throws Exception {
        java.util.function.Predicate<JsonNode> mine = e -> e.has("host") && !e.has("level");
        List<JsonNode> es = node.stream(host.isEmpty() ? "/v1/events" : "/v1/events?host=" + host,
                got -> enough.test(got.stream().filter(mine).toList()), within);
        List<JsonNode> out = es.stream().filter(mine).toList();
        if (!host.isEmpty()) assertEquals(es, out, "?host= gives only the host's events");
        return out;
    }

    /** {@code type uuid} of each event. */
    static List<String> brief(List<JsonNode> events) {
        return events.stream().map(e -> e.path("type").asText() + " " + e.path("uuid").asText()).toList();
    }

    /** The {@code n}th start's line once it is {@code want}; what it was at the deadline otherwise. */
    static String start(Path starts, int n, String want, Duration within) throws InterruptedException {
        return PoolReads.await(() -> lines(starts).size() >= n ? lines(starts).get(n - 1) : "", want, within);
    }

    static List<String> lines(Path p) {
        try {
            return Files.exists(p) ? Files.readAllLines(p) : List.of();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
