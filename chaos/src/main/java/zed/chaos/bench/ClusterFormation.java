package zed.chaos.bench;

import org.apache.pekko.cluster.typed.Cluster;
import zed.chaos.fault.ChaosDatabase;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;

/**
 * Issue 11's cluster benchmark: {@code n} nodes in this JVM ({@link InJvmCluster}), each on its own dir store in a
 * tmpfs (the "in-memory pool"), all on one fresh PostgreSQL database. Measures how long the cluster takes to form (the
 * first start to every member Up as n1 sees it) and each node's start; the journal's connections (sampled every 200 ms
 * through formation, and at rest after {@code rest} seconds, when idle ones beyond each node's one have closed), beside
 * PostgreSQL's {@code max_connections}; the heap and idle CPU per node beside one node alone; and a level pushed through
 * n1's API and placed on the last node, from the PUT to Converged, beside the same push on one node alone (its own
 * database), taking turns, in the same run. Rollouts of a level across hosts are not built yet: nothing measures them.
 */
final class ClusterFormation {
    private ClusterFormation() {
    }

    static void run(int n, int parallel, int trials, int restSeconds, int idleSeconds, int rollouts) throws Exception {
        Path root = InJvmCluster.memoryRoot();
        System.out.printf("# %d nodes, started %d at a time after n1; state (and dir stores) in %s; max heap %,d MiB; load %s%n", n, parallel, root,
                Runtime.getRuntime().maxMemory() >> 20, SteadyState.load());
        try (ChaosDatabase soloDb = ChaosDatabase.fresh(); ChaosDatabase db = ChaosDatabase.fresh(); JournalConnections conns = new JournalConnections(db)) {
            measure(n, parallel, trials, restSeconds, idleSeconds, rollouts, root, soloDb, db, conns);
        } finally {
            InJvmCluster.deleteTree(root);
        }
    }

