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
        String pool = System.getenv().getOrDefault("ZED_TEST_POOL", "zedtest");
        String root = pool + "/chaos-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        HostFacts.zfs("create", root);
        return new ChaosPool(root);
    }

    /**
     * {@code zfs destroy -r}, trying again within a deadline: zfs-fuse calls a dataset busy for a moment after
     * something unmounted it.
     */
    @Override
    public void close() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (true) {
            try {
                HostFacts.zfs("destroy", "-r", root);
                return;
            } catch (IOException e) {
                if (e.getMessage().contains("does not exist")) return;
                if (!e.getMessage().contains("busy") || System.nanoTime() > deadline) throw e;
                Thread.sleep(200); // the retry interval of a deadline wait
            }
        }
    }
}
