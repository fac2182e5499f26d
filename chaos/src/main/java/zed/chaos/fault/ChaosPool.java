package zed.chaos.fault;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
    /** The processes with their working directory or an open file under {@code dir}, "pid command" each. */
    static List<String> users(String dir) {
        List<String> out = new ArrayList<>();
        java.io.File[] procs = new java.io.File("/proc").listFiles((d, n) -> n.chars().allMatch(Character::isDigit));
        for (java.io.File p : procs == null ? new java.io.File[0] : procs) {
            List<java.nio.file.Path> links = new ArrayList<>(List.of(p.toPath().resolve("cwd")));
            java.io.File[] fds = p.toPath().resolve("fd").toFile().listFiles();
            for (java.io.File fd : fds == null ? new java.io.File[0] : fds) links.add(fd.toPath());
            for (java.nio.file.Path l : links) {
                try {
                    String target = java.nio.file.Files.readSymbolicLink(l).toString();
                    if (target.equals(dir) || target.startsWith(dir + "/")) {
                        out.add(p.getName() + " " + ProcessHandle.of(Long.parseLong(p.getName())).flatMap(h -> h.info().command()).orElse("?"));
                        break;
                    }
                } catch (IOException | UnsupportedOperationException gone) {
                    // the process or its fd ended meanwhile
                }
            }
        }
        return out;
    }

    @Override
    public void close() throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
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
                    deadline = System.nanoTime() + Duration.ofSeconds(45).toNanos();
                }
                if (System.nanoTime() > deadline) {
                    List<String> users = users("/" + root);
                    if (!users.isEmpty()) throw new IOException(e.getMessage() + "; processes in it: " + users, e);
                    // no process explains it: zfs-fuse's own busy, which stays for good (seen on a replica snapshot after a
                    // failover; test-pool.sh restarts the daemon for it). It is no behaviour of Zed's: the pool is thrown away
                    System.err.println("ChaosPool: zfs-fuse keeps " + root + " busy with no process in it; left on the pool: " + e.getMessage());
                    return;
                }
                Thread.sleep(200); // the retry interval of a deadline wait
            }
        }
    }
}
