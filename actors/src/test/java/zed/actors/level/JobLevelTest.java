package zed.actors.level;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.job.JobActor;
import zed.actors.job.JobGpus;
import zed.actors.job.LoopbackTestCheckpoints;
import zed.actors.node.NodeConfig;
import zed.actors.telemetry.ZedMetrics;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.NvidiaSmi;
import zed.reconciler.job.JobSupervisor;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Jobs of a level, end to end on one host: the level entity (Pekko's EventSourcedBehaviorTestKit, an in-memory
 * journal) with its job actors, real processes (python3 jobs), a real zfs-fuse pool. The host's GPUs come from a fake
 * nvidia-smi (a script that prints its CSV); checkpoints go to {@link LoopbackTestCheckpoints}, a test double of the
 * checkpoint endpoint's seam (a real loopback HTTP server).
 */
class JobLevelTest {
    @TempDir
    Path tmp;
    ActorTestKit kit;
    ExecutorService blocking;
    EventSourcedBehaviorTestKit<LevelCommand, LevelEvent, RevisionLog> level;
    LevelHost host;
    zed.reconciler.store.Store store;
    /** The level's pool ("" for the node's dir store). */
    String root;
    LoopbackTestCheckpoints checkpoints;

    /** One NVIDIA A10, 24 GiB, as nvidia-smi prints it. */
    static final String A10 = "0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA A10, 24576, 550.54.15";

