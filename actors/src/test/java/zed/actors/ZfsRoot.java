package zed.actors;

import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.util.Map;

/** A fresh dataset of a test's own under the zfs-fuse test pool ({@code ZED_TEST_POOL}), destroyed with all below it. */
record ZfsRoot(ZfsStore store, String root) implements AutoCloseable {
    static ZfsRoot fresh() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        ZfsStore store = ZfsStore.probe(new ProcessCommand(), pool);
        String root = pool + "/" + TestPool.freshName();
        store.create(root, Map.of());
        return new ZfsRoot(store, root);
    }

    @Override
    public void close() {
        TestPool.destroyTree(store, root);
    }
}
