package zed.chaos.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The node's end-to-end benchmarks (issue 5), each printed as a markdown table beside a baseline measured in the same
 * run. Not JMH: each is seconds to minutes of real processes, so repeated trials with their median and spread.
 *
 * <pre>
 *   NodeBenchmarks push   [datasets=100] [services=10] [warmups=1] [trials=5]
 *   NodeBenchmarks sweep  [datasets=1000] [seconds=90] [idle=30] [reads=10] [drifts=20]
 *   NodeBenchmarks drift  [datasets=100] [seconds=30] [reads=10] [drifts=20]
 *   NodeBenchmarks memory [actors=10000] [perLevel=100] [rounds=3]
 *   ZED_BENCH_JARS=before=A.jar,after=B.jar NodeBenchmarks idle [services=10] [seconds=60] [settle=10]
 *   NodeBenchmarks cluster [nodes=50] [parallel=1] [trials=5] [rest=75] [idle=10] [rollouts=3]
 *   NodeBenchmarks failover [trials=3] [datasets=5] [defaults=1] [delay=0]
 *   NodeBenchmarks rollout [trials=3] [datasets=20] [services=2]
 * </pre>
 * <p>All but memory need the zfs-fuse test pool ({@code ZED_TEST_POOL}, default zedtest) and work under their own
 * {@code <pool>/bench-<random>}, destroyed at the end. Run them with {@code scripts/bench-node.sh}. sweep's seconds
 * are split into 15 s phases of today's sweeps and of before issue 10's (21 properties), taking turns, when
 * bench-node.sh's zfs wrapper is there ({@link SteadyState#oldSweepFlag()}). cluster (issue 11, {@link ClusterFormation})
 * needs no pool but PostgreSQL ({@code ZED_TEST_POSTGRES_URL}); run it with {@code scripts/bench-cluster.sh}.
 */
public final class NodeBenchmarks {
    private NodeBenchmarks() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("usage: NodeBenchmarks push|sweep|drift|memory|idle|cluster [key=value ...]");
        Map<String, Integer> o = new HashMap<>();
        for (int i = 1; i < args.length; i++) {
            String[] kv = args[i].split("=", 2);
            if (kv.length != 2) throw new IllegalArgumentException("not key=value: " + args[i]);
            o.put(kv[0], Integer.parseInt(kv[1]));
        }
        System.out.printf("# %s on %d cores, %s %s, %s%n", args[0], Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.name"),
                System.getProperty("java.version"), java.time.LocalDate.now());
        switch (args[0]) {
            case "memory" -> ActorMemory.run(o.getOrDefault("actors", 10_000), o.getOrDefault("perLevel", 100), o.getOrDefault("rounds", 3));
            case "push" -> {
                try (BenchPool pool = BenchPool.open()) {
                    PushToConverged.run(pool, o.getOrDefault("datasets", 100), o.getOrDefault("services", 10), o.getOrDefault("warmups", 1),
                            o.getOrDefault("trials", 5));
                }
            }
            case "sweep" -> {
                try (BenchPool pool = BenchPool.open()) {
                    SteadyState.run(pool, o.getOrDefault("datasets", 1000), o.getOrDefault("seconds", 90), o.getOrDefault("idle", 30),
                            o.getOrDefault("reads", 10), o.getOrDefault("drifts", 20), true);
                }
            }
            case "drift" -> {
                try (BenchPool pool = BenchPool.open()) {
                    SteadyState.run(pool, o.getOrDefault("datasets", 100), o.getOrDefault("seconds", 30), 0, o.getOrDefault("reads", 10),
                            o.getOrDefault("drifts", 20), false);
                }
            }
            case "idle" -> {
                // ZED_BENCH_JARS: label=jar,label=jar; the first is the baseline (scripts/bench-idle.sh builds them)
                java.util.Map<String, java.nio.file.Path> jars = new java.util.LinkedHashMap<>();
                for (String kv : System.getenv().getOrDefault("ZED_BENCH_JARS", "").split(",")) {
                    String[] p = kv.split("=", 2);
                    if (p.length == 2) jars.put(p[0], java.nio.file.Path.of(p[1]));
                }
                if (jars.isEmpty()) throw new IllegalArgumentException("ZED_BENCH_JARS=label=jar,... names the nodes to compare");
                try (BenchPool pool = BenchPool.open()) {
                    IdleServices.run(pool, jars, o.getOrDefault("services", 10), o.getOrDefault("seconds", 60), o.getOrDefault("settle", 10));
                }
            }
            case "cluster" -> ClusterFormation.run(o.getOrDefault("nodes", 50), o.getOrDefault("parallel", 1), o.getOrDefault("trials", 5),
                    o.getOrDefault("rest", 75), o.getOrDefault("idle", 10), o.getOrDefault("rollouts", 3));
            case "failover" -> {
                List<FailoverTime.Result> results = new java.util.ArrayList<>();
                for (var c : FailoverTime.configurations(o.getOrDefault("defaults", 1) == 1, o.getOrDefault("delay", 0)).entrySet()) {
                    results.add(FailoverTime.run(java.nio.file.Path.of("bin/zed").toAbsolutePath(), c.getKey(), c.getValue(), o.getOrDefault("trials", 3),
                            o.getOrDefault("datasets", 5)));
                }
                FailoverTime.print(results);
            }
            case "rollout" -> RolloutTime.run(java.nio.file.Path.of("bin/zed").toAbsolutePath(), o.getOrDefault("trials", 3), o.getOrDefault("datasets", 20),
                    o.getOrDefault("services", 2));
            default -> throw new IllegalArgumentException("no benchmark " + args[0] + "; push, sweep, drift, memory, idle, cluster, failover or rollout");
        }
        System.exit(0); // the node's and Kamon's non-daemon threads
    }
}
