package zed.chaos.bench;

import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;

/**
 * Benchmarks 2 and 3, on one converged level of N unmounted datasets (no services) on zfs-fuse, its node in this JVM.
 *
 * <p>CPU per steady-state sweep with no drift: over whole sweeps (counted by zed_pool_sweeps_total), the CPU of the
 * node's JVM, of the zfs commands it ran (cutime + cstime of /proc/self/stat) and of the zfs-fuse daemon, per sweep.
 * Floor: one raw recursive {@code zfs get} of the same tree with the same properties, measured the same way (node
 * stopped), back to back and at the node's cadence. Reference: the idle node (no level) over the same time.
 * Baseline: the same node's sweeps reading the 21 properties a sweep read before issue 10 (through the zfs wrapper
 * of scripts/bench-node.sh, see {@link #oldSweepFlag()}), in phases that alternate with today's, and the raw reads
 * of the two property lists taking turns.
 *
 * <p>Drift to correction: {@code zfs set com.acme:tier=silver} on one dataset behind Zed's back, then {@code zfs get}
 * every 20 ms until it reads gold again; a random pause before each trial spreads the drifts over the sweep cycle.
 * Expectation from the same run: half a sweep period, plus half a batched read, plus one {@code zfs set}.
 */
final class SteadyState {
    private SteadyState() {
    }

