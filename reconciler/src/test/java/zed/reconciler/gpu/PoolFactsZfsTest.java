package zed.reconciler.gpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import zed.reconciler.store.Store;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.util.List;
import java.util.Map;

/**
 * Host facts on a real zfs-fuse pool. The pool is shared, so a fresh child dataset stands in for it (facts on
 * {@code <child>/zed}) and is destroyed afterwards. Skips without the pool, unless ZED_REQUIRE_ZFS=1.
 */
class PoolFactsZfsTest extends PoolFactsContract {
    TestPool.Counting command;
    ZfsStore store;
    String root;

    @BeforeEach
    void setUp() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        command = new TestPool.Counting();
        store = ZfsStore.probe(command, pool);
        root = pool + "/" + TestPool.freshName();
        store.create(root, Map.of());
    }

    @AfterEach
    void tearDown() {
        if (store != null) TestPool.destroyTree(store, root);
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    String pool() {
        return root;
    }

    /** Mutating zfs calls: every one is a transaction. */
    @Override
    int writes() {
        synchronized (command.argv) {
            return (int) command.argv.stream().map(a -> a.size() > 1 ? a.get(1) : "")
                    .filter(v -> List.of("create", "set", "inherit").contains(v)).count();
        }
    }
}
