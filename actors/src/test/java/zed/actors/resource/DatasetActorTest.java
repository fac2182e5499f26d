package zed.actors.resource;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.telemetry.ZedMetrics;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dataset actors under the Pekko typed testkit, fed by a real pool observer over a real dir store; a probe stands
 * in for their level.
 */
class DatasetActorTest {
    static final Pos P = new Pos("Zedfile", 1, 1);

    @TempDir
    Path tmp;
    final ActorTestKit kit = ActorTestKit.create();
    final ExecutorService blocking = Executors.newFixedThreadPool(2);
    final DatasetFence fence = new DatasetFence();
    Store store;
    LevelSpec spec;
    ActorRef<PoolObserver.Msg> observer;
    TestProbe<DatasetActor.Report> level;

    @BeforeEach
    void converged() {
        store = new DirStore(tmp.resolve("store"));
        spec = new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT,
                List.of(new LevelSpec.DatasetSpec("app", null, Map.of("com.acme:tier", "gold"), P), new LevelSpec.DatasetSpec("app/cache", null, Map.of(), P)),
                List.of(), List.of(), List.of(), List.of(), "0", P);
        // the level's first converge of the revision, as the level does it before its dataset actors take over
        assertTrue(Convergence.converge(spec, store, "", Stamp.now(1)).converged());
        observer = kit.spawn(PoolObserver.create(store, "", blocking, Duration.ofMillis(100), ZedMetrics.noop()));
        level = kit.createTestProbe();
        for (LevelSpec.DatasetSpec d : spec.datasets()) {
            ActorRef<DatasetActor.Msg> a = kit.spawn(DatasetActor.create(store, "", blocking, observer, fence, level.getRef(), ZedMetrics.noop()));
            a.tell(new DatasetActor.Desired(1, spec, d, fence.epoch()));
        }
        // both say converged, in whichever order
        java.util.Set<String> converged = new java.util.HashSet<>();
        report(r -> {
            if (r.state().equals("converged")) converged.add(r.name());
            return converged.equals(Set.of("app", "app/cache"));
        });
    }

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }

    DatasetActor.Report report(java.util.function.Predicate<DatasetActor.Report> ok) {
        List<DatasetActor.Report> got = level.fishForMessage(Duration.ofSeconds(20), r -> ok.test(r) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
        return got.get(got.size() - 1);
    }

    @Test
    void aPropertyChangedBehindItsBackIsPutBackAndReportedAsDrift() {
        store.set("app", Map.of("com.acme:tier", "silver"));
        DatasetActor.Report r = report(x -> x.name().equals("app") && !x.drift().isEmpty());
        assertEquals(1, r.rev());
        assertTrue(r.drift().get(0).contains("com.acme:tier: silver -> gold"), r.toString());
        assertEquals("gold", store.observe("app", Set.of("com.acme:tier")).get("app").value("com.acme:tier"));
        report(x -> x.name().equals("app") && x.state().equals("converged"));
    }

    @Test
    void aDestroyedTreeComesBackParentFirstAndTheChildWaitsForIt() {
        store.destroy("app/cache");
        store.destroy("app");
        DatasetActor.Report parent = report(x -> x.name().equals("app") && !x.drift().isEmpty());
        assertTrue(parent.drift().get(0).startsWith("app: create"), parent.toString());
        report(x -> x.name().equals("app/cache") && !x.drift().isEmpty());
        Map<String, Observation> now = store.observe("app", Set.of());
        assertTrue(now.get("app").managed() && now.get("app/cache").managed(), "both back, both Zed's: " + now.keySet());
        assertEquals("shop", now.get("app/cache").own(Observation.LEVEL));
    }

    @Test
    void aTickPlannedBeforeALevelWideOperationWritesNothing() {
        fence.bump(); // the level began a deploy or a rollback: what the actors planned is stale
        store.set("app", Map.of("com.acme:tier", "silver"));
        TestProbe<PoolObserver.Slice> watcher = kit.createTestProbe();
        observer.tell(new PoolObserver.Watch("app", Set.of("com.acme:tier"), watcher.getRef()));
        long after = System.nanoTime();
        int fresh = 0;
        while (fresh < 3) if (watcher.receiveMessage(Duration.ofSeconds(10)).started() > after) fresh++;
        assertEquals("silver", store.observe("app", Set.of("com.acme:tier")).get("app").value("com.acme:tier"), "left for the level-wide operation");
        level.expectNoMessage(Duration.ofMillis(200));
    }
}
