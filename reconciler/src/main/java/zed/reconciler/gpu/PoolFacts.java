package zed.reconciler.gpu;

import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.util.List;
import java.util.Map;

/**
 * Writes the host facts on {@code <pool>/zed}, creating it when missing, and writes only what changed: a property
 * write is a ZFS transaction, and the facts are written every minute.
 */
public final class PoolFacts {
    private PoolFacts() {
    }

    /** {@code <pool>/zed}; for the dir store (pool "") the dataset {@code zed} at its root. */
    public static String dataset(String pool) {
        return pool == null || pool.isEmpty() ? "zed" : pool + "/zed";
    }

    /** What a write did: created the dataset, set these properties, cleared those. */
    public record Written(String dataset, boolean created, Map<String, String> set, List<String> cleared) {
        public boolean changed() {
            return created || !set.isEmpty() || !cleared.isEmpty();
        }
    }

    /** @throws StoreError when the pool is not there or a write fails */
    public static Written write(Store store, String pool, HostFacts facts) {
        String ds = dataset(pool);
        if (!store.exists(ds)) {
            try {
                store.create(ds, facts.properties()); // one call: the dataset and its facts
                return new Written(ds, true, facts.properties(), List.of());
            } catch (StoreError e) {
                if (!store.exists(ds)) throw e; // else another writer made it first: update it below
            }
        }
        HostFacts.Changes c = facts.diff(store.zedState(ds));
        if (!c.set().isEmpty()) store.set(ds, c.set());
        for (String p : c.clear()) store.inherit(ds, p);
        return new Written(ds, false, c.set(), c.clear());
    }
}
