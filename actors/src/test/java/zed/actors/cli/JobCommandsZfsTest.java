package zed.actors.cli;

import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.util.Map;

/** The same commands on a zfs-fuse pool: a checkpoint is a ZFS snapshot, and a job's rollback a {@code zfs rollback -r}. */
class JobCommandsZfsTest extends JobCommandsTest {
    @Override
    String pool() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        zfs = ZfsStore.probe(new ProcessCommand(), pool);
        String r = pool + "/" + TestPool.freshName();
        zfs.create(r, Map.of());
        return r;
    }
}
