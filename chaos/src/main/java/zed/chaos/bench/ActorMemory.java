package zed.chaos.bench;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import zed.actors.resource.DatasetActor;
import zed.actors.resource.DatasetFence;
import zed.actors.resource.PoolObserver;
import zed.actors.telemetry.ZedMetrics;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.dataset.Step;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;

import java.lang.management.ManagementFactory;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Benchmark 4: heap per resource actor. In one JVM, N DatasetActors (L levels of N/L datasets, as a node spawns them)
 * each holding its Desired, watched by one real PoolObserver whose store answers every dataset as already converged
 * (an in-memory pool), so that every actor has planned once, found nothing to do and reported "converged": the
 * steady state of a node. Heap is MemoryMXBean's used heap after System.gc() settles, measured before anything, after
 * the specs alone, and after the actors.
 *
 * <p>Baseline: the same specs (LevelSpec with its DatasetSpecs) held by N plain objects (the Desired records alone,
 * in an array), no actors: the difference is what the actors, their mailboxes, adapters and the observer's watch
 * entries cost.
 */
final class ActorMemory {
    private ActorMemory() {
    }

    static final String POOL = "mem";

    static void run(int actors, int perLevel, int rounds) throws Exception {
        List<double[]> results = new ArrayList<>();
        for (int r = 0; r < rounds; r++) results.add(round(actors, perLevel));
        System.out.printf("%n### Heap with %,d DatasetActors (%d levels of %d; %d rounds in one JVM, bytes per dataset, median (min–max))%n%n",
                actors, actors / perLevel, perLevel, rounds);
        Trials plain = new Trials(), withActors = new Trials(), overhead = new Trials();
        for (double[] x : results) {
            plain.add(x[0]);
            withActors.add(x[1]);
            overhead.add(x[1] - x[0]);
        }
        System.out.println("| | bytes per dataset | vs. baseline |");
        System.out.println("|---|---|---|");
        System.out.printf("| baseline: the specs held by plain objects (a Desired record each, no actor) | %s | 1× |%n", plain.summary(0));
        System.out.printf("| a DatasetActor holding the same, watched by the PoolObserver, converged | %s | %.1f× |%n", withActors.summary(0),
                withActors.median() / plain.median());
        System.out.printf("| the actor's own share (difference) | %s | |%n", overhead.summary(0));
        System.out.printf("%nfor %,d datasets: %.1f MiB with actors, %.1f MiB of it the specs%n", actors,
                withActors.median() * actors / (1 << 20), plain.median() * actors / (1 << 20));
    }

    /** One round in a fresh ActorSystem: {bytes per dataset of the plain objects, bytes per dataset with actors}. */
    private static double[] round(int actors, int perLevel) throws Exception {
        int levels = actors / perLevel;
        Map<String, Observation> pool = converged(levels(levels, perLevel));
        AtomicInteger writes = new AtomicInteger();
        Store store = store(pool, writes);
        ExecutorService blocking = Executors.newFixedThreadPool(2);
        AtomicInteger convergedCount = new AtomicInteger();
        CountDownLatch allConverged = new CountDownLatch(actors);
        Behavior<Object> guardian = Behaviors.setup(ctx -> {
            ActorRef<DatasetActor.Report> reports = ctx.spawn(Behaviors.receiveMessage(rep -> {
                if (rep.state().equals("converged") && convergedCount.incrementAndGet() <= actors) allConverged.countDown();
                return Behaviors.same();
            }), "level");
            // one sweep an hour: after the sweeps that the actors' first Desired ask for, the pool is quiet
            ActorRef<PoolObserver.Msg> observer = ctx.spawn(PoolObserver.create(store, POOL, blocking, Duration.ofHours(1), ZedMetrics.noop()), "pool-observer");
            return Behaviors.receiveMessage(m -> {
                if (m instanceof Spawn s) {
                    for (int i = 0; i < s.desired().length; i++) {
                        DatasetActor.Desired d = s.desired()[i];
                        ActorRef<DatasetActor.Msg> a = ctx.spawn(DatasetActor.create(store, POOL, blocking, observer, s.fences()[i / perLevel], reports, ZedMetrics.noop()),
                                "dataset-" + d.dataset().name());
                        a.tell(d);
                    }
                }
                return Behaviors.same();
            });
        });
        ActorSystem<Object> system = ActorSystem.create(guardian, "memory",
                ConfigFactory.parseString("pekko.loglevel = WARNING\npekko.actor.provider = local").withFallback(ConfigFactory.load()));
        try {
            BenchPool.sleep(1000);
            long h0 = settledHeap();
            List<LevelSpec> specs = levels(levels, perLevel);
            DatasetActor.Desired[] desired = new DatasetActor.Desired[actors];
            DatasetFence[] fences = new DatasetFence[levels];
            int k = 0;
            for (int l = 0; l < levels; l++) {
                fences[l] = new DatasetFence();
                for (LevelSpec.DatasetSpec d : specs.get(l).datasets()) desired[k++] = new DatasetActor.Desired(1, specs.get(l), d, fences[l].epoch());
            }
            long h1 = settledHeap();
            String before = histogram();
            system.tell(new Spawn(desired, fences));
            if (!allConverged.await(5, TimeUnit.MINUTES)) throw new IllegalStateException("only " + convergedCount.get() + " actors converged");
            BenchPool.sleep(1000);
            long h2 = settledHeap();
            if (writes.get() > 0) throw new IllegalStateException(writes.get() + " writes: the in-memory pool did not look converged to the actors");
            System.out.printf("round: heap %,d → specs %,d → actors %,d bytes (%d converged reports)%n", h0, h1, h2, convergedCount.get());
            String after = histogram();
            if (before != null && after != null) printGrowth(before, after, actors);
            if (desired.length != actors || specs.size() != levels) throw new AssertionError(); // keeps both reachable until here
            return new double[]{(h1 - h0) / (double) actors, (h2 - h0) / (double) actors};
        } finally {
            system.terminate();
            system.getWhenTerminated().toCompletableFuture().get(1, TimeUnit.MINUTES);
            blocking.shutdownNow();
        }
    }