    /**
     * @param cpuSeconds how long to count CPU over (whole sweeps); also gives the sweep period and read time
     * @param printCpu   print the CPU table (benchmark 2), not only the drift one
     */
    static void run(BenchPool pool, int datasets, int cpuSeconds, int idleSeconds, int reads, int driftTrials, boolean printCpu) throws Exception {
        String root = pool.fresh("steady-" + datasets);
        String props = properties();
        BenchPool.Cpu idle = null, sweep;
        Phases newSweeps = new Phases(), oldSweeps = new Phases();
        double convergeMs;
        Trials drift = new Trials(), set = new Trials();
        long driftCount;
        try (BenchNode node = BenchNode.start()) {
            if (idleSeconds > 0) {
                BenchPool.sleep(5000); // past start-up (cluster join, first inventory)
                BenchNode.quiet();
                BenchPool.Cpu c0 = BenchPool.Cpu.now();
                BenchPool.sleep(idleSeconds * 1000L);
                idle = BenchPool.Cpu.now().since(c0);
            }
            long t0 = System.nanoTime();
            long rev = node.push("steady", BenchLevel.source("steady", root, datasets, 0, false));
            node.awaitConverged("steady", rev);
            convergeMs = (System.nanoTime() - t0) / 1e6;
            long q = System.nanoTime();
            BenchNode.quiet(); // retention after Converged: one snapshot listing per dataset
            System.out.printf("%d datasets converged in %.0f ms; the node ran commands for %.0f ms more; warming up%n", datasets, convergeMs,
                    (System.nanoTime() - q) / 1e6 - 1000);
            BenchNode.Sweeps w = node.sweeps();
            for (int i = 0; i < 5; i++) w = node.nextSweep(w.count());

            // the sweeps of today and of before issue 10 (all 21 properties), in alternating phases (new old old new ...),
            // so that what else runs on the machine weighs on both alike
            Path flag = printCpu ? oldSweepFlag() : null; // the drift benchmark alone needs only today's sweeps
            int pairs = flag == null ? 0 : Math.max(1, cpuSeconds / (2 * PHASE_SECONDS));
            int phaseSeconds = flag == null ? cpuSeconds : PHASE_SECONDS;
            double drift0 = drifts(node);
            for (int i = 0; i < Math.max(1, 2 * pairs); i++) {
                boolean old = flag != null && (i % 4 == 1 || i % 4 == 2);
                if (old) Files.writeString(flag, props + "\n" + before() + "\n");
                else if (flag != null) Files.deleteIfExists(flag);
                node.nextSweep(node.sweeps().count()); // the read in flight when the mode changed
                BenchNode.Sweeps a = node.nextSweep(node.sweeps().count());
                BenchPool.Cpu c0 = BenchPool.Cpu.now();
                BenchPool.sleep(phaseSeconds * 1000L);
                BenchNode.Sweeps b = node.nextSweep(node.sweeps().count());
                BenchPool.Cpu c = BenchPool.Cpu.now().since(c0);
                if (b.failed() != a.failed()) throw new IllegalStateException("failed sweeps while measuring");
                (old ? oldSweeps : newSweeps).add(a, b, c);
                System.out.printf("phase %d (%s sweeps): %d sweeps, read %.0f ms each, node %.1f, zfs commands %.1f, zfs-fuse %.1f ms of CPU per sweep (load %s)%n",
                        i, old ? "old, 21-property" : "today's", b.count() - a.count(), (b.seconds() - a.seconds()) * 1000 / (b.count() - a.count()),
                        c.jvm() / 1e6 / (b.count() - a.count()), c.children() / 1e6 / (b.count() - a.count()), c.daemon() / 1e6 / (b.count() - a.count()), load());
            }
            if (flag != null) {
                Files.deleteIfExists(flag);
                Path rewritten = Path.of(flag + ".rewritten");
                long r = Files.exists(rewritten) ? Files.readAllLines(rewritten).size() : 0;
                System.out.printf("reads the wrapper turned into the 21-property one: %d (old-phase sweeps measured: %d)%n", r, oldSweeps.count);
                if (r < oldSweeps.count) throw new IllegalStateException("the zfs wrapper did not see the node's sweeps: the comparison would be with itself");
            }
            sweep = newSweeps.cpu;
            driftCount = Math.round(drifts(node) - drift0);
            long n = newSweeps.count;
            double period = sweep.wall() / 1e6 / n, read = newSweeps.readSeconds * 1000 / n;
            System.out.printf("%d sweeps in %.1f s: a sweep every %.0f ms, Zed's read %.0f ms; drift corrections meanwhile: %d%n",
                    n, sweep.wall() / 1e9, period, read, driftCount);

            Random random = new Random(42);
            for (int t = 0; t < driftTrials; t++) {
                BenchPool.sleep(random.nextInt((int) Math.max(1, period))); // a random phase of the sweep cycle
                String ds = root + "/d" + ((t * 37) % datasets);
                long a = System.nanoTime();
                BenchPool.zfs("set", BenchLevel.TIER + "=silver", ds);
                long b = System.nanoTime();
                while (!BenchPool.zfs("get", "-H", "-o", "value", BenchLevel.TIER, ds).strip().equals("gold")) {
                    if (System.nanoTime() - b > 120e9) {
                        for (var r : node.status("steady").path("resources")) if (ds.endsWith("/" + r.path("name").asText())) System.out.println("its status: " + r);
                        System.out.println("sweeps: " + node.sweeps() + "; threads:\n" + BenchNode.threads());
                        throw new IllegalStateException(ds + " was not corrected within 2 minutes");
                    }
                    Thread.sleep(20); // polling interval: the resolution of the measurement
                }
                double ms = (System.nanoTime() - b) / 1e6;
                drift.add(ms);
                set.add((b - a) / 1e6);
                System.out.printf("drift %d on %s: back in %.0f ms%n", t, ds, ms);
            }
            node.stop("steady");
            BenchNode.quiet();
        }

        // the floor: raw recursive reads of the same tree, today's properties and the 21 of before issue 10 taking
        // turns, nothing else running
        Trials readMs = new Trials(), beforeMs = new Trials();
        BenchPool.Cpu raw = BenchPool.Cpu.zero(), old = BenchPool.Cpu.zero();
        for (int i = 0; i < 2 * reads; i++) {
            boolean before = i % 4 == 1 || i % 4 == 2;
            BenchPool.Cpu c0 = BenchPool.Cpu.now();
            long a = System.nanoTime();
            BenchPool.zfs("get", "-H", "-p", "-r", "-o", "name,property,value,source", before ? before() : props, root);
            (before ? beforeMs : readMs).add((System.nanoTime() - a) / 1e6);
            BenchPool.Cpu c = BenchPool.Cpu.now().since(c0);
            if (before) old = old.plus(c);
            else raw = raw.plus(c);
        }
        // the same reads at the node's cadence (one every PoolObserver.INTERVAL): a pause may leave the daemon's caches colder
        Trials spacedMs = new Trials();
        BenchPool.Cpu c1 = BenchPool.Cpu.now();
        for (int i = 0; i < reads; i++) {
            BenchPool.sleep(zed.actors.resource.PoolObserver.INTERVAL.toMillis());
            long a = System.nanoTime();
            BenchPool.zfs("get", "-H", "-p", "-r", "-o", "name,property,value,source", props, root);
            spacedMs.add((System.nanoTime() - a) / 1e6);
        }
        BenchPool.Cpu spaced = BenchPool.Cpu.now().since(c1);
        BenchPool.destroy(root);

        long n = newSweeps.count;
        double period = sweep.wall() / 1e6 / n, zedRead = newSweeps.readSeconds * 1000 / n;
        if (printCpu) {
            System.out.printf("%n### CPU per steady-state sweep of %,d datasets (%d sweeps over %.0f s; floor: %d reads; ms of CPU)%n%n",
                    datasets, n, sweep.wall() / 1e9, reads);
            System.out.println("| | wall | node JVM | zfs commands | zfs-fuse daemon | total CPU | vs. floor |");
            System.out.println("|---|---|---|---|---|---|---|");
            double floorTotal = total(raw) / reads;
            System.out.printf("| floor: one raw `zfs get -r` of the tree, same %d properties | %s | %s | %s | %s | %s | 1× |%n",
                    props.split(",").length, Trials.fmt(readMs.median(), 0), ms(raw.jvm(), reads), ms(raw.children(), reads), ms(raw.daemon(), reads),
                    ms(total(raw), reads));
            System.out.printf("| before issue 10: a raw `zfs get -r` of the %d properties a sweep read then | %s | %s | %s | %s | %s | %.2f× |%n",
                    before().split(",").length, Trials.fmt(beforeMs.median(), 0), ms(old.jvm(), reads), ms(old.children(), reads), ms(old.daemon(), reads),
                    ms(total(old), reads), total(old) / (double) total(raw));
            System.out.printf("| floor: the same read, one every %d s (the node's cadence) | %s | %s | %s | %s | %s | %.2f× |%n",
                    zed.actors.resource.PoolObserver.INTERVAL.toSeconds(), Trials.fmt(spacedMs.median(), 0), ms(spaced.jvm(), reads),
                    ms(spaced.children(), reads), ms(spaced.daemon(), reads), ms(total(spaced), reads), total(spaced) / (double) total(raw));
            System.out.printf("| Zed: one sweep (read, %,d slices, %,d plans) | %s read, every %s | %s | %s | %s | %s | %.2f× |%n",
                    datasets, datasets, Trials.fmt(zedRead, 0), Trials.fmt(period, 0), ms(sweep.jvm(), n), ms(sweep.children(), n), ms(sweep.daemon(), n),
                    ms(total(sweep), n), total(sweep) / n / floorTotal);
            if (oldSweeps.count > 0) {
                long m = oldSweeps.count;
                BenchPool.Cpu o = oldSweeps.cpu;
                System.out.printf("| before issue 10: one sweep of the same node reading the %d properties it read then, in alternating phases | %s read, every %s | %s | %s | %s | %s | %.2f× |%n",
                        before().split(",").length, Trials.fmt(oldSweeps.readSeconds * 1000 / m, 0), Trials.fmt(o.wall() / 1e6 / m, 0), ms(o.jvm(), m),
                        ms(o.children(), m), ms(o.daemon(), m), ms(total(o), m), total(o) / m / floorTotal);
                System.out.printf("%n**today's sweep / before issue 10's, CPU per sweep: node JVM %.2f×, zfs commands %.2f×, zfs-fuse %.2f×, total %.2f× (target ≤ 0.5×); "
                                + "the raw reads alone (floor): %.2f×** (%d and %d sweeps)%n",
                        sweep.jvm() / (double) n / (o.jvm() / (double) m), sweep.children() / (double) n / (o.children() / (double) m),
                        sweep.daemon() / (double) n / (o.daemon() / (double) m), total(sweep) / (double) n / (total(o) / (double) m),
                        total(raw) / (double) total(old), n, m);
            } else {
                System.out.printf("%n(no sweeps of before issue 10: run through scripts/bench-node.sh, which puts the zfs wrapper first on the PATH)%n");
            }
            if (idle != null) {
                double k = idle.wall() / (period * 1e6); // idle time in sweep periods
                System.out.printf("| reference: idle node (no level) over one sweep period | %s | %s | %s | %s | %s | %.2f× |%n",
                        Trials.fmt(period, 0), ms(idle.jvm(), k), ms(idle.children(), k), ms(idle.daemon(), k), ms(total(idle), k), total(idle) / k / floorTotal);
                double[] own = {sweep.jvm() / (double) n - idle.jvm() / k, sweep.children() / (double) n - idle.children() / k,
                        sweep.daemon() / (double) n - idle.daemon() / k};
                double ownTotal = own[0] + own[1] + own[2];
                System.out.printf("| Zed: one sweep, less the idle node | | %s | %s | %s | %s | %.2f× |%n", Trials.fmt(own[0] / 1e6, 1),
                        Trials.fmt(own[1] / 1e6, 1), Trials.fmt(own[2] / 1e6, 1), Trials.fmt(ownTotal / 1e6, 1), ownTotal / (total(raw) / (double) reads));
            }
            System.out.printf("%nfloor read wall times (ms): back to back %s, spaced %s; push → Converged of the %,d datasets: %.0f ms%n", readMs, spacedMs, datasets, convergeMs);
        }
        if (driftTrials > 0) {
            // a dataset is read once a period, at its place in the read: a drift waits half a period for it on average,
            // then the rest of that read (half a read on average), then the plan and one zfs set
            double expected = period / 2 + zedRead / 2 + set.median();
            System.out.printf("%n### Drift to correction on a converged level of %,d datasets (%d trials, ms)%n%n", datasets, drift.size());
            System.out.println("| | ms |");
            System.out.println("|---|---|");
            System.out.printf("| observed sweep period (start to start, no drift) | %s |%n", Trials.fmt(period, 0));
            System.out.printf("| one batched read: Zed's sweep (zed_pool_sweep_duration) / raw `zfs get -r` | %s / %s |%n",
                    Trials.fmt(zedRead, 0), Trials.fmt(readMs.median(), 0));
            System.out.printf("| one `zfs set` (the drift itself; a correction is one too) | %s |%n", Trials.fmt(set.median(), 0));
            // at worst a drift just misses its dataset in one read: the rest of that read, the longest interval, a whole read
            double longest = zed.actors.resource.PoolObserver.INTERVAL.toMillis() * 1.2 + 2 * zedRead + set.median();
            System.out.printf("| expectation, mean: period / 2 + read / 2 + set (at most 2.4 s + 2 reads + set: %s) | %s |%n",
                    Trials.fmt(longest, 0), Trials.fmt(expected, 0));
            System.out.printf("| drift → corrected: mean %s; median / p90 / p99 / max (min) | %s / %s / %s / %s (%s) |%n", Trials.fmt(drift.mean(), 0),
                    Trials.fmt(drift.median(), 0), Trials.fmt(drift.percentile(90), 0), Trials.fmt(drift.percentile(99), 0),
                    Trials.fmt(drift.max(), 0), Trials.fmt(drift.min(), 0));
            System.out.printf("| p99 in sweep periods (target: at most 2) | %.2f |%n", drift.percentile(99) / period);
            System.out.printf("%nall latencies (ms): %s%n", drift);
        }
    }

