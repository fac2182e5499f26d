package zed.actors;

import zed.reconciler.process.StartTime;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.io.IOException;
import java.util.Map;

/**
 * A test's own tree on the zfs-fuse test pool ({@code ZED_TEST_POOL}) and two real services, {@code web} and
 * {@code notes}, each in a process group of its own as a service is (a stop signals the group): what a stand-down or
 * a fencing acts on. The fixture of FencingTest and WardenTest; closing it kills both and destroys the tree.
 */
public final class StampedServices implements AutoCloseable {
    public final ZfsStore store;
    public final String root;
    public final Process web;
    public final Process notes;

    private StampedServices(ZfsStore store, String root, Process web, Process notes) {
        this.store = store;
        this.root = root;
        this.web = web;
        this.notes = notes;
    }

    public static StampedServices start() throws IOException {
        String pool = TestPool.pool("ZED_TEST_POOL");
        ZfsStore store = ZfsStore.probe(new ProcessCommand(), pool);
        String root = pool + "/" + TestPool.freshName();
        store.create(root, Map.of());
        Process web = service();
        try {
            return new StampedServices(store, root, web, service());
        } catch (IOException | RuntimeException e) {
            web.destroyForcibly();
            TestPool.destroyTree(store, root);
            throw e;
        }
    }

    /** A service that runs until stopped: {@code sleep}, in a process group of its own. */
    public static Process service() throws IOException {
        return new ProcessBuilder("setsid", "sleep", "300").start();
    }

    /** A level's dataset whose service is {@code p}, stamped as a node stamps it. */
    public void running(String dataset, String level, Process p) {
        store.create(dataset, Map.of("com.zed:managed", "true", "com.zed:level", level, "com.zed:pid", String.valueOf(p.pid()),
                "com.zed:started_at", StartTime.of(p.pid()).orElseThrow()));
    }

    @Override
    public void close() {
        web.destroyForcibly();
        notes.destroyForcibly();
        TestPool.destroyTree(store, root);
    }
}