    record Spawn(DatasetActor.Desired[] desired, DatasetFence[] fences) {
    }

    /** L levels of n datasets each, named {@code l<j>-d<i>} (flat, so no containers), as the bench level declares them. */
    static List<LevelSpec> levels(int levels, int n) {
        List<LevelSpec> out = new ArrayList<>();
        for (int l = 0; l < levels; l++) {
            Pos p = new Pos("Zedfile", 1, 1);
            List<LevelSpec.DatasetSpec> ds = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                ds.add(new LevelSpec.DatasetSpec("l" + l + "-d" + i, null, Map.of(BenchLevel.TIER, "gold", "compression", "on"), new Pos("Zedfile", 4 + 3 * i, 1)));
            }
            out.add(new LevelSpec("l" + l, "l" + l, null, "Zedfile", "/srv/l" + l, null, POOL, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                    LevelSpec.UpdatePolicy.DEFAULT, ds, List.of(), List.of(), List.of(), List.of(), "0123456789abcdef", p));
        }
        return out;
    }

    /** What a pool holding these levels, converged at revision 1, reads as: each create step's properties, set locally, mounted. */
    static Map<String, Observation> converged(List<LevelSpec> levels) {
        Map<String, Observation> seen = new LinkedHashMap<>();
        seen.put(POOL, new Observation(POOL, Map.of("mounted", new Observation.Prop("yes", "-"))));
        for (LevelSpec l : levels) {
            Plan plan = Planner.plan(l, "zfs", POOL, seen, new Stamp(1, "2026-11-26T10:00:00Z", "bench@h"));
            for (Step s : plan.steps()) {
                Step.Create c = (Step.Create) s;
                Map<String, Observation.Prop> props = new HashMap<>();
                c.properties().forEach((k, v) -> props.put(k, new Observation.Prop(v, "local")));
                c.stamp().forEach((k, v) -> props.put(k, new Observation.Prop(v, "local")));
                props.put("mounted", new Observation.Prop("yes", "-"));
                props.put("mountpoint", new Observation.Prop("/" + c.dataset(), "default"));
                seen.put(c.dataset(), new Observation(c.dataset(), props));
            }
        }
        return seen;
    }

    /** A pool in memory: every read answers {@code seen}; a write is counted (and must not happen). */
    static Store store(Map<String, Observation> seen, AtomicInteger writes) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[]{Store.class}, (proxy, method, args) -> switch (method.getName()) {
            case "kind" -> "zfs";
            case "observe" -> seen;
            case "exists" -> seen.containsKey((String) args[0]);
            case "toString" -> "in-memory pool";
            case "hashCode" -> System.identityHashCode(proxy);
            case "equals" -> proxy == args[0];
            default -> {
                writes.incrementAndGet();
                throw new UnsupportedOperationException(method.getName());
            }
        });
    }

    /** Used heap after full collections, once two readings agree within 64 KiB (at most 10 tries; the lowest). */
    static long settledHeap() {
        long best = Long.MAX_VALUE, last = -1;
        for (int i = 0; i < 10; i++) {
            System.gc();
            BenchPool.sleep(200);
            long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            best = Math.min(best, used);
            if (last >= 0 && Math.abs(used - last) < 64 * 1024) break;
            last = used;
        }
        return best;
    }

    /** {@code jcmd <self> GC.class_histogram}, or null where jcmd is missing. */
    static String histogram() {
        try {
            return BenchPool.run(List.of("jcmd", String.valueOf(ProcessHandle.current().pid()), "GC.class_histogram"));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The classes that grew most between two histograms, in bytes per actor. */
    static void printGrowth(String before, String after, int actors) {
        Map<String, long[]> b = parse(before), a = parse(after);
        List<Map.Entry<String, long[]>> grown = new ArrayList<>();
        a.forEach((cls, v) -> {
            long[] w = b.getOrDefault(cls, new long[2]);
            grown.add(Map.entry(cls, new long[]{v[0] - w[0], v[1] - w[1]}));
        });
        grown.sort((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1]));
        System.out.println("largest growth with the actors (instances and bytes per actor):");
        for (Map.Entry<String, long[]> e : grown.subList(0, Math.min(15, grown.size()))) {
            System.out.printf("  %6.2f  %7.1f B  %s%n", e.getValue()[0] / (double) actors, e.getValue()[1] / (double) actors, e.getKey());
        }
    }

    private static Map<String, long[]> parse(String histogram) {
        Map<String, long[]> m = new HashMap<>();
        for (String line : histogram.split("\n")) {
            String[] f = line.trim().split("\\s+");
            if (f.length < 4 || !f[0].endsWith(":")) continue;
            m.put(f[3], new long[]{Long.parseLong(f[1]), Long.parseLong(f[2])});
        }
        return m;
    }
}