    private static void measure(int n, int parallel, int trials, int restSeconds, int idleSeconds, int rollouts, Path root, ChaosDatabase soloDb, ChaosDatabase db,
                            JournalConnections conns) throws Exception {
        InJvmCluster cluster = null;
        InJvmCluster.Member solo = null;
        try {
            System.out.printf("# PostgreSQL: max_connections %s (superuser_reserved_connections %s); %d client connections to the server before the run%n",
                    conns.setting("max_connections"), conns.setting("superuser_reserved_connections"), conns.server());
            long heap0 = ActorMemory.settledHeap();
            int threads0 = ManagementFactory.getThreadMXBean().getThreadCount();

            // the baseline: one node alone, its own database; its idle CPU and heap, then its pushes on a quiet machine
            solo = InJvmCluster.alone(root, "solo", soloDb.url());
            System.out.printf("# one node alone started in %,d ms%n", solo.took());
            Thread.sleep(5_000); // its start's background work settles
            long heapSolo = ActorMemory.settledHeap() - heap0;
            int threadsSolo = ManagementFactory.getThreadMXBean().getThreadCount() - threads0;
            double soloIdle = idleCpu(idleSeconds);
            Trials soloQuiet = new Trials();
            double soloFirst = InJvmCluster.push(solo, solo, root, "s0");
            for (int i = 1; i <= trials; i++) soloQuiet.add(InJvmCluster.push(solo, solo, root, "s" + i));

            conns.sample(200);
            long cpu0 = BenchPool.jvmCpu();
            cluster = InJvmCluster.start(root.resolve("cluster"), n, db.url(), parallel, Duration.ofMinutes(15));
            long formCpu = BenchPool.jvmCpu() - cpu0;
            int formPeak = conns.peak();
            int formPeakOne = conns.peakByApplication().values().stream().mapToInt(Integer::intValue).max().orElse(0);
            long formPeakAt = conns.peakAtMs();
            int atFormed = conns.total();
            printFormation(cluster, solo, formCpu);

            // at rest: a node's idle second connection closes 30 to 60 s after its last use
            conns.resetPeak();
            long c0 = BenchPool.jvmCpu(), t0 = System.nanoTime(), pg0 = conns.backendCpu();
            Map<Long, Long> threadCpu0 = threadCpu();
            StringBuilder series = new StringBuilder();
            for (int s = 5; s <= restSeconds; s += 5) {
                Thread.sleep(Math.max(0, t0 + s * 1_000_000_000L - System.nanoTime()) / 1_000_000); // the next 5 s mark of the rest
                series.append(series.length() == 0 ? "" : " ").append(conns.total());
            }
            Thread.sleep(Math.max(0, t0 + restSeconds * 1_000_000_000L - System.nanoTime()) / 1_000_000);
            double restS = (System.nanoTime() - t0) / 1e9;
            double clusterIdle = (BenchPool.jvmCpu() - c0) / 1e6 / restS;
            double pgIdle = (conns.backendCpu() - pg0) / 1e6 / restS;
            Map<String, Double> byThread = byThread(threadCpu0, restS);
            Map<String, Integer> rest = conns.now();
            int restPeak = conns.peak();
            long heapCluster = ActorMemory.settledHeap() - heap0 - heapSolo;
            int threadsCluster = ManagementFactory.getThreadMXBean().getThreadCount() - threads0 - threadsSolo;

            System.out.println();
            System.out.println("| journal connections (one PostgreSQL database, " + n + " nodes) | count | per node |");
            System.out.println("|---|---|---|");
            System.out.printf("| baseline: PostgreSQL's max_connections (default 100; %s here, %s of them for superusers) | %s | |%n",
                    conns.setting("max_connections"), conns.setting("superuser_reserved_connections"), conns.setting("max_connections"));
            System.out.printf("| peak during formation (sampled every 200 ms; at %,d ms) | %d | %.2f (most on one node: %d) |%n", formPeakAt, formPeak,
                    formPeak / (double) n, formPeakOne);
            System.out.printf("| when n1 saw all Up | %d | %.2f |%n", atFormed, atFormed / (double) n);
            System.out.printf("| peak in the %d s at rest after formation | %d | %.2f |%n", restSeconds, restPeak, restPeak / (double) n);
            System.out.printf("| **at rest, %d s after formation** | **%d** | %.2f (most on one node: %d) |%n", restSeconds, sum(rest), sum(rest) / (double) n,
                    rest.values().stream().mapToInt(Integer::intValue).max().orElse(0));
            System.out.printf("| (at rest, every 5 s from formation: %s; holding more than one at the end: %s) | | |%n", series,
                    rest.entrySet().stream().filter(e -> e.getValue() > 1).map(e -> e.getKey() + " " + e.getValue()).toList());
            System.out.println();
            System.out.println("| per node | one node alone | in the " + n + "-node cluster |");
            System.out.println("|---|---|---|");
            System.out.printf("| heap after GC, MiB (alone: with what the JVM loads once) | %.1f | %.1f |%n", heapSolo / 1048576.0, heapCluster / 1048576.0 / n);
            System.out.printf("| threads | %d | %.1f |%n", threadsSolo, threadsCluster / (double) n);
            System.out.printf("| idle CPU, ms/s (%d s alone; the %d s at rest, less one node alone's) | %.1f | %.1f |%n", idleSeconds, restSeconds, soloIdle,
                    (clusterIdle - soloIdle) / n);
            System.out.printf("| the journal's server processes' CPU, ms/s, per node (the %d s at rest) | | %.1f |%n", restSeconds, pgIdle / n);
            System.out.println();
            System.out.println("Where this JVM's CPU went at rest, by thread (ms/s for the whole JVM, the busiest kinds of thread):");
            byThread.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed()).limit(10)
                    .forEach(e -> System.out.printf("  %7.1f  %s%n", e.getValue(), e.getKey()));
            InJvmCluster.Member first = cluster.member("n1");
            System.out.printf("(after the rest: n1 sees %d of %d members Up, %d unreachable; load %s)%n", first.up(), n,
                    Cluster.get(first.node().system()).state().getUnreachable().size(), SteadyState.load());

            // pushes: through n1, placed on the last node; the same on the node alone, taking turns
            conns.resetPeak();
            InJvmCluster.Member last = cluster.member("n" + n);
            double clusterFirst = InJvmCluster.push(first, last, root, "x0");
            Trials clusterPush = new Trials(), soloBeside = new Trials();
            for (int i = 1; i <= trials; i++) {
                clusterPush.add(InJvmCluster.push(first, last, root, "x" + i));
                soloBeside.add(InJvmCluster.push(solo, solo, root, "t" + i));
            }
            System.out.println();
            System.out.println("| push of one level with one dataset, PUT → Converged | ms, median (min–max) |");
            System.out.println("|---|---|");
            System.out.printf("| baseline: one node alone, before the cluster started (first push: %,.0f) | %s |%n", soloFirst, soloQuiet.summary(0));
            System.out.printf("| baseline: one node alone, beside the running cluster, taking turns with the row below | %s |%n", soloBeside.summary(0));
            System.out.printf("| %d-node cluster: through n1, placed on n%d (first push: %,.0f) | %s |%n", n, n, clusterFirst, clusterPush.summary(0));
            System.out.printf("| cluster / alone beside it, medians | %.2f× |%n", clusterPush.median() / soloBeside.median());
            System.out.printf("(the dataset of x1 is in the dir store of: %s; the journal's connections peaked at %d during the pushes)%n", cluster.holders("x1"),
                    conns.peak());
            System.out.printf("(load at the end %s; this JVM: %d threads, %,d MiB heap used)%n", SteadyState.load(), ManagementFactory.getThreadMXBean().getThreadCount(),
                    ActorMemory.settledHeap() >> 20);
            if (rollouts > 0) ClusterRollout.run(cluster, root, rollouts);
        } finally {
            // before the databases go
            if (cluster != null) cluster.close();
            if (solo != null) solo.node().close();
        }
    }

    private static void printFormation(InJvmCluster cluster, InJvmCluster.Member solo, long formCpu) {
        int n = cluster.members().size();
        Trials starts = new Trials();
        for (InJvmCluster.Member m : cluster.members()) if (!m.host().equals("n1")) starts.add(m.took());
        InJvmCluster.Member slowest = cluster.members().stream().max(Comparator.comparingLong(InJvmCluster.Member::took)).orElseThrow();
        System.out.println();
        System.out.println("| formation, " + n + " nodes | ms |");
        System.out.println("|---|---|");
        System.out.printf("| baseline: one node alone starts (its own database; the JVM's first node, so with the class loading) | %,d |%n", solo.took());
        System.out.printf("| n1 starts (forms the cluster) | %,d |%n", cluster.member("n1").took());
        System.out.printf("| each other node's start, median (min–max) | %s |%n", starts.summary(0));
        System.out.printf("| the slowest start | %,d (%s, started at %,d ms) |%n", slowest.took(), slowest.host(), slowest.startedAt());
        System.out.printf("| **first start → all %d Up as n1 sees them** | **%,d** |%n", n, cluster.formedMs());
        System.out.printf("| CPU of this JVM during formation | %,d |%n", formCpu / 1_000_000);
        System.out.printf("(load %s)%n", SteadyState.load());
    }

    /** Each live thread's CPU so far, ns, by thread id. */
    private static Map<Long, Long> threadCpu() {
        var mx = ManagementFactory.getThreadMXBean();
        Map<Long, Long> cpu = new java.util.HashMap<>();
        for (long id : mx.getAllThreadIds()) {
            long c = mx.getThreadCpuTime(id);
            if (c >= 0) cpu.put(id, c);
        }
        return cpu;
    }

    /**
     * The CPU of each kind of thread since {@code before} (its name with the digits taken out: every node's threads of
     * one kind together), ms per second of {@code seconds}; threads that ended in between are not counted.
     */
    private static Map<String, Double> byThread(Map<Long, Long> before, double seconds) {
        var mx = ManagementFactory.getThreadMXBean();
        Map<String, Double> by = new java.util.HashMap<>();
        for (var e : threadCpu().entrySet()) {
            var info = mx.getThreadInfo(e.getKey());
            if (info == null) continue;
            String kind = info.getThreadName().replaceAll("[0-9]+", "#");
            by.merge(kind, (e.getValue() - before.getOrDefault(e.getKey(), 0L)) / 1e6 / seconds, Double::sum);
        }
        return by;
    }

    /** This JVM's CPU over {@code seconds} of doing nothing, in ms per second. */
    private static double idleCpu(int seconds) throws InterruptedException {
        long c = BenchPool.jvmCpu(), t = System.nanoTime();
        Thread.sleep(seconds * 1000L); // the measured idle period
        return (BenchPool.jvmCpu() - c) / 1e6 / ((System.nanoTime() - t) / 1e9);
    }

    private static int sum(Map<String, Integer> m) {
        return m.values().stream().mapToInt(Integer::intValue).sum();
    }
}
