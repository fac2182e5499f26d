package zed.reconciler.store;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The zfs-fuse pools that {@code scripts/test-pool.sh} (and so {@code .ci/run}) made. Without them the ZFS tests
 * skip; with {@code ZED_REQUIRE_ZFS=1} they fail instead. Every test gets its own child dataset and removes it.
 */
public final class TestPool {
    private TestPool() {
    }

    public static String pool(String variable) {
        String pool = System.getenv(variable);
        boolean zfs = Files.isExecutable(Path.of("/usr/sbin/zfs")) || Files.isExecutable(Path.of("/sbin/zfs"));
        if (pool == null || pool.isEmpty() || !zfs) {
            if ("1".equals(System.getenv("ZED_REQUIRE_ZFS"))) {
                throw new AssertionError(variable + " is not set or zfs is missing, but ZED_REQUIRE_ZFS=1: run scripts/test-pool.sh up");
            }
            Assumptions.assumeTrue(false, "no ZFS test pool (" + variable + "); run scripts/test-pool.sh up");
        }
        return pool;
    }

    /** A command runner that counts the commands it runs. */
    public static final class Counting implements Command {
        public final AtomicInteger calls = new AtomicInteger();
        public final List<List<String>> argv = new ArrayList<>();
        private final Command inner = new ProcessCommand();

        @Override
        public Result run(List<String> a, Duration timeout, String subject) {
            calls.incrementAndGet();
            synchronized (argv) {
                argv.add(a);
            }
            return inner.run(a, timeout, subject);
        }
    }

    public static String freshName() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    /** Destroys a test's dataset tree: snapshots (released first), then datasets bottom-up, each unmounted. */
    public static void destroyTree(ZfsStore store, String root) {
        if (!store.exists(root)) return;
        List<String> all = new ArrayList<>(store.observe(root, java.util.Set.of()).keySet());
        all.sort(Comparator.comparingInt((String s) -> s.split("/").length).reversed());
        for (String d : all) {
            for (Snapshot s : store.snapshots(d)) {
                try {
                    store.release(Replicator.HOLD, d, s.name());
                } catch (StoreError ignored) {
                    // not held
                }
                store.destroySnapshot(d, s.name());
            }
            store.destroy(d);
        }
    }
}
