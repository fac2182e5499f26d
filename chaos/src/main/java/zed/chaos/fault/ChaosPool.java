package zed.chaos.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.UUID;

/**
 * A dataset of a scenario's own under the zfs-fuse test pool ({@code ZED_TEST_POOL}, default zedtest), destroyed with
 * everything below it at the end, so that other runs on the same pool are left alone.
 */
public record ChaosPool(String root) implements AutoCloseable {
    public static ChaosPool fresh(String name) throws IOException, InterruptedException {
        return fresh(name, System.getenv().getOrDefault("ZED_TEST_POOL", "zedtest"));
    }

    /** The same under the second test pool ({@code ZED_TEST_POOL2}, default zedtest2): a send between two pools. */
    public static ChaosPool second(String name) throws IOException, InterruptedException {
        return fresh(name, System.getenv().getOrDefault("ZED_TEST_POOL2", "zedtest2"));
    }

    private static ChaosPool fresh(String name, String pool) throws IOException, InterruptedException {
        String root = pool + "/chaos-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        HostFacts.zfs("create", root);
        return new ChaosPool(root);
    }

    /**
     * {@code zfs destroy -r}, trying again within a deadline: zfs-fuse calls a dataset busy for a moment after
     * something unmounted it. A destroy of many datasets (the soak's 211) meets that again and again, and each failed
     * try mounts again what it had unmounted: the deadline counts from the last try that destroyed something.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        int left = Integer.MAX_VALUE;
        while (true) {
            try {
                HostFacts.zfs("destroy", "-r", root);
                return;
            } catch (IOException e) {
                if (e.getMessage().contains("does not exist")) return;
                if (!e.getMessage().contains("busy")) throw e;
                int now = HostFacts.zfs("list", "-H", "-o", "name", "-r", root).split("\n").length;
                if (now < left) {
                    left = now;
                    deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                }
                if (System.nanoTime() > deadline) throw e;
                Thread.sleep(200); // the retry interval of a deadline wait
            }
        }
    }
}
