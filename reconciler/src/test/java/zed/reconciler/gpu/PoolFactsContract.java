package zed.reconciler.gpu;

import org.junit.jupiter.api.Test;
import zed.reconciler.store.Store;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writing the host facts on {@code <pool>/zed}, the same on both stores. */
abstract class PoolFactsContract {
    static final Gpu H100 = HostFactsTest.H100;
    static final Gpu RADEON = HostFactsTest.RADEON;

    abstract Store store();

    /** The pool (or a dataset standing in for it) that the test owns. */
    abstract String pool();

    /** How many property writes the store has made so far. */
    abstract int writes();

    @Test
    void theFirstWriteCreatesPoolZedWithTheFacts() {
        HostFacts f = new HostFacts("gpu1", List.of(H100, RADEON));
        PoolFacts.Written w = PoolFacts.write(store(), pool(), f);
        assertTrue(w.created());
        assertEquals(PoolFacts.dataset(pool()), w.dataset());
        assertEquals(f.properties(), store().zedState(w.dataset()));
    }

    @Test
    void theSameFactsAgainWriteNothing() {
        HostFacts f = new HostFacts("gpu1", List.of(H100, RADEON));
        PoolFacts.write(store(), pool(), f);
        int before = writes();
        PoolFacts.Written w = PoolFacts.write(store(), pool(), f);
        assertFalse(w.changed(), w.toString());
        assertEquals(before, writes());
    }

    @Test
    void aRemovedGpuIsClearedAndAChangedDriverIsTheOnlyOtherWrite() {
        PoolFacts.write(store(), pool(), new HostFacts("gpu1", List.of(H100, RADEON)));
        store().set(PoolFacts.dataset(pool()), Map.of("com.zed:managed", "true")); // someone else's state on the dataset
        Gpu upgraded = new Gpu(0, "nvidia", H100.name(), H100.vramMb(), "560.28.03", H100.uuid(), Gpu.Source.NVIDIA_SMI);
        HostFacts now = new HostFacts("gpu1", List.of(upgraded));
        PoolFacts.Written w = PoolFacts.write(store(), pool(), now);
        assertEquals(Map.of("com.zed:gpu.count", "1", "com.zed:gpu.0.driver", "560.28.03"), w.set());
        assertEquals(5, w.cleared().size(), w.cleared().toString());
        Map<String, String> expected = new java.util.TreeMap<>(now.properties());
        expected.put("com.zed:managed", "true");
        assertEquals(expected, store().zedState(PoolFacts.dataset(pool())));
    }
}