    @BeforeEach
    void start() throws Exception {
        root = pool();
        kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
                "pekko.actor.serialization-bindings { \"zed.actors.JsonEvent\" = jackson-json }\n" + JournalMigration.config()))
                .withFallback(ConfigFactory.load()));
        blocking = Executors.newFixedThreadPool(4);
        host = new LevelHost(NodeConfig.defaults(tmp.resolve("state")), LevelHost.Work.on(blocking), ZedMetrics.noop());
        Path smi = tmp.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '" + A10 + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        HostInventory inventory = new HostInventory("h1", List.of(new NvidiaSmi(new ProcessCommand(), smi, Duration.ofSeconds(15))));
        host.gpus(new JobGpus(inventory::take));
        store = host.store(root.isEmpty() ? null : root);
        checkpoints = new LoopbackTestCheckpoints(store);
        host.checkpoints(checkpoints);
        level = EventSourcedBehaviorTestKit.create(kit.system(), LevelEntity.create("gpu", host, self -> { }),
                EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
        Files.createDirectories(tmp.resolve("gpu"));
    }

    @AfterEach
    void stop() {
        try {
            level.runCommand(LevelCommand.Stop::new); // stops the jobs' processes
        } catch (RuntimeException | AssertionError ignored) {
            // a test that failed early may have no level
        }
        kit.shutdownTestKit();
        blocking.shutdownNow();
        if (checkpoints != null) checkpoints.close();
        if (zfs != null && !root.isEmpty()) TestPool.destroyTree(zfs, root);
    }

    ZfsStore zfs;

    /** A fresh dataset under the zfs-fuse test pool; a subclass runs the same on the dir store. */
    String pool() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        zfs = ZfsStore.probe(new ProcessCommand(), pool);
        String r = pool + "/" + TestPool.freshName();
        zfs.create(r, Map.of());
        return r;
    }

    String dataset(String name) {
        return zed.reconciler.dataset.Planner.full(root, name);
    }

    /** A level with model m on models/m and job "a" on runs/a, running {@code script} (python3) with these settings. */
    String zedfile(String vram, String script, String settings) throws Exception {
        Path py = tmp.resolve("job-" + Math.abs(script.hashCode()) + ".py");
        Files.writeString(py, script);
        return """
                level "gpu" {
                  %s
                }
                dataset "models/m" {}
                dataset "runs/a" {}
                model "m" {
                  dataset  = "models/m"
                  requires = { vram = "%s" }
                }
                job "a" {
                  model   = model.m
                  dataset = "runs/a"
                  runtime { cmd = ["python3", "%s"] }
                  %s
                }
                """.formatted(root.isEmpty() ? "" : "pool = \"" + root + "\"", vram, py, settings);
    }

    LevelCommand.Pushed push(String source) {
        return level.<LevelCommand.Pushed>runCommand(reply -> new LevelCommand.Push(source, "Zedfile", tmp.resolve("gpu").toString(), null, false, reply))
                .reply();
    }

    LevelCommand.Status status() {
        return level.runCommand(LevelCommand.Get::new).reply();
    }

    JobActor.Report awaitJob(Predicate<JobActor.Report> ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<JobActor.Report> jobs = status().jobs();
            if (!jobs.isEmpty() && ok.test(jobs.get(0))) return jobs.get(0);
            if (System.nanoTime() > deadline) throw new AssertionError("timed out; the job says " + jobs);
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    List<LevelEvent> events() {
        return level.persistenceTestKit().persistedInStorage("level|gpu").stream().map(LevelEvent.class::cast).toList();
    }

    <T extends LevelEvent> List<T> events(Class<T> type) {
        return events().stream().filter(type::isInstance).map(type::cast).toList();
    }

    Path runDir() {
        return store.mountpoint(dataset("runs/a"));
    }

    @Test
    void aJobThatExitsZeroSucceedsOnTheFakeNvidiaSmisGpuAndIsNeverRunAgainNotAfterARestart() throws Exception {
        String script = """
                import os
                open("runs", "a").write("run\\n")
                open("env", "w").write("\\n".join(k + "=" + v for k, v in sorted(os.environ.items())))
                """;
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "")));
        JobActor.Report done = awaitJob(r -> r.state().equals("Succeeded"));
        assertEquals(0, done.restarts());
        String env = Files.readString(runDir().resolve("env"));
        assertTrue(env.contains("ZED_GPU_UUIDS=GPU-11111111-2222-3333-4444-555555555555"), env);
        assertTrue(env.contains("CUDA_VISIBLE_DEVICES=GPU-11111111-2222-3333-4444-555555555555"), env);
        assertTrue(env.contains("ZED_CHECKPOINT_URL=" + checkpoints.opened.get(0)), env);
        assertFalse(env.contains("ZED_RESUME_STEP"), env);
        assertEquals(checkpoints.opened, checkpoints.closed, "its URL closes when its process exits");
        assertEquals("succeeded", store.zedState(dataset("runs/a")).get(JobSupervisor.STATE));
        assertEquals(1, events(LevelEvent.JobStarted.class).size());
        assertEquals(List.of(new LevelEvent.JobSucceeded(1, "a")), events(LevelEvent.JobSucceeded.class));

        // the node restarts: the job is found Succeeded on its dataset, and nothing runs again
        level.restart();
        JobActor.Report after = awaitJob(r -> r.state().equals("Succeeded"));
        assertTrue(after.recorded());
        assertEquals(List.of("run"), Files.readAllLines(runDir().resolve("runs")));
        assertEquals(1, events(LevelEvent.JobStarted.class).size());
        assertEquals(1, events(LevelEvent.JobSucceeded.class).size());
        // nor does the next revision that leaves the job as it was
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "") + "dataset \"more\" {}\n"));
        awaitJob(r -> r.rev() == 2 && r.state().equals("Succeeded"));
        assertEquals(List.of("run"), Files.readAllLines(runDir().resolve("runs")));
    }

    @Test
    void aJobThatFailsAfterACheckpointRestartsFromItWithItsDatasetRolledBack() throws Exception {
        String script = """
                import json, os, sys, urllib.request
                if os.environ.get("ZED_RESUME_STEP"):
                    open("resumed", "w").write(os.environ["ZED_RESUME_STEP"])
                    sys.exit(0)
                open("state", "w").write("5")
                body = json.dumps({"step": 5, "metrics": {"loss": 0.25}}).encode()
                req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
                assert urllib.request.urlopen(req).status == 201
                open("state", "w").write("9")
                sys.exit(3)
                """;
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "restart {\n attempts = 2\n delay = \"1s\"\n }")));
        JobActor.Report done = awaitJob(r -> r.state().equals("Succeeded"));
        assertEquals(1, done.restarts());
        assertEquals(5L, done.step());
        assertEquals(Map.of("loss", 0.25), done.metrics());
        assertEquals(1, done.checkpoints());
        assertEquals("5", Files.readString(runDir().resolve("resumed")));
        assertEquals("5", Files.readString(runDir().resolve("state")), "rolled back to ckpt-5: what the failed run wrote after it is gone");
        List<LevelEvent.JobRestarted> restarted = events(LevelEvent.JobRestarted.class);
        assertEquals(List.of(new LevelEvent.JobRestarted(1, "a", 1, "exited with code 3", 5L)), restarted);
        assertEquals(2, checkpoints.opened.size(), "a URL of its own for each run");
        assertEquals(checkpoints.opened, checkpoints.closed);
    }

    /**
     * A job reads a secret as a service does: recorded as the slot's consumer ({@code gpu/job/a}) before it reads it,
     * and started again by a rotation's {@link LevelCommand.RestartConsumer}, resumed as after any stop, on the new value.
     */
    @Test
    void aJobIsASecretsConsumerAndARotationStartsItAgainOnTheNewValue() throws Exception {
        Path state = tmp.resolve("state");
        zed.reconciler.secret.SecretStore.init(host.store((String) null), null);
        var secrets = new zed.reconciler.secret.SecretStore(host.store((String) null), null,
                zed.reconciler.secret.KeyFile.create(zed.reconciler.secret.KeyFile.in(state)), java.time.Clock.systemUTC());
        var db = new zed.reconciler.secret.Slot("db");
        secrets.set(db, null, "v1\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        String script = """
                import os, time
                open("seen", "a").write(os.environ["PW"] + "\\n")
                time.sleep(600)
                """;
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "env = { PW = secret(\"db\") }")));
        JobActor.Report first = awaitJob(r -> r.state().equals("Running") && r.pid() > 0);
        awaitFile(runDir().resolve("seen"), "v1\n");
        assertEquals(List.of("gpu/job/a"), secrets.record(db).consumers());

        secrets.rotate(db, null, "v2".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        var answers = kit.createTestProbe(LevelCommand.ConsumerRestarted.class);
        level.runCommand(new LevelCommand.RestartConsumer("job/a", "db", answers.ref()));
        LevelCommand.ConsumerRestarted restarted = answers.expectMessageClass(LevelCommand.ConsumerRestarted.class, Duration.ofSeconds(60));
        assertEquals(new LevelCommand.ConsumerRestarted("job.a", true, false, null), restarted);
        JobActor.Report again = awaitJob(r -> r.state().equals("Running") && r.pid() > 0 && r.pid() != first.pid());
        awaitFile(runDir().resolve("seen"), "v1\nv2\n");
        assertFalse(ProcessHandle.of(first.pid()).isPresent(), "the old process is gone, no twin");
        assertTrue(again.pid() > 0);
        awaitEvent(new LevelEvent.SecretConsumerRestarted(1, "job.a", "db", true, null));

        // a consumer the level does not run: gone, and nothing journaled for it
        level.runCommand(new LevelCommand.RestartConsumer("job/nope", "db", answers.ref()));
        LevelCommand.ConsumerRestarted gone = answers.expectMessageClass(LevelCommand.ConsumerRestarted.class, Duration.ofSeconds(10));
        assertTrue(gone.gone() && !gone.healthy(), gone.toString());
    }

    void awaitFile(Path f, String want) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(f) && Files.readString(f).equals(want))) {
            if (System.nanoTime() > deadline) throw new AssertionError(f + " holds " + (Files.exists(f) ? Files.readString(f) : "nothing") + ", not " + want);
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    void awaitEvent(LevelEvent e) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!events().contains(e)) {
            if (System.nanoTime() > deadline) throw new AssertionError("no " + e + " in " + events());
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    @Test
    void aJobPastItsRestartBudgetIsFailedAndSaysWhy() throws Exception {
        String script = "import sys\nopen('tries', 'a').write('x\\n')\nsys.exit(7)\n";
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "restart {\n attempts = 1\n delay = \"1s\"\n }")));
        JobActor.Report failed = awaitJob(r -> r.state().equals("Failed"));
        assertTrue(failed.why().contains("exited with code 7; restart budget spent (1 in PT5M)"), failed.why());
        assertEquals(2, Files.readAllLines(runDir().resolve("tries")).size(), "the start and one restart");
        assertEquals(1, events(LevelEvent.JobFailed.class).size());
        assertEquals(failed.why(), events(LevelEvent.JobFailed.class).get(0).why());
        assertTrue(failed.gpus().isEmpty(), "a job that ended holds no GPU");
    }

    @Test
    void sigusr1ArrivesEveryCheckpointEveryWhileTheJobRuns() throws Exception {
        String script = """
                import signal, sys, time
                got = []
                def asked(sig, frame):
                    got.append(time.monotonic())
                    open("usr1", "a").write("%f\\n" % time.monotonic())
                signal.signal(signal.SIGUSR1, asked)
                end = time.monotonic() + 60
                while len(got) < 3 and time.monotonic() < end:
                    time.sleep(0.05)
                sys.exit(0 if len(got) >= 3 else 1)
                """;
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "checkpoint_every = \"1s\"")));
        awaitJob(r -> r.state().equals("Succeeded"));
        List<Double> at = Files.readAllLines(runDir().resolve("usr1")).stream().map(Double::parseDouble).toList();
        assertEquals(3, at.size(), at.toString());
        for (int i = 1; i < at.size(); i++) {
            double gap = at.get(i) - at.get(i - 1);
            assertTrue(gap > 0.5 && gap < 5, "one a second, not " + at);
        }
    }

    @Test
    void aModelLargerThanTheFakeNvidiaSmisGpuIsRefusedAtPushWithTheTable() throws Exception {
        LevelCommand.Refused refused = assertInstanceOf(LevelCommand.Refused.class, push(zedfile("48G", "print('never')\n", "")));
        assertEquals(1, refused.errors().size(), refused.errors().toString());
        zed.config.Diagnostic d = refused.errors().get(0);
        assertEquals(10, d.pos().line());
        assertEquals(1, d.pos().col());
        assertEquals("""
                job "a" (model m): fits on no host: no host has a GPU with 49152 MiB free; free VRAM per GPU:
                HOST  GPU  NAME        FREE       TOTAL      HELD BY
                h1    0    NVIDIA A10  24576 MiB  24576 MiB  -""", d.message().strip());
        assertFalse(level.getState().exists(), "nothing was accepted");
    }

    @Test
    void aSecondJobWaitsForTheGpuTheFirstHoldsAndStartsWhenItEnds() throws Exception {
        Path gate = tmp.resolve("gate");
        String first = "import os, time\nwhile not os.path.exists('" + gate + "'):\n    time.sleep(0.05)\n";
        String source = zedfile("16G", first, "") + """
                dataset "runs/b" {}
                job "b" {
                  model   = model.m
                  dataset = "runs/b"
                  runtime { cmd = ["python3", "-c", "print('b ran')"] }
                }
                """;
        // a first, alone; then b beside it (a new revision, which leaves a running)
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("16G", first, "")));
        long pidOfA = awaitJob(r -> r.state().equals("Running")).pid();
        assertInstanceOf(LevelCommand.Accepted.class, push(source));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JobActor.Report b;
        while (true) {
            List<JobActor.Report> jobs = status().jobs();
            JobActor.Report a = jobs.stream().filter(r -> r.job().equals("a")).findFirst().orElse(null);
            b = jobs.stream().filter(r -> r.job().equals("b")).findFirst().orElse(null);
            if (a != null && a.state().equals("Running") && b != null && b.state().equals("Pending") && b.why() != null && b.why().contains("GPU")) break;
            if (System.nanoTime() > deadline) throw new AssertionError("not a running and b waiting: " + jobs);
            Thread.sleep(100); // polling interval of a deadline wait
        }
        assertEquals("waiting for a GPU: it fits on h1 once job a ends", b.why());
        assertEquals(pidOfA, status().jobs().stream().filter(r -> r.job().equals("a")).findFirst().orElseThrow().pid(), "a went on");
        Files.writeString(gate, "");
        while (true) {
            b = status().jobs().stream().filter(r -> r.job().equals("b")).findFirst().orElseThrow();
            if (b.state().equals("Succeeded")) break;
            if (System.nanoTime() > deadline) throw new AssertionError("b never ran: " + b);
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    @Test
    void aNodeRestartStopsTheJobsOldProcessAndResumesItFromItsCheckpointNeverATwin() throws Exception {
        Path gate = tmp.resolve("gate-resume");
        String script = """
                import json, os, sys, time, urllib.request
                if os.environ.get("ZED_RESUME_STEP"):
                    open("resumed", "w").write(os.environ["ZED_RESUME_STEP"] + " " + str(os.getpid()))
                    while not os.path.exists("%s"):
                        time.sleep(0.05)
                    sys.exit(0)
                body = json.dumps({"step": 2}).encode()
                req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=body, method="POST",
                                             headers={"Content-Type": "application/json"})
                urllib.request.urlopen(req).read()
                while True:
                    time.sleep(0.05)
                """.formatted(gate);
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile("8G", script, "")));
        long old = awaitJob(r -> r.state().equals("Running") && Long.valueOf(2).equals(r.step())).pid();

        level.restart(); // the node goes away and comes back; the job's process was left running
        JobActor.Report resumed = awaitJob(r -> r.state().equals("Running") && Long.valueOf(2).equals(r.resumedAt()));
        assertFalse(ProcessHandle.of(old).map(ProcessHandle::isAlive).orElse(false), "the old process is stopped, not left beside the new one");
        Path written = runDir().resolve("resumed");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(written) && Files.readString(written).contains(" ")) && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling interval of a deadline wait: the new process writes it as it starts
        }
        assertEquals("2 " + resumed.pid(), Files.readString(written));
        assertEquals(1, resumed.started(), "a resume of the interrupted run, not a restart after a failure");
        Files.writeString(gate, "");
        awaitJob(r -> r.state().equals("Succeeded"));
        List<LevelEvent.JobStarted> started = events(LevelEvent.JobStarted.class);
        assertEquals(2, started.size(), started.toString());
        assertEquals(2L, started.get(1).resumedAt());
    }

    /** The level of {@link #zedfile} with {@code source { path = "<path>" }} in its model (relative to the Zedfile). */
    String withSource(String zedfile, String path) {
        return zedfile.replace("requires = { vram = \"8G\" }", "requires = { vram = \"8G\" }\n  source { path = \"" + path + "\" }");
    }

    @Test
    void aModelsSourceIsCopiedInOnceBeforeItsJobStartsAndAChangedOneIsSnapshottedThenCopiedAgain() throws Exception {
        Path weights = tmp.resolve("gpu/weights");
        Files.createDirectories(weights.resolve("layers"));
        Files.writeString(weights.resolve("layers/0.bin"), "weights-1");
        // the job reads the weights where its model's dataset is mounted (beside its own, under the level's root)
        String script = "open('seen', 'w').write(open('../../models/m/layers/0.bin').read())\n";
        String zedfile = withSource(zedfile("8G", script, ""), "weights");
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile));
        awaitJob(r -> r.state().equals("Succeeded"));
        assertEquals("weights-1", Files.readString(runDir().resolve("seen")), "the job started on the whole copy");
        String model = dataset("models/m");
        Map<String, String> stamp = store.zedState(model);
        assertEquals(weights.toString(), stamp.get(zed.reconciler.model.ModelCopy.SOURCE));
        assertEquals("1", stamp.get(zed.reconciler.model.ModelCopy.VERSION));
        assertTrue(stamp.get(zed.reconciler.model.ModelCopy.DIGEST).startsWith("sha256:"), stamp.toString());
        assertFalse(stamp.containsKey(zed.reconciler.model.ModelCopy.COPYING));
        assertEquals(List.of(new LevelEvent.ModelCopied(1, "m", model, 1, null, "first copy")), events(LevelEvent.ModelCopied.class));

        // a node restart, then a new revision with the same weights: nothing copied, nothing snapshotted
        level.restart();
        awaitJob(r -> r.state().equals("Succeeded"));
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile + "dataset \"more\" {}\n"));
        awaitJob(r -> r.rev() == 2);
        assertEquals(stamp, store.zedState(model), "the stamp, copied_at included, as the first copy left it");
        assertTrue(modelSnapshots(model).isEmpty());
        assertEquals(1, events(LevelEvent.ModelCopied.class).size());

        // the weights change and the same Zedfile is pushed: a new revision, which keeps version 1 in @model-1
        Files.writeString(weights.resolve("layers/0.bin"), "weights-two");
        LevelCommand.Accepted third = assertInstanceOf(LevelCommand.Accepted.class, push(zedfile + "dataset \"more\" {}\n"));
        assertTrue(third.changed(), "changed weights make another revision");
        awaitJob(r -> r.rev() == 3);
        assertEquals("2", store.zedState(model).get(zed.reconciler.model.ModelCopy.VERSION));
        assertEquals("weights-two", Files.readString(store.mountpoint(model).resolve("layers/0.bin")));
        assertEquals(List.of("model-1"), modelSnapshots(model));
        LevelEvent.ModelCopied second = events(LevelEvent.ModelCopied.class).get(1);
        assertEquals(model + "@model-1", second.snapshot());
        assertEquals(2, second.version());
    }

    @Test
    void aModelSourceTheNodeCannotFindIsRefusedAtPushAtItsPath() throws Exception {
        LevelCommand.Refused refused = assertInstanceOf(LevelCommand.Refused.class,
                push(withSource(zedfile("8G", "print('never')\n", ""), "no-such-weights")));
        zed.config.Diagnostic d = refused.errors().get(0);
        assertEquals(List.of(9, 12), List.of(d.pos().line(), d.pos().col()), refused.errors().toString());
        assertEquals("model.m.source.path: " + tmp.resolve("gpu/no-such-weights") + " does not exist", d.message());
        assertFalse(level.getState().exists(), "nothing was accepted");
    }

    /** 4 MiB of weights that do not compress, into a model dataset with a 1 MiB quota, a job that would record its start. */
    String weightsOverQuota() throws Exception {
        byte[] weights = new byte[4 << 20];
        new java.util.Random(7).nextBytes(weights);
        Files.write(tmp.resolve("gpu/big.bin"), weights);
        return withSource(zedfile("8G", "open('ran', 'w').write('yes')\n", ""), "big.bin")
                .replace("dataset \"models/m\" {}", "dataset \"models/m\" {\n  properties = { quota = \"1M\" }\n}");
    }

    @Test
    void aModelCopyThatFillsItsDatasetFailsTheRevisionAsNoSpaceAndItsJobNeverStarts() throws Exception {
        LevelCommand.Pushed pushed = push(weightsOverQuota());
        assertInstanceOf(LevelCommand.Accepted.class, pushed, pushed.toString());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (events(LevelEvent.ConvergeFailed.class).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("no ConvergeFailed: " + events());
            Thread.sleep(100); // polling interval of a deadline wait
        }
        LevelEvent.ConvergeFailed failed = events(LevelEvent.ConvergeFailed.class).get(0);
        assertEquals("dataset.models/m", failed.resource(), failed.toString());
        assertEquals("NO_SPACE", failed.cause(), failed.toString());
        assertTrue(failed.why().contains("copying its model source " + tmp.resolve("gpu/big.bin")), failed.why());
        assertTrue(store.zedState(dataset("models/m")).containsKey(zed.reconciler.model.ModelCopy.COPYING), "the cut-short copy is on record");
        assertTrue(status().jobs().isEmpty(), "no job was handed the revision: " + status().jobs());
        assertTrue(events(LevelEvent.JobStarted.class).isEmpty());
        assertTrue(events(LevelEvent.ModelCopied.class).isEmpty());
    }

    private List<String> modelSnapshots(String dataset) {
        return store.snapshots(dataset).stream().map(zed.reconciler.store.Snapshot::name).filter(n -> n.startsWith("model-")).toList();
    }

    JobActor.Report awaitJob(String name, Predicate<JobActor.Report> ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            List<JobActor.Report> jobs = status().jobs();
            JobActor.Report r = jobs.stream().filter(j -> j.job().equals(name)).findFirst().orElse(null);
            if (r != null && ok.test(r)) return r;
            if (System.nanoTime() > deadline) throw new AssertionError("timed out; the jobs say " + jobs);
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    @Test
    void aJobIsStoppedBeforeItsModelsWeightsAreCopiedAndResumesOnTheNewOnesOnTheFakeNvidiaSmisGpusWhileAJobOnAnotherModelRunsOn() throws Exception {
        // two GPUs, so that both jobs run at once (a job holds whole GPUs)
        Files.writeString(tmp.resolve("nvidia-smi"), "#!/bin/sh\necho '" + A10 + "'\necho '"
                + A10.replace("0, GPU-1111", "1, GPU-9999") + "'\n");
        Path weights = tmp.resolve("gpu/weights");
        Files.createDirectories(weights);
        Files.writeString(weights.resolve("w.bin"), "weights-1");
        // a: records the weights it read at its start and where it resumed, checkpoints once, and once more on SIGTERM
        Path a = tmp.resolve("a.py");
        Files.writeString(a, """
                import json, os, signal, sys, time, urllib.request
                w = open("../../models/m/w.bin").read()
                resume = os.environ.get("ZED_RESUME_STEP", "")
                with open("runs.log", "a") as f:
                    f.write("%d %s %s\\n" % (os.getpid(), w, resume))
                step = int(resume or 0) + 1
                def ckpt(n):
                    req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=json.dumps({"step": n}).encode(), method="POST",
                                                 headers={"Content-Type": "application/json"})
                    urllib.request.urlopen(req).read()
                def term(sig, frame):
                    ckpt(step + 1)
                    sys.exit(143)
                signal.signal(signal.SIGTERM, term)
                ckpt(step)
                while True:
                    time.sleep(0.05)
                """);
        Path b = tmp.resolve("b.py");
        Files.writeString(b, "import time\nwhile True:\n    time.sleep(0.05)\n");
        String zedfile = """
                level "gpu" {
                  %s
                }
                dataset "models/m" {}
                dataset "models/m2" {}
                dataset "runs/a" {}
                dataset "runs/b" {}
                model "m" {
                  dataset  = "models/m"
                  requires = { vram = "8G" }
                  source { path = "weights" }
                }
                model "m2" {
                  dataset  = "models/m2"
                  requires = { vram = "8G" }
                }
                job "a" {
                  model   = model.m
                  dataset = "runs/a"
                  runtime { cmd = ["python3", "%s"] }
                }
                job "b" {
                  model   = model.m2
                  dataset = "runs/b"
                  runtime { cmd = ["python3", "%s"] }
                }
                """.formatted(root.isEmpty() ? "" : "pool = \"" + root + "\"", a, b);
        assertInstanceOf(LevelCommand.Accepted.class, push(zedfile));
        JobActor.Report first = awaitJob("a", r -> r.state().equals("Running") && Long.valueOf(1).equals(r.step()));
        assertEquals("m v1", first.weights());
        long pidOfB = awaitJob("b", r -> r.state().equals("Running")).pid();

        Files.writeString(weights.resolve("w.bin"), "weights-two");
        LevelCommand.Accepted second = assertInstanceOf(LevelCommand.Accepted.class, push(zedfile));
        assertTrue(second.changed(), "changed weights make another revision");
        JobActor.Report resumed = awaitJob("a", r -> r.rev() == 2 && r.state().equals("Running") && r.pid() != first.pid());
        assertFalse(ProcessHandle.of(first.pid()).map(ProcessHandle::isAlive).orElse(false), "the old process is stopped, not left beside the new one");
        String why = "model m changed: version 1 → 2";
        // it checkpointed as it was stopped (step 2, on SIGTERM), and resumed from that checkpoint on the new weights
        assertEquals(2L, resumed.resumedAt());
        assertEquals("m v2", resumed.weights());
        assertEquals("stopped: " + why, resumed.lastExit());
        Path log = runDir().resolve("runs.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (Files.readAllLines(log).size() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(50); // polling interval of a deadline wait: the new process writes it as it starts
        }
        assertEquals(List.of(first.pid() + " weights-1 ", resumed.pid() + " weights-two 2"), Files.readAllLines(log));

        // stopped before the copy, restarted after it: the journal's order
        List<LevelEvent> events = events();
        int stopped = events.indexOf(new LevelEvent.JobStopped(1, "a", why));
        int copied = -1;
        for (int i = 0; i < events.size(); i++) if (events.get(i) instanceof LevelEvent.ModelCopied c && c.revision() == 2) copied = i;
        int restarted = events.indexOf(new LevelEvent.JobRestarted(2, "a", 1, "stopped: " + why, 2L));
        assertTrue(stopped >= 0 && copied > stopped && restarted > copied, "JobStopped, then ModelCopied, then JobRestarted: " + events);

        // b's model did not change: b was neither stopped nor restarted
        JobActor.Report bNow = awaitJob("b", r -> r.rev() == 2);
        assertEquals(pidOfB, bNow.pid());
        assertEquals("m2 v0", bNow.weights());
        assertTrue(events(LevelEvent.JobStopped.class).stream().noneMatch(e -> e.job().equals("b")), events.toString());
    }
}
