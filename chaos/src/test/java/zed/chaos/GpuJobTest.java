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
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 12's end-to-end test: examples/gpu pushed to a real node ({@code bin/zed agent}) on a zfs-fuse pool, placed on
 * lavapipe (ZED_GPU_INCLUDE_CPU=1), checkpointing through the node's endpoint into {@code ckpt-N} snapshots, killed
 * with {@code kill -9} mid-run, resumed by the node from its newest checkpoint with its loss still falling, to exit 0;
 * one process at a time throughout. Needs the test pool and lavapipe.
 */
class GpuJobTest {
    private static final String LEVEL = "gpu-example";
    private static final String JOB = "train";
    /** Steps of the test's run: about 10 s on lavapipe, the loss still falling at each checkpoint to the end (5.9 at step 0, 0.023 at 1500). */
    private static final int STEPS = 1500;

    /** The example's Zedfile at CI's size: fewer steps, checkpoints often enough to kill between two of them. */
    static String smallZedfile() throws Exception {
        String source = Files.readString(GpuExampleTest.example().resolve("Zedfile"));
        String big = "\"--samples\", \"4096\", \"--features\", \"16\", \"--steps\", \"3000\", \"--checkpoint-every\", \"500\"";
        assertTrue(source.contains(big), "examples/gpu/Zedfile's options changed: adapt the test's copy");
        return source.replace(big, "\"--samples\", \"4096\", \"--features\", \"16\", \"--steps\", \"" + STEPS + "\", \"--checkpoint-every\", \"100\"");
    }