    /** Seconds of one phase of today's or before issue 10's sweeps. */
    static final int PHASE_SECONDS = 15;

    /**
     * The file that makes the node's sweeps read what they read before issue 10: scripts/bench-node.sh puts a zfs
     * wrapper first on the PATH that, while the file exists, reads the property list of its second line instead of
     * the one of its first (what a sweep reads today). Null when no wrapper is there (NodeBenchmarks run directly).
     */
    static Path oldSweepFlag() {
        String f = System.getenv("ZED_BENCH_OLD_SWEEP");
        return f == null || f.isEmpty() ? null : Path.of(f);
    }

    /** The sweeps, CPU and read time of the phases of one kind. */
    static final class Phases {
        long count;
        double readSeconds;
        BenchPool.Cpu cpu = BenchPool.Cpu.zero();

        void add(BenchNode.Sweeps a, BenchNode.Sweeps b, BenchPool.Cpu c) {
            count += b.count() - a.count();
            readSeconds += b.seconds() - a.seconds();
            cpu = cpu.plus(c);
        }
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (java.io.IOException e) {
            return "?";
        }
    }

    /** The properties a sweep of the bench level reads: what the planner needs, and the declared ones. */
    static String properties() {
        TreeSet<String> p = new TreeSet<>(ZfsStore.OBSERVED);
        p.addAll(List.of("compression", BenchLevel.TIER));
        return String.join(",", new ArrayList<>(p));
    }

    /**
     * What a sweep read before issue 10 (the whole schema, 21 properties with the declared ones): the baseline of
     * "read only what the planner needs".
     */
    static String before() {
        TreeSet<String> p = new TreeSet<>(List.of("com.zed:managed", "com.zed:level", "com.zed:rev", "com.zed:spec-hash",
                "com.zed:deployed_at", "com.zed:deployed_by", "com.zed:properties", "com.zed:service", "com.zed:version", "com.zed:app",
                "com.zed:node_name", "com.zed:pid", "com.zed:started_at", "com.zed:ports", "com.zed:health", "com.zed:jail",
                "com.zed:jail.conf-hash"));
        p.addAll(List.of("mounted", "mountpoint", "compression", BenchLevel.TIER));
        return String.join(",", new ArrayList<>(p));
    }

    private static double drifts(BenchNode node) throws Exception {
        double n = 0;
        for (var e : node.metrics().entrySet()) if (e.getKey().startsWith("zed_drift_corrections_total")) n += e.getValue();
        return n;
    }

    private static long total(BenchPool.Cpu c) {
        return c.jvm() + c.children() + c.daemon();
    }

    private static String ms(long nanos, double per) {
        return Trials.fmt(nanos / 1e6 / per, 1);
    }
}
