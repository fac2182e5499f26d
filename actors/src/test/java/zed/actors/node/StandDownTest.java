package zed.actors.node;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.Done;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.host.Await;
import zed.reconciler.process.Launch;
import zed.reconciler.process.Launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A downed node stands down while its actor system is still ending, with a real coordinated shutdown and a real
 * process: a task of a later phase holds the system's end back, as a loaded host's did in CI (an actor system that
 * took longer to end than the standby took to start the level).
 */
class StandDownTest {
    @TempDir
    Path tmp;
    private final Launcher launcher = new Launcher();
    private final CompletableFuture<Done> holdTheEnd = new CompletableFuture<>();
    private ActorSystem<Void> system;
    private Launcher.Started service;

    private void start() {
        system = ActorSystem.create(Behaviors.empty(), "stand-down", ConfigFactory.parseString("""
                pekko.coordinated-shutdown.exit-jvm = off
                pekko.coordinated-shutdown.run-by-jvm-shutdown-hook = off
                pekko.coordinated-shutdown.phases.before-actor-system-terminate.timeout = 120s
                """).withFallback(ConfigFactory.load()));
        CoordinatedShutdown.get(system).addTask(CoordinatedShutdown.PhaseBeforeActorSystemTerminate(), "a-system-slow-to-end", () -> holdTheEnd);
        service = launcher.start(new Launch("service.exec.web", List.of("sleep", "300"), Map.of("PATH", "/usr/bin:/bin"), tmp, tmp.resolve("log")));
    }

    @AfterEach
    void tearDown() throws Exception {
        holdTheEnd.complete(Done.getInstance());
        if (service != null) ProcessHandle.of(service.pid()).ifPresent(ProcessHandle::destroyForcibly);
        if (system != null) {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(60, TimeUnit.SECONDS);
        }
    }

    private StandDown register() {
        return StandDown.register(system, () -> CoordinatedShutdown.get(system).getShutdownReason()
                        .filter(r -> r instanceof CoordinatedShutdown.ClusterDowningReason$).isPresent(), launcher,
                () -> {
                    launcher.stop(service.pid(), service.startTime(), Duration.ofSeconds(3));
                    return List.of("the service web");
                });
    }

    @Test
    void aDownedNodeStopsItsServicesBeforeItsActorSystemEndsAndStartsNoneAfter() throws Exception {
        start();
        StandDown standDown = register();

        CoordinatedShutdown.get(system).run(CoordinatedShutdown.ClusterDowningReason$.MODULE$);

        assertEquals(List.of("the service web"), standDown.await(Await.DEADLINE.toSeconds()));
        assertEquals(128 + 15, service.exit().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "stopped by SIGTERM");
        assertFalse(system.getWhenTerminated().toCompletableFuture().isDone(), "before the actor system ended");
        Launcher.LaunchError refused = assertThrows(Launcher.LaunchError.class, () -> launcher.start(
                new Launch("service.exec.web", List.of("sleep", "300"), Map.of("PATH", "/usr/bin:/bin"), tmp, tmp.resolve("log"))));
        assertEquals("service.exec.web: not started: the cluster downed this node", refused.getMessage());
        assertTrue(standDown.begun());
    }

    @Test
    void aNodeStoppedForAnotherReasonLeavesItsServicesRunning() throws Exception {
        start();
        StandDown standDown = register();

        CoordinatedShutdown.get(system).run(CoordinatedShutdown.unknownReason());

        standDown.shutdownBegun().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        holdTheEnd.complete(Done.getInstance());
        system.getWhenTerminated().toCompletableFuture().get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        assertFalse(standDown.begun(), "no stand-down");
        assertTrue(ProcessHandle.of(service.pid()).map(ProcessHandle::isAlive).orElse(false), "the service runs on");
    }
}
