package zed.actors.resource;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.level.LevelHost;
import zed.actors.node.NodeConfig;
import zed.actors.telemetry.ZedMetrics;
import zed.config.LevelSpec;
import zed.config.Pos;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The service actor alone, under the Pekko typed testkit: a probe stands in for its level. */
class ServiceActorTest {
    @TempDir
    Path tmp;
    final ActorTestKit kit = ActorTestKit.create();
    final ExecutorService blocking = Executors.newFixedThreadPool(2);

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }

    static final Pos P = new Pos("Zedfile", 1, 1);

    LevelSpec level(LevelSpec.ServiceSpec s) {
        return new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                new LevelSpec.UpdatePolicy(Duration.ofMillis(300), Duration.ofSeconds(30), true, 1), List.of(), List.of(), List.of(s), List.of(), List.of(), "0", P);
    }

    LevelSpec.ServiceSpec service(String script) {
        return new LevelSpec.ServiceSpec("exec", "worker", null, null, null, Map.of(), Map.of(), List.of(),
                new LevelSpec.Runtime(List.of("/bin/sh", "-c", script), List.of()), LevelSpec.RestartPolicy.DEFAULT, List.of(), "the worker",
                List.of(), null, null, null, null, tmp.toString(), P);
    }

    @Test
    void itRunsTheServiceReportsItsGateAndStopsIt() {
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), LevelHost.Work.on(blocking), ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        LevelSpec.ServiceSpec spec = service("while true; do sleep 1; done");
        actor.tell(new ServiceActor.Run(1, level(spec), spec, 0));

        ServiceActor.Report passed = level.fishForMessage(Duration.ofSeconds(30), r -> r.gate().equals("passed")
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertEquals("service.exec.worker", passed.ref());
        assertEquals(1, passed.rev());
        assertEquals("the worker", passed.print());
        long pid = passed.pid();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        TestProbe<ServiceActor.Stopped> stopped = kit.createTestProbe();
        actor.tell(new ServiceActor.Stop(stopped.getRef()));
        assertEquals("service.exec.worker", stopped.receiveMessage(Duration.ofSeconds(30)).ref());
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    }

    /** Blocking work that runs only when the test says so, so that a step can be held in flight. */
    static final class HeldExecutor extends java.util.concurrent.AbstractExecutorService {
        final java.util.concurrent.BlockingQueue<Runnable> held = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable r) {
            held.add(r);
        }

        /** The next held task, waiting for one up to 30 s. */
        Runnable next() throws InterruptedException {
            Runnable r = held.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("no blocking work within 30 s");
            return r;
        }

        void runNext() throws InterruptedException {
            next().run();
        }

        @Override
        public void shutdown() {
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long t, java.util.concurrent.TimeUnit u) {
            return true;
        }
    }

    /**
     * The service's steps held; the pool's sweeps (which watch its dataset) run apart, on their own executor as on the
     * node: they are not the service's steps, and a held test runs those one by one.
     */
    LevelHost.Work heldSteps(HeldExecutor held) {
        return new LevelHost.Work(held, blocking, held, held);
    }

    static boolean alive(long pid) {
        return pid > 0 && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    @Test
    void aStopWaitsForTheStepInFlightAndTheNextRunWaitsForTheStop() throws Exception {
        HeldExecutor held = new HeldExecutor();
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), heldSteps(held), ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        LevelSpec.ServiceSpec v1 = service("echo $$ >> " + tmp.resolve("pids") + "; while true; do sleep 1; done");
        actor.tell(new ServiceActor.Run(1, level(v1), v1, 0));
        held.runNext(); // prepare
        Runnable starting = held.next(); // the first supervise step, which starts the process: held in flight

        TestProbe<ServiceActor.Stopped> stopped = kit.createTestProbe();
        actor.tell(new ServiceActor.Stop(stopped.getRef()));
        LevelSpec.ServiceSpec v2 = service("echo $$ >> " + tmp.resolve("pids") + "; while true; do sleep 2; done");
        actor.tell(new ServiceActor.Run(2, level(v2), v2, 0));
        stopped.expectNoMessage(Duration.ofMillis(300));
        assertTrue(held.held.isEmpty(), "nothing runs beside the step in flight: not the stop, not the next run");

        starting.run(); // revision 1's process starts now, after the stop was asked
        long first = firstPid(tmp.resolve("pids"));
        assertTrue(alive(first));
        held.runNext(); // the stop, only now
        assertEquals("service.exec.worker", stopped.receiveMessage(Duration.ofSeconds(30)).ref());
        assertFalse(alive(first), "the stop ended what the step in flight started: no orphan");

        held.runNext(); // revision 2's prepare, after the stop
        held.runNext(); // and its first supervise
        ServiceActor.Report second = level.fishForMessage(Duration.ofSeconds(30), x -> x.rev() == 2 && x.pid() > 0
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(alive(second.pid()));
        assertFalse(alive(first));
        stopRunningHeld(actor, held);
        assertFalse(alive(second.pid()));
    }

    /** The first pid the service wrote to {@code file}, within a deadline. */
    static long firstPid(Path file) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!java.nio.file.Files.exists(file) || java.nio.file.Files.readAllLines(file).isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the service never wrote its pid");
            Thread.sleep(20); // polling interval of a deadline wait
        }
        return Long.parseLong(java.nio.file.Files.readAllLines(file).get(0).trim());
    }

    /** Stops the actor, running whatever it holds meanwhile, until it says it stopped. */
    void stopRunningHeld(ActorRef<ServiceActor.Msg> actor, HeldExecutor held) throws InterruptedException {
        java.util.concurrent.BlockingQueue<ServiceActor.Stopped> done = new java.util.concurrent.LinkedBlockingQueue<>();
        ActorRef<ServiceActor.Stopped> reply = kit.spawn(org.apache.pekko.actor.typed.javadsl.Behaviors.receiveMessage(m -> {
            done.add(m);
            return org.apache.pekko.actor.typed.javadsl.Behaviors.same();
        }));
        actor.tell(new ServiceActor.Stop(reply));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (done.isEmpty()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not stopped within 30 s");
            Runnable r = held.held.poll(100, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (r != null) r.run();
        }
    }

    @Test
    void aStepOfTheReplacedSpecIsNotReportedAsTheNewRevisionsGate() throws Exception {
        HeldExecutor held = new HeldExecutor();
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), heldSteps(held), ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        LevelSpec.ServiceSpec v1 = service("while true; do sleep 1; done");
        actor.tell(new ServiceActor.Run(1, level(v1), v1, 0));
        ServiceActor.Report r = null;
        while (r == null || !r.gate().equals("passed")) {
            held.runNext(); // a step reports only what changed: a prepare, or a steady tick, says nothing
            try {
                r = level.receiveMessage(Duration.ofMillis(300));
            } catch (AssertionError quiet) {
                // nothing changed with that step: run the next
            }
        }

        // a step of revision 1 is in flight when revision 2 arrives
        Runnable inFlight = held.next();
        LevelSpec.ServiceSpec v2 = service("while true; do sleep 2; done");
        actor.tell(new ServiceActor.Run(2, level(v2), v2, 0));
        inFlight.run();
        held.runNext(); // revision 2's prepare
        held.runNext(); // its first supervise
        ServiceActor.Report first = level.fishForMessage(Duration.ofSeconds(30), x -> x.rev() == 2
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertEquals("pending", first.gate(), "revision 2's gate has only begun: " + first);

        stopRunningHeld(actor, held);
    }

    @Test
    void aServiceThatCannotStartIsRetriedAndFailsOnlyAtTheGatesDeadlineSayingWhy() {
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), LevelHost.Work.on(blocking), ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        LevelSpec.ServiceSpec spec = new LevelSpec.ServiceSpec("exec", "worker", null, null, null, Map.of(), Map.of(), List.of(),
                new LevelSpec.Runtime(List.of("/nope/worker"), List.of()), LevelSpec.RestartPolicy.DEFAULT, List.of(), null,
                List.of(), null, null, null, null, tmp.toString(), P);
        LevelSpec shortDeadline = new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                new LevelSpec.UpdatePolicy(Duration.ofMillis(300), Duration.ofSeconds(3), true, 1), List.of(), List.of(), List.of(spec), List.of(), List.of(), "0", P);
        actor.tell(new ServiceActor.Run(1, shortDeadline, spec, 0));
        ServiceActor.Report retrying = level.receiveMessage(Duration.ofSeconds(30));
        assertEquals("pending", retrying.gate(), "a failed step is tried again, not the end: " + retrying);
        assertTrue(retrying.why().startsWith("retrying (1 failure): service.exec.worker: runtime.cmd[0] \"/nope/worker\" does not exist"), retrying.why());
        ServiceActor.Report failed = level.fishForMessage(Duration.ofSeconds(30), r -> r.gate().equals("failed")
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(failed.why().startsWith("not healthy within healthy_deadline 3s"), failed.why());
        assertTrue(failed.why().contains("last error: service.exec.worker: runtime.cmd[0] \"/nope/worker\" does not exist"), failed.why());
    }

    @Test
    void aTransientFailureBacksOffAndTheServiceRunsOnceItCan() throws Exception {
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), LevelHost.Work.on(blocking), ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        Path later = tmp.resolve("later.sh");
        LevelSpec.ServiceSpec spec = new LevelSpec.ServiceSpec("exec", "worker", null, null, null, Map.of(), Map.of(), List.of(),
                new LevelSpec.Runtime(List.of(later.toString()), List.of()), LevelSpec.RestartPolicy.DEFAULT, List.of(), null,
                List.of(), null, null, null, null, tmp.toString(), P);
        actor.tell(new ServiceActor.Run(1, level(spec), spec, 0));
        ServiceActor.Report retrying = level.receiveMessage(Duration.ofSeconds(30));
        assertTrue(retrying.why().startsWith("retrying"), retrying.toString());
        java.nio.file.Files.writeString(later, "#!/bin/sh\nwhile true; do sleep 1; done\n");
        later.toFile().setExecutable(true);
        ServiceActor.Report passed = level.fishForMessage(Duration.ofSeconds(30), r -> r.gate().equals("passed")
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(alive(passed.pid()));
        TestProbe<ServiceActor.Stopped> stopped = kit.createTestProbe();
        actor.tell(new ServiceActor.Stop(stopped.getRef()));
        stopped.receiveMessage(Duration.ofSeconds(30));
        assertFalse(alive(passed.pid()));
    }

    @Test
    void eachCheckIsProbedOnItsOwnIntervalNotOnEveryTick() throws Exception {
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), LevelHost.Work.on(blocking), ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        Path log = tmp.resolve("probed");
        LevelSpec.HealthCheck check = new LevelSpec.HealthCheck("exec", null, null, null, null, null,
                List.of("/bin/sh", "-c", "date +%s%N >> " + log), Duration.ZERO, Duration.ofMillis(1500), Duration.ofSeconds(1), 1, 3, P);
        LevelSpec.ServiceSpec spec = new LevelSpec.ServiceSpec("exec", "worker", null, null, null, Map.of(), Map.of(), List.of(),
                new LevelSpec.Runtime(List.of("/bin/sh", "-c", "while true; do sleep 1; done"), List.of()), LevelSpec.RestartPolicy.DEFAULT,
                List.of(check), null, List.of(), null, null, null, null, tmp.toString(), P);
        actor.tell(new ServiceActor.Run(1, level(spec), spec, 0));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Long> at = List.of();
        while (at.size() < 4) {
            if (System.nanoTime() > deadline) throw new AssertionError("fewer than 4 probes in 30 s: " + at);
            Thread.sleep(200); // polling interval of a deadline wait
            at = java.nio.file.Files.exists(log) ? java.nio.file.Files.readAllLines(log).stream().map(Long::parseLong).toList() : List.of();
        }
        for (int i = 1; i < at.size(); i++) {
            long gapMs = (at.get(i) - at.get(i - 1)) / 1_000_000;
            assertTrue(gapMs >= 1400, "probes " + gapMs + " ms apart: a check runs every interval (1.5s), not every tick (0.5s): " + at);
        }
        TestProbe<ServiceActor.Stopped> stopped = kit.createTestProbe();
        actor.tell(new ServiceActor.Stop(stopped.getRef()));
        stopped.receiveMessage(Duration.ofSeconds(30));
    }
}
