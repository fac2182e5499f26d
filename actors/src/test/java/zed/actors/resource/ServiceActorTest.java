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
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), blocking, ZedMetrics.noop());
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

    /** Blocking work that runs only when the test says so, so that a tick can be held in flight. */
    static final class HeldExecutor extends java.util.concurrent.AbstractExecutorService {
        final java.util.concurrent.BlockingQueue<Runnable> held = new java.util.concurrent.LinkedBlockingQueue<>();

        @Override
        public void execute(Runnable r) {
            held.add(r);
        }

        /** Runs the next held task, waiting for one up to 30 s. */
        void runNext() throws InterruptedException {
            Runnable r = held.poll(30, java.util.concurrent.TimeUnit.SECONDS);
            if (r == null) throw new AssertionError("no blocking work within 30 s");
            r.run();
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

    @Test
    void aTickOfTheReplacedSpecIsNotReportedAsTheNewRevisionsGate() throws Exception {
        HeldExecutor held = new HeldExecutor();
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), held, ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        LevelSpec.ServiceSpec v1 = service("while true; do sleep 1; done");
        actor.tell(new ServiceActor.Run(1, level(v1), v1, 0));
        ServiceActor.Report r;
        do {
            held.runNext();
            r = level.receiveMessage(Duration.ofSeconds(30));
        } while (!r.gate().equals("passed"));

        // a tick of revision 1 is in flight when revision 2 arrives
        Runnable inFlight = held.held.poll(30, java.util.concurrent.TimeUnit.SECONDS);
        assertTrue(inFlight != null, "the next tick of revision 1");
        LevelSpec.ServiceSpec v2 = service("while true; do sleep 2; done");
        actor.tell(new ServiceActor.Run(2, level(v2), v2, 0));
        inFlight.run();
        held.runNext(); // the first tick of revision 2
        ServiceActor.Report first = level.fishForMessage(Duration.ofSeconds(30), x -> x.rev() == 2
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertEquals("pending", first.gate(), "revision 2's gate has only begun: " + first);

        TestProbe<ServiceActor.Stopped> stopped = kit.createTestProbe();
        actor.tell(new ServiceActor.Stop(stopped.getRef()));
        held.runNext();
        stopped.receiveMessage(Duration.ofSeconds(30));
    }

    @Test
    void aServiceThatCannotStartIsReportedFailedWithTheReason() {
        LevelHost host = new LevelHost(NodeConfig.defaults(tmp), blocking, ZedMetrics.noop());
        TestProbe<ServiceActor.Report> level = kit.createTestProbe();
        ActorRef<ServiceActor.Msg> actor = kit.spawn(ServiceActor.create(host, level.getRef()));
        LevelSpec.ServiceSpec spec = new LevelSpec.ServiceSpec("exec", "worker", null, null, null, Map.of(), Map.of(), List.of(),
                new LevelSpec.Runtime(List.of("/nope/worker"), List.of()), LevelSpec.RestartPolicy.DEFAULT, List.of(), null,
                List.of(), null, null, null, null, tmp.toString(), P);
        actor.tell(new ServiceActor.Run(1, level(spec), spec, 0));
        ServiceActor.Report failed = level.fishForMessage(Duration.ofSeconds(30), r -> r.gate().equals("failed")
                ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore()).get(0);
        assertTrue(failed.why().startsWith("service.exec.worker: runtime.cmd[0] \"/nope/worker\" does not exist"), failed.why());
    }
}
