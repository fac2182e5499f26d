package zed.reconciler.job;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.reconciler.process.Launch;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.MutableClock;
import zed.reconciler.store.DirStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Real processes under the job supervisor, its state and checkpoints in a real (dir) store; the seats and the
 * checkpoint URL are test doubles of the supervisor's own seams (a recorder).
 */
class JobSupervisorTest {
    @TempDir
    Path tmp;
    DirStore store;
    MutableClock clock;
    final Launcher launcher = new Launcher();
    final List<String> opened = new ArrayList<>();
    final List<String> closed = new ArrayList<>();
    int freed;
    static final String DS = "runs/train";

    @BeforeEach
    void setUp() {
        store = new DirStore(tmp.resolve("store"));
        store.create("runs", Map.of());
        store.create(DS, Map.of());
        clock = new MutableClock(Instant.parse("2026-12-05T10:00:00Z"));
    }

    final List<Long> pids = new ArrayList<>();

    @AfterEach
    void killLeftovers() {
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    JobSupervisor supervisor() {
        return supervisor(() -> {
            String url = "http://127.0.0.1:1/v1/checkpoints/t" + opened.size();
            opened.add(url);
            return new JobSupervisor.Opened(url, () -> closed.add(url));
        });
    }

    JobSupervisor supervisor(JobSupervisor.Checkpointing checkpointing) {
        return supervisor(launcher, checkpointing);
    }

    JobSupervisor supervisor(Launcher launcher, JobSupervisor.Checkpointing checkpointing) {
        return new JobSupervisor(store, DS, launcher, clock, new JobSupervisor.Seats() {
            @Override
            public JobSupervisor.Seat take() {
                return new JobSupervisor.Taken(Map.of("ZED_GPU_UUIDS", "GPU-1"));
            }

            @Override
            public void free() {
                freed++;
            }
        }, checkpointing);
    }

    @Test
    void withoutACheckpointUrlNothingStartsNothingIsStampedNorRolledBack() throws Exception {
        JobSupervisor s = supervisor(() -> {
            throw new IllegalStateException("this node has no checkpoint endpoint");
        });
        JobSupervisor.Desired d = job("touch ran", "h1", TWO);
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class, () -> s.reconcile(d));
        assertNull(store.zedState(DS).get(JobSupervisor.STATE));
        assertNull(store.zedState(DS).get(JobSupervisor.LAUNCH));
        assertFalse(Files.exists(store.mountpoint(DS).resolve("ran")));
    }

    JobSupervisor.Desired job(String script, String hash, LevelSpec.RestartPolicy restart) {
        Path dir = store.mountpoint(DS);
        return new JobSupervisor.Desired("job.train", hash, new Launch("job.train", List.of("/bin/sh", "-c", script),
                Map.of("PATH", "/usr/bin:/bin"), dir, tmp.resolve("log")), restart, Duration.ofSeconds(2));
    }

    static final LevelSpec.RestartPolicy TWO = new LevelSpec.RestartPolicy(2, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(1));

