package zed.reconciler.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.ops.AuditLog;
import zed.reconciler.ops.OpsRules;
import zed.reconciler.ops.OpsServer;
import zed.reconciler.ops.OpsStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The store contract through the privilege boundary: an {@link OpsStore} talking over a real Unix socket to a real
 * {@link OpsServer} (in this JVM, as root) that runs zfs on the zfs-fuse test pool, the test's dataset its managed root.
 */
class OpsStoreContractTest extends StoreContract {
    @TempDir
    Path tmp;
    String pool;
    String root;
    ZfsStore direct;
    OpsServer ops;
    OpsStore store;

    @BeforeEach
    void setUp() throws Exception {
        pool = TestPool.pool("ZED_TEST_POOL");
        direct = ZfsStore.probe(new ProcessCommand(), pool);
        root = pool + "/" + TestPool.freshName();
        direct.create(root, Map.of());
        ops = new OpsServer(tmp.resolve("run/ops.sock"), null, Set.of(), new OpsRules(List.of(root), List.of(Path.of("/" + pool))),
                new AuditLog(tmp.resolve("audit.log")), p -> ZfsStore.probe(new ProcessCommand(), p));
        ops.start();
        store = new OpsStore(ops.socket(), pool);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (ops != null) ops.close();
        if (direct != null) TestPool.destroyTree(direct, root);
    }

    @org.junit.jupiter.api.Test
    void theCapabilitiesAreThoseOpsProbed() {
        org.junit.jupiter.api.Assertions.assertEquals(direct.capabilities(), store.capabilities());
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    String root() {
        return root;
    }
}