    static JsonNode job(JsonNode status) {
        for (JsonNode r : status.path("resources")) if (r.path("kind").asText().equals("job") && r.path("name").asText().equals(JOB)) return r;
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static double loss(String snapshot) throws Exception {
        return Double.parseDouble(PoolReads.property(snapshot, "com.zed:metric.loss"));
    }

    @TempDir
    Path tmp;

    @Test
    void theExampleJobCheckpointsIsKilledAndResumesFromItsNewestCheckpointUntilItSucceeds() throws Exception {
        ChaosNeeds.zfsPool();
        GpuExampleTest.lavapipe(); // skips (or fails under ZED_REQUIRE_VULKAN=1) without it
        try (ChaosPool pool = ChaosPool.fresh("gpu");
             AgentNode node = new AgentNode(ZedProcess.bin(), tmp.resolve("home"), List.of("--pool", pool.root()), List.of(), "127.0.0.1",
                     Map.of("ZED_GPU_INCLUDE_CPU", "1", "ZED_REPO", GpuExampleTest.repo().toString())).start()) {
            String run = pool.root() + "/gpu-example-run";
            try {
                // a model bigger than lavapipe is refused at its push, with the table of free VRAM, and nothing is applied
                String tooBig = smallZedfile().replace("vram = \"64M\"", "vram = \"1T\"");
                assertNotEquals(smallZedfile(), tooBig, "examples/gpu/Zedfile's requires changed: adapt the test's copy");
                NodeCalls.Answer refused = node.push(LEVEL, GpuExampleTest.example(), tooBig);
                assertEquals(400, refused.status(), refused.toString());
                assertTrue(refused.body().toString().contains("job \\\"train\\\" (model linreg): fits on no host: no host has a GPU with 1048576 MiB free; free VRAM per GPU:"),
                        refused.toString());
                assertTrue(refused.body().toString().matches(".*HOST +GPU +NAME +FREE +TOTAL +HELD BY.*llvmpipe.*"), refused.toString());
                assertTrue(PoolReads.datasets(pool.root()).stream().noneMatch(d -> d.endsWith("/gpu-example-run")), "a refused push made the job's dataset");

                NodeCalls.Answer pushed = node.push(LEVEL, GpuExampleTest.example(), smallZedfile());
                assertTrue(pushed.ok(), "push: " + pushed);

                // the first checkpoint: a snapshot with its step and loss, and the job's process
                JsonNode first = node.await(LEVEL, s -> job(s).path("checkpoints").asInt() >= 1 && job(s).path("pid").asLong() > 0, Duration.ofMinutes(3));
                assertTrue(job(first).path("checkpoints").asInt() >= 1, "no checkpoint: " + first);
                Path mount = PoolReads.mountpoint(run);
                AtomicInteger most = new AtomicInteger();
                Thread twins = watchProcessesIn(mount, most);
                try {
                    long pid = job(first).path("pid").asLong();
                    List<String> before = checkpoints(run);
                    assertTrue(!before.isEmpty(), "status said a checkpoint, zfs lists none on " + run);
                    String newest = run + "@" + before.get(before.size() - 1);
                    long newestStep = Long.parseLong(PoolReads.property(newest, "com.zed:ckpt.step"));
                    assertEquals("ckpt-" + newestStep, before.get(before.size() - 1));
                    double lossBefore = loss(newest);

                    // kill -9 the job's process, right after a checkpoint: the next one is 100 steps away
                    assertTrue(new ProcessBuilder("kill", "-9", Long.toString(pid)).start().waitFor() == 0, "kill -9 " + pid);
                    List<JsonNode> restarted = node.events(LEVEL, es -> es.stream().anyMatch(e -> e.path("type").asText().equals("JobRestarted")),
                            Duration.ofMinutes(2));
                    JsonNode r = restarted.stream().filter(e -> e.path("type").asText().equals("JobRestarted")).findFirst().orElseThrow(
                            () -> new AssertionError("no JobRestarted after kill -9: " + restarted));
                    // it may have checkpointed once more between our read and the kill: resumed at the newest
                    List<String> atKill = checkpoints(run);
                    long resumedAt = r.path("resumedAt").asLong();
                    assertTrue(atKill.contains("ckpt-" + resumedAt) && resumedAt >= newestStep, "resumedAt " + r + ", checkpoints " + atKill);
                    // read now: keep = 5 prunes it once five more are taken
                    double lossAtResume = loss(run + "@ckpt-" + resumedAt);
                    assertTrue(lossAtResume <= lossBefore, "ckpt-" + resumedAt + "'s loss " + lossAtResume + " above ckpt-" + newestStep + "'s " + lossBefore);
                    assertTrue(restarted.stream().anyMatch(e -> e.path("type").asText().equals("JobCheckpointed") && e.path("step").asLong() == newestStep),
                            "no JobCheckpointed of step " + newestStep + ": " + restarted);

                    JsonNode again = node.await(LEVEL, s -> job(s).path("pid").asLong() > 0 && job(s).path("pid").asLong() != pid, Duration.ofMinutes(1));
                    assertEquals("Running", job(again).path("state").asText(), again.toString());
                    assertEquals(resumedAt, job(again).path("resumedAt").asLong(), again.toString());

                    JsonNode done = node.await(LEVEL, s -> !job(s).path("state").asText().matches("Running|Pending"), Duration.ofMinutes(3));
                    assertEquals("Succeeded", job(done).path("state").asText(), done.toString());
                    assertEquals(1, job(done).path("restarts").asInt(), done.toString());

                    // the losses of the checkpoints after the resume are below the one it resumed from
                    List<String> after = checkpoints(run).stream().filter(c -> Long.parseLong(c.substring(5)) > resumedAt).toList();
                    assertTrue(!after.isEmpty(), "no checkpoint after the resume: " + checkpoints(run));
                    double previous = lossAtResume;
                    for (String c : after) {
                        double l = loss(run + "@" + c);
                        assertTrue(l < previous, c + "'s loss " + l + " is not below " + previous + " (resumed at ckpt-" + resumedAt + ")");
                        previous = l;
                    }
                    assertEquals("ckpt-" + STEPS, checkpoints(run).get(checkpoints(run).size() - 1));
                    assertNotEquals(0, most.get(), "the watch never saw the job's process");
                } finally {
                    twins.interrupt();
                    twins.join();
                }
                assertEquals(1, most.get(), "two job processes ran at once in " + mount);
            } finally {
                node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null);
            }
        }
    }

    /** The dataset's checkpoints (ckpt-N), oldest first; nothing else the dataset may hold. */
    static List<String> checkpoints(String dataset) throws Exception {
        return PoolReads.snapshots(dataset).stream().filter(s -> s.matches("ckpt-\\d+")).toList();
    }

    /** Counts, every 50 ms, the processes working in the job's dataset; the most at once ends in {@code most}. */
    static Thread watchProcessesIn(Path mount, AtomicInteger most) {
        Thread t = new Thread(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                int now = (int) ProcessHandle.allProcesses().filter(h -> PoolReads.workingIn(h, mount)).count();
                most.accumulateAndGet(now, Math::max);
                try {
                    Thread.sleep(50); // the watch's sampling interval
                } catch (InterruptedException e) {
                    return;
                }
            }
        }, "gpu-job-twins");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