    JobSupervisor.Status until(JobSupervisor s, JobSupervisor.Desired d, java.util.function.Predicate<JobSupervisor.Status> ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            JobSupervisor.Status st = s.reconcile(d);
            if (st.pid() != 0) pids.add(st.pid());
            if (ok.test(st)) return st;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out; last status " + st);
            clock.advance(Duration.ofMillis(200));
            Thread.sleep(20); // polling interval of a deadline wait
        }
    }

    @Test
    void exitZeroIsSucceededStampedAndNeverRunAgainNotByANewSupervisorEither() throws Exception {
        JobSupervisor s = supervisor();
        JobSupervisor.Desired d = job("echo run >> runs.txt; env > env.txt", "h1", TWO);
        JobSupervisor.Status done = until(s, d, st -> st.state() == JobSupervisor.State.SUCCEEDED);
        assertEquals(1, done.started());
        assertEquals("succeeded", store.zedState(DS).get(JobSupervisor.STATE));
        assertNull(store.zedState(DS).get(JobSupervisor.PID));
        assertEquals(1, freed);
        assertEquals(opened, closed); // its URL closed once it exited
        String env = Files.readString(store.mountpoint(DS).resolve("env.txt"));
        assertTrue(env.contains("ZED_CHECKPOINT_URL=" + opened.get(0)), env);
        assertTrue(env.contains("ZED_GPU_UUIDS=GPU-1"), env);
        assertFalse(env.contains("ZED_RESUME_STEP"), env);

        // a node's restart: a new supervisor reads the stamp and starts nothing
        JobSupervisor again = supervisor();
        JobSupervisor.Status st = again.reconcile(d);
        assertEquals(JobSupervisor.State.SUCCEEDED, st.state());
        assertTrue(st.recorded());
        assertEquals(1, Files.readAllLines(store.mountpoint(DS).resolve("runs.txt")).size());

        // another spec is another run
        JobSupervisor.Status other = until(again, job("echo run >> runs.txt", "h2", TWO), x -> x.state() == JobSupervisor.State.SUCCEEDED && !x.recorded());
        assertEquals(1, other.started());
        assertEquals(2, Files.readAllLines(store.mountpoint(DS).resolve("runs.txt")).size());
    }

    @Test
    void aFailureAfterACheckpointResumesFromItWithTheDatasetRolledBack() throws Exception {
        JobSupervisor s = supervisor();
        // first run: writes step 5, checkpoints it (as the endpoint would: a snapshot with its step), writes more, fails
        String script = "if [ -n \"$ZED_RESUME_STEP\" ]; then echo resumed $ZED_RESUME_STEP > resumed.txt; exit 0; fi; "
                + "echo 5 > state.txt; while [ ! -f go ]; do sleep 0.05; done; echo 9 > state.txt; exit 3";
        JobSupervisor.Desired d = job(script, "h1", TWO);
        until(s, d, st -> st.state() == JobSupervisor.State.RUNNING);
        Path dir = store.mountpoint(DS);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(dir.resolve("state.txt")) && System.nanoTime() < deadline) Thread.sleep(20);
        store.snapshot(List.of(DS), "ckpt-5", Map.of(DS, new Checkpoint(5, Map.of()).properties()));
        Files.writeString(dir.resolve("go"), "");
        JobSupervisor.Status backoff = until(s, d, st -> st.state() == JobSupervisor.State.BACKOFF);
        assertTrue(backoff.why().startsWith("exited with code 3"), backoff.why());
        JobSupervisor.Status done = until(s, d, st -> st.state() == JobSupervisor.State.SUCCEEDED);
        assertEquals(1, done.restarts());
        assertEquals("resumed 5", Files.readString(dir.resolve("resumed.txt")).strip());
        // rolled back: the state the failed run wrote after its checkpoint is gone, and so is its "go"
        assertEquals("5", Files.readString(dir.resolve("state.txt")).strip());
        assertFalse(Files.exists(dir.resolve("go")));
        assertEquals(2, opened.size());
        assertEquals(opened, closed);
    }

    @Test
    void pastItsRestartBudgetAJobIsFailedAndStaysSoAfterANodeRestart() throws Exception {
        JobSupervisor s = supervisor();
        JobSupervisor.Desired d = job("echo x >> tries.txt; exit 7", "h1", TWO);
        JobSupervisor.Status failed = until(s, d, st -> st.state() == JobSupervisor.State.FAILED);
        assertTrue(failed.why().contains("exited with code 7; restart budget spent (2 in PT5M)"), failed.why());
        assertEquals(3, Files.readAllLines(store.mountpoint(DS).resolve("tries.txt")).size()); // the start and 2 restarts
        assertEquals("failed", store.zedState(DS).get(JobSupervisor.STATE));
        JobSupervisor.Status after = supervisor().reconcile(d);
        assertEquals(JobSupervisor.State.FAILED, after.state());
        assertEquals(failed.why(), after.why());
    }

    @Test
    void aProcessAnEarlierNodeLeftRunningIsStoppedAndTheJobResumedNeverATwin() throws Exception {
        JobSupervisor first = supervisor();
        JobSupervisor.Desired d = job("if [ -n \"$ZED_RESUME_STEP\" ]; then exit 0; fi; echo $$ > pid.txt; while true; do sleep 0.1; done", "h1", TWO);
        long old = until(first, d, st -> st.state() == JobSupervisor.State.RUNNING).pid();
        store.snapshot(List.of(DS), "ckpt-1", Map.of(DS, new Checkpoint(1, Map.of()).properties()));
        // the node goes away without stopping anything; the next one supervises the same dataset
        JobSupervisor second = supervisor();
        JobSupervisor.Status done = until(second, d, st -> st.state() == JobSupervisor.State.SUCCEEDED);
        assertFalse(ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false));
        assertEquals(1, done.started());
    }

    /**
     * zed ops killed while it answered a start: the process runs, the supervisor heard an error. Its next step finds
     * the process by the launch token it stamped first, stops it and resumes the job, never a twin beside it. The
     * lost answer is {@link zed.reconciler.process.LostAnswerProcesses}, a fake at the interface level over real processes.
     */
    @Test
    void aStartWhoseAnswerWasLostIsStoppedByItsTokenBeforeTheNextNeverATwinWithLostAnswerFakeProcesses() throws Exception {
        zed.reconciler.process.LostAnswerProcesses lostAnswer = new zed.reconciler.process.LostAnswerProcesses(0);
        JobSupervisor s = supervisor(new Launcher(lostAnswer), () -> new JobSupervisor.Opened("http://127.0.0.1:1/v1/checkpoints/t", () -> { }));
        JobSupervisor.Desired d = job("echo $$ >> pids.txt; while true; do sleep 0.1; done", "h1", TWO);
        try {
            assertThrows(Launcher.LaunchError.class, () -> s.reconcile(d));
            long first = lostAnswer.spawned.get(0);
            JobSupervisor.Status running = until(s, d, st -> st.state() == JobSupervisor.State.RUNNING);
            assertNotEquals(first, running.pid());
            assertFalse(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false), "the process whose answer was lost was stopped, not left beside the next");
            assertEquals(1, running.started());
        } finally {
            pids.addAll(lostAnswer.spawned); // ended after the test
        }
    }

    @Test
    void aJobTakenOffItsGpuIsStoppedAndResumesFromItsCheckpointWithoutSpendingItsRestartBudget() throws Exception {
        JobSupervisor s = supervisor();
        LevelSpec.RestartPolicy none = new LevelSpec.RestartPolicy(0, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(1));
        JobSupervisor.Desired d = job("if [ -n \"$ZED_RESUME_STEP\" ]; then echo $ZED_RESUME_STEP >> resumed.txt; fi; "
                + "while true; do sleep 0.1; done", "h1", none);
        long first = until(s, d, st -> st.state() == JobSupervisor.State.RUNNING).pid();
        store.snapshot(List.of(DS), "ckpt-3", Map.of(DS, new Checkpoint(3, Map.of()).properties()));
        int freedBefore = freed;

        assertTrue(s.displace("GPU-1 (NVIDIA A10) is gone", Duration.ofSeconds(2)));
        assertFalse(ProcessHandle.of(first).map(ProcessHandle::isAlive).orElse(false), "its process is gone");
        assertEquals(freedBefore + 1, freed, "its GPUs are freed");
        assertEquals(opened, closed, "its checkpoint URL is closed");
        assertEquals(JobSupervisor.State.STOPPED, s.status().state());

        // placed again: it resumes from its checkpoint, although its budget (no restart at all) allows no failure
        JobSupervisor.Status again = until(s, d, st -> st.state() == JobSupervisor.State.RUNNING);
        assertNotEquals(first, again.pid());
        assertEquals(3L, again.resumedAt());
        assertEquals("stopped: GPU-1 (NVIDIA A10) is gone", again.lastExit());
        assertEquals(1, again.restarts());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Path resumed = store.mountpoint(DS).resolve("resumed.txt");
        while (!Files.exists(resumed) && System.nanoTime() < deadline) Thread.sleep(20); // polling interval of a deadline wait
        assertEquals("3", Files.readString(resumed).strip());
        s.stop(Duration.ofSeconds(2));

        // a job that ended holds no GPU: left alone
        JobSupervisor done = supervisor();
        JobSupervisor.Desired ok = job("exit 0", "h2", none);
        until(done, ok, st -> st.state() == JobSupervisor.State.SUCCEEDED);
        assertFalse(done.displace("GPU-1 (NVIDIA A10) is gone", Duration.ofSeconds(2)));
        assertEquals(JobSupervisor.State.SUCCEEDED, done.reconcile(ok).state());
    }
}
