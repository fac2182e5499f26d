package zed.actors.resource;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.telemetry.ZedMetrics;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.jail.JailDriver;
import zed.reconciler.jail.JailError;
import zed.reconciler.jail.JailSetup;
import zed.reconciler.jail.JailState;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The jail actor under the Pekko typed testkit, with a jail driver that keeps its jails in memory (what a real
 * driver does to the host is tested in the reconciler's driver tests; this is the actor's loop).
 */
class JailActorTest {
    static final Pos P = new Pos("Zedfile", 1, 1);

    @TempDir
    Path tmp;
    final ActorTestKit kit = ActorTestKit.create();
    final ExecutorService blocking = Executors.newFixedThreadPool(2);
    final InMemoryJails jails = new InMemoryJails();

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }

    /** Jails as a map of name → state; {@code conf} is what {@link #render} gives, so a test can change it. */
    static final class InMemoryJails implements JailDriver {
        final Map<String, JailState> jails = new ConcurrentHashMap<>();
        final AtomicInteger ensures = new AtomicInteger();
        volatile String conf = "conf-1";
        volatile String failWith;

        @Override
        public String render(JailSetup jail) {
            return conf;
        }

        @Override
        public JailState ensure(JailSetup jail) {
            ensures.incrementAndGet();
            if (failWith != null) throw new JailError(jail.name(), JailError.Kind.MISSING, failWith);
            JailState s = new JailState(jail.name(), true, confHash(jail));
            jails.put(jail.name(), s);
            return s;
        }

        @Override
        public JailState observe(String name) {
            return jails.getOrDefault(name, JailState.absent(name));
        }

        @Override
        public void stop(String name) {
            jails.computeIfPresent(name, (k, s) -> new JailState(name, false, s.confHash()));
        }

        @Override
        public List<String> wrap(JailSetup jail, String workdir, List<String> cmd) {
            return cmd;
        }
    }

    LevelSpec level() {
        LevelSpec.DatasetSpec root = new LevelSpec.DatasetSpec("jails/web", tmp.toString(), Map.of(), P);
        LevelSpec.JailSpec web = new LevelSpec.JailSpec("web", "jails/web", "web.local", null, null, false, Map.of(), List.of(), P);
        return new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(root), List.of(web), List.of(), List.of(), List.of(), "0", P);
    }

    JailActor.Report report(TestProbe<JailActor.Report> probe, java.util.function.Predicate<JailActor.Report> ok) {
        List<JailActor.Report> got = probe.fishForMessage(Duration.ofSeconds(20), r -> ok.test(r) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return got.get(got.size() - 1);
    }

    @Test
    void itMakesTheJailThenRepairsAStoppedOrReconfiguredOneAsDrift() {
        TestProbe<JailActor.Report> level = kit.createTestProbe();
        ActorRef<JailActor.Msg> actor = kit.spawn(JailActor.create(jails, blocking, Duration.ofMillis(100), level.getRef(), ZedMetrics.noop()));
        LevelSpec spec = level();
        actor.tell(new JailActor.Desired(1, spec, spec.jails().get(0)));

        JailActor.Report first = report(level, r -> r.state().equals("converged"));
        assertNull(first.drift(), "making the jail at its revision is its converge, not drift");
        assertTrue(jails.observe("web").running());

        jails.stop("web"); // behind Zed's back
        JailActor.Report stopped = report(level, r -> r.drift() != null);
        assertEquals("was stopped", stopped.drift());
        assertTrue(jails.observe("web").running());

        jails.conf = "conf-2"; // the host's rendering of the jail changed: it runs another configuration now
        JailActor.Report reconfigured = report(level, r -> r.drift() != null);
        assertTrue(reconfigured.drift().startsWith("ran another configuration"), reconfigured.drift());
        assertEquals(JailState.hashOf("conf-2"), jails.observe("web").confHash());
    }

    @Test
    void aJailThatCannotBeMadeIsReportedAndRetriedWithBackoff() {
        jails.failWith = "bwrap is not installed";
        TestProbe<JailActor.Report> level = kit.createTestProbe();
        ActorRef<JailActor.Msg> actor = kit.spawn(JailActor.create(jails, blocking, Duration.ofMillis(50), level.getRef(), ZedMetrics.noop()));
        LevelSpec spec = level();
        actor.tell(new JailActor.Desired(1, spec, spec.jails().get(0)));
        JailActor.Report failed = report(level, r -> r.state().equals("failed"));
        assertTrue(failed.error().contains("bwrap is not installed"), failed.error());

        int tries = jails.ensures.get();
        jails.failWith = null; // fixed: the next retry makes it
        report(level, r -> r.state().equals("converged"));
        assertTrue(jails.ensures.get() > tries);
    }
}
