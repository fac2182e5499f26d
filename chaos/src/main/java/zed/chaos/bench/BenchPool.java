package zed.chaos.bench;

import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The benchmarks' own datasets on the test pool ({@code ZED_TEST_POOL}, default {@code zedtest}): each one a child of
 * the pool named {@code bench-<random>-<name>}, all destroyed at the end, so that other people's tests on the same
 * pool are left alone. Also the raw {@code zfs} commands (the floors) and the CPU counters.
 */
final class BenchPool implements AutoCloseable {
    final String pool;
    private final String prefix;
    private final List<String> made = new ArrayList<>();

    private BenchPool(String pool, String prefix) {
        this.pool = pool;
        this.prefix = prefix;
    }

    static BenchPool open() {
        String pool = System.getenv().getOrDefault("ZED_TEST_POOL", "zedtest");
        return new BenchPool(pool, pool + "/bench-" + UUID.randomUUID().toString().substring(0, 8) + "-");
    }

    /** A fresh, empty dataset of the benchmarks' own. */
    String fresh(String name) {
        String d = prefix + name;
        zfs("create", d);
        made.add(d);
        return d;
    }

    /** Runs {@code zfs ...}; its stdout, or an exception with its stderr. */
    static String zfs(String... args) {
        List<String> argv = new ArrayList<>(List.of("zfs"));
        argv.addAll(List.of(args));
        return run(argv);
    }

    /** A benchmark's command runs for minutes at the most; one that hangs should fail the run, not stall it. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(10);

    static String run(List<String> argv) {
        try {
            Subprocess.Result r = Subprocess.of(argv, COMMAND_TIMEOUT).mergingErrors().run();
            if (r.timedOut()) throw new IllegalStateException(String.join(" ", argv) + ": did not finish within " + COMMAND_TIMEOUT.toMinutes() + " minutes");
            if (r.exit() != 0) throw new IllegalStateException(String.join(" ", argv) + ": " + r.stdout().strip());
            return r.stdout();
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", argv) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * {@code zfs destroy -r}. zfs-fuse calls the next dataset busy right after it unmounted one, so a tree of mounted
     * datasets goes about one dataset per try: try again at once, within a deadline.
     */
    static void destroy(String dataset) {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (true) {
            try {
                zfs("destroy", "-r", dataset);
                return;
            } catch (IllegalStateException e) {
                if (e.getMessage().contains("does not exist")) return;
                if (!e.getMessage().contains("busy") || System.nanoTime() > deadline) throw e;
                sleep(100); // the retry interval of a deadline wait
            }
        }
    }

    @Override
    public void close() {
        for (String d : made) destroy(d);
    }

    // ---- CPU, in nanoseconds ----------------------------------------------------------------------------------

    /** CPU of this JVM's own threads. */
    static long jvmCpu() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** CPU of this JVM's children that have exited and been waited for (cutime + cstime of /proc/self/stat). */
    static long childrenCpu() {
        String[] f = stat("self");
        return ticks(Long.parseLong(f[13]) + Long.parseLong(f[14]));
    }

    /** CPU of the zfs-fuse daemon (utime + stime), which answers every zfs command. */
    static long daemonCpu() {
        return processCpu(daemonPid());
    }

    /** CPU of any process of this machine (utime + stime); IllegalStateException once it is gone. */
    static long processCpu(String pid) {
        String[] f = stat(pid);
        return ticks(Long.parseLong(f[11]) + Long.parseLong(f[12]));
    }

    private static String daemonPid;

    private static String daemonPid() {
        if (daemonPid == null) {
            try {
                daemonPid = Files.readString(Path.of("/run/zfs-fuse.pid")).strip();
            } catch (IOException e) {
                daemonPid = run(List.of("pgrep", "-x", "zfs-fuse")).strip().split("\\s+")[0];
            }
        }
        return daemonPid;
    }

    /** The fields of /proc/PID/stat after the command name: index 0 is field 3 (state). */
    private static String[] stat(String pid) {
        try {
            String s = Files.readString(Path.of("/proc", pid, "stat"));
            return s.substring(s.lastIndexOf(')') + 2).strip().split(" ");
        } catch (IOException e) {
            throw new IllegalStateException("/proc/" + pid + "/stat: " + e.getMessage(), e);
        }
    }

    /** Clock ticks (USER_HZ, 100 on Linux) to nanoseconds. */
    private static long ticks(long t) {
        return t * 10_000_000L;
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** CPU readings at one instant: this JVM, its waited-for children, the zfs-fuse daemon; and wall time. */
    record Cpu(long wall, long jvm, long children, long daemon) {
        static Cpu now() {
            return new Cpu(System.nanoTime(), jvmCpu(), childrenCpu(), daemonCpu());
        }

        static Cpu zero() {
            return new Cpu(0, 0, 0, 0);
        }

        Cpu plus(Cpu other) {
            return new Cpu(wall + other.wall, jvm + other.jvm, children + other.children, daemon + other.daemon);
        }

        Cpu since(Cpu before) {
            return new Cpu(wall - before.wall, jvm - before.jvm, children - before.children, daemon - before.daemon);
        }
    }
}
