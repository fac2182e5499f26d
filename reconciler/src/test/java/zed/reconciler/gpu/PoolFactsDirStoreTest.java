package zed.reconciler.gpu;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Store;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/** Host facts on the dir store (hosts without ZFS): the dataset {@code zed} at the store's root. */
class PoolFactsDirStoreTest extends PoolFactsContract {
    @TempDir
    Path tmp;
    Store store;
    final AtomicInteger writes = new AtomicInteger();

    @BeforeEach
    void setUp() {
        DirStore dir = new DirStore(tmp.resolve("store"));
        // counts the writes that reach the store: create, set and inherit
        store = (Store) java.lang.reflect.Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[]{Store.class}, (p, m, args) -> {
            if (m.getName().equals("create") || m.getName().equals("set") || m.getName().equals("inherit")) writes.incrementAndGet();
            try {
                return m.invoke(dir, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        });
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    String pool() {
        return "";
    }

    @Override
    int writes() {
        return writes.get();
    }

    @org.junit.jupiter.api.Test
    void theFactsOfTheDirStoreAreTheDatasetZed() {
        PoolFacts.write(store, "", new HostFacts("laptop", java.util.List.of()));
        org.junit.jupiter.api.Assertions.assertEquals(Map.of("com.zed:host", "laptop", "com.zed:gpu.count", "0"), store.zedState("zed"));
    }
}
