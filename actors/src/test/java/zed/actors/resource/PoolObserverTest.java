package zed.actors.resource;

import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.telemetry.ZedMetrics;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool observer alone, under the Pekko typed testkit, over a real dir store whose reads are counted. */
class PoolObserverTest {
    @TempDir
    Path tmp;
    final ActorTestKit kit = ActorTestKit.create();
    final ExecutorService blocking = Executors.newFixedThreadPool(2);
    final AtomicInteger reads = new AtomicInteger();

    @AfterEach
    void shutdown() {
        kit.shutdownTestKit();
        blocking.shutdownNow();
    }

    /** The dir store, with every batched read counted. */
    Store counted(Store inner) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[]{Store.class}, (p, m, args) -> {
            if (m.getName().equals("observe")) reads.incrementAndGet();
            try {
                return m.invoke(inner, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Test
    void everySweepIsOneReadWhateverTheNumberOfWatchersAndEachGetsItsSlice() {
        Store store = counted(new DirStore(tmp.resolve("store")));
        store.create("app", Map.of(Observation.MANAGED, "true"));
        store.create("app/cache", Map.of(Observation.MANAGED, "true"));
        for (int i = 0; i < 40; i++) store.create("d" + i, Map.of(Observation.MANAGED, "true"));
        ActorRef<PoolObserver.Msg> observer = kit.spawn(PoolObserver.create(store, "", blocking, Duration.ofMillis(100), ZedMetrics.noop()));

        TestProbe<PoolObserver.Slice> probe = kit.createTestProbe();
        observer.tell(new PoolObserver.Watch("app/cache", Set.of(), probe.getRef()));
        observer.tell(new PoolObserver.Watch("missing", Set.of(), probe.getRef()));
        List<TestProbe<PoolObserver.Slice>> many = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            TestProbe<PoolObserver.Slice> p = kit.createTestProbe();
            many.add(p);
            observer.tell(new PoolObserver.Watch("d" + i, Set.of(), p.getRef()));
        }
        observer.tell(new PoolObserver.ObserveNow());

        PoolObserver.Slice cache = probe.fishForMessage(Duration.ofSeconds(10), s -> s.dataset().equals("app/cache")
                ? org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.complete()
                : org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes.continueAndIgnore()).get(0);
        assertNull(cache.error());
        assertEquals(Set.of("app", "app/cache"), cache.seen().keySet(), "its own observation and its parent's");
        assertTrue(cache.self().managed());

        // three more sweeps reach every watcher; count the distinct sweeps they saw against the store's reads
        Set<Long> sweeps = new HashSet<>();
        for (TestProbe<PoolObserver.Slice> p : many) {
            PoolObserver.Slice s = p.receiveMessage(Duration.ofSeconds(10));
            assertEquals(1, s.seen().size());
            sweeps.add(s.started());
        }
        int before = reads.get();
        TestProbe<PoolObserver.Slice> last = many.get(39);
        long seen = 0;
        while (seen < 3) {
            last.receiveMessage(Duration.ofSeconds(10));
            seen++;
        }
        int after = reads.get();
        assertTrue(after - before >= 3 && after - before <= 4, "one read per sweep for 42 watched datasets, saw " + (after - before) + " reads for 3 sweeps");
    }

    @Test
    void aMissingDatasetHasAnEmptySliceAndAStoppedWatcherDoesNotStopTheSweeps() {
        Store store = counted(new DirStore(tmp.resolve("store")));
        ActorRef<PoolObserver.Msg> observer = kit.spawn(PoolObserver.create(store, "", blocking, Duration.ofMillis(100), ZedMetrics.noop()));
        TestProbe<PoolObserver.Slice> probe = kit.createTestProbe();
        observer.tell(new PoolObserver.Watch("nothing/here", Set.of(), probe.getRef()));
        PoolObserver.Slice s = probe.receiveMessage(Duration.ofSeconds(10));
        assertTrue(s.seen().isEmpty());
        assertNull(s.self());

        // a watcher that stops is forgotten; the observer goes on serving the others
        TestProbe<PoolObserver.Slice> other = kit.createTestProbe();
        observer.tell(new PoolObserver.Watch("x", Set.of(), other.getRef()));
        probe.stop();
        other.receiveMessage(Duration.ofSeconds(10));
        other.receiveMessage(Duration.ofSeconds(10));
    }
}
