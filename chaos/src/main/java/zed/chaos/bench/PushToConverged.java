package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.PlanRunner;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.store.Observation;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Benchmark 1: from a PUT of a level (N datasets, M exec services) to its status saying Converged at that revision,
 * on zfs-fuse, each trial on fresh datasets. In the same trial, the storage floor: the same datasets made with their
 * properties and stamp by a shell loop of {@code zfs create -o ...}, plus M sleep loops started; and, for reference,
 * Zed's store apply alone ({@code PlanRunner.apply} of the plan that creates them, no node).
 */
final class PushToConverged {
    private PushToConverged() {
    }

    static void run(BenchPool pool, int datasets, int services, int warmups, int trials) throws Exception {
        Trials floor = new Trials(), apply = new Trials(), zedDatasets = new Trials(), zed = new Trials();
        ZfsStore store = ZfsStore.probe(new ProcessCommand(), pool.pool);
        try (BenchNode node = BenchNode.start()) {
            for (int t = 0; t < warmups + trials; t++) {
                boolean measured = t >= warmups;
                double f = floor(pool, "floor-" + t, datasets, services);
                String applied = pool.fresh("apply-" + t);
                double a = apply(store, applied, datasets);
                BenchPool.destroy(applied);

                double[] z = zed(node, pool, "push-" + t, datasets, services);
                System.out.printf("%s %d: floor %.0f ms, store apply %.0f ms, zed datasets %.0f ms, zed converged %.0f ms%n",
                        measured ? "trial" : "warm-up", t, f, a, z[0], z[1]);
                if (!measured) continue;
                floor.add(f);
                apply.add(a);
                zedDatasets.add(z[0]);
                zed.add(z[1]);
            }
        }
        double base = floor.median();
        System.out.printf("%n### Push to Converged: %d datasets, %d services (%d trials, ms, median (min–max))%n%n", datasets, services, trials);
        System.out.println("| | ms | vs. floor |");
        System.out.println("|---|---|---|");
        System.out.printf("| floor: shell loop of `zfs create -o ...` (%d), then %d `setsid sh -c 'while ...'` | %s | 1× |%n", datasets, services, floor.summary(0));
        System.out.printf("| Zed's store apply alone (`PlanRunner.apply`, no node, no services) | %s | %.2f× |%n", apply.summary(0), apply.median() / base);
        System.out.printf("| Zed node: PUT → first service reported (datasets applied) | %s | %.2f× |%n", zedDatasets.summary(0), zedDatasets.median() / base);
        System.out.printf("| Zed node: PUT → status Converged at that revision | %s | %.2f× |%n", zed.summary(0), zed.median() / base);
    }

    /** The storage floor, in ms: one bash loop of zfs create with every property and the whole stamp, then M sleep loops. */
    static double floor(BenchPool pool, String name, int datasets, int services) {
        String root = pool.fresh(name);
        String script = "for i in $(seq 0 " + (datasets - 1) + "); do zfs create -o compression=on -o " + BenchLevel.TIER + "=gold"
                + " -o com.zed:managed=true -o com.zed:level=floor -o com.zed:spec-hash=0123456789abcdef"
                + " -o com.zed:properties=" + BenchLevel.TIER + ",compression -o com.zed:deployed_at=2026-11-26T10:00:00Z"
                + " -o com.zed:deployed_by=bench@h -o com.zed:rev=1 " + root + "/d$i || exit 1; done;"
                + " for j in $(seq 1 " + services + "); do setsid sh -c 'while true; do sleep 1; done' </dev/null >/dev/null 2>&1 & echo $!; done";
        long t0 = System.nanoTime();
        String pids = BenchPool.run(List.of("bash", "-c", script));
        double ms = (System.nanoTime() - t0) / 1e6;
        for (String pid : pids.strip().split("\\s+")) if (!pid.isEmpty()) killGroup(pid);
        BenchPool.destroy(root);
        return ms;
    }

    /** Stops a sleep loop and its sleep; its process group exists only once setsid has run, so try again briefly. */
    private static void killGroup(String pid) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (true) {
            try {
                BenchPool.run(List.of("kill", "-TERM", "--", "-" + pid));
                return;
            } catch (IllegalStateException e) {
                if (System.nanoTime() > deadline) throw e;
                BenchPool.sleep(20); // the retry interval of a deadline wait
            }
        }
    }

    /** Zed's apply of the plan that creates the datasets under {@code root}, in ms (observe and plan not counted). */
    static double apply(ZfsStore store, String root, int datasets) {
        List<LevelSpec.DatasetSpec> ds = new ArrayList<>();
        Pos p = new Pos("Zedfile", 1, 1);
        for (int i = 0; i < datasets; i++) ds.add(new LevelSpec.DatasetSpec("d" + i, null, Map.of(BenchLevel.TIER, "gold", "compression", "on"), p));
        LevelSpec level = new LevelSpec("apply", "apply", null, "Zedfile", "/", null, root, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, ds, List.of(), List.of(), List.of(), List.of(), "0", p);
        Map<String, Observation> seen = new java.util.HashMap<>(); // the root and its ancestors exist
        for (String d = root; d.contains("/"); d = d.substring(0, d.lastIndexOf('/'))) seen.put(d, new Observation(d, Map.of()));
        Plan plan = Planner.plan(level, "zfs", root, seen, new Stamp(1, "2026-11-26T10:00:00Z", "bench@h"));
        long t0 = System.nanoTime();
        PlanRunner.Report r = PlanRunner.apply(plan, store);
        double ms = (System.nanoTime() - t0) / 1e6;
        if (!r.ok()) throw r.failure();
        return ms;
    }

    /** A push of a fresh level on fresh datasets: {ms until the first service reports (datasets done), ms until Converged}. */
    static double[] zed(BenchNode node, BenchPool pool, String id, int datasets, int services) throws Exception {
        String root = pool.fresh(id);
        String source = BenchLevel.source(id, root, datasets, services, true);
        long t0 = System.nanoTime();
        long rev = node.push(id, source);
        double first = Double.NaN;
        JsonNode s;
        while (true) {
            s = node.status(id);
            if (Double.isNaN(first)) {
                for (JsonNode r : s.path("resources")) if (r.path("kind").asText().equals("service")) first = (System.nanoTime() - t0) / 1e6;
            }
            if (BenchNode.converged(s, rev)) break;
            if (s.path("state").asText().equals("Failed")) throw new IllegalStateException(id + " failed: " + s);
            if (System.nanoTime() - t0 > 600e9) throw new IllegalStateException(id + " did not converge in 10 minutes: " + s);
            Thread.sleep(20); // polling interval: the resolution of the measurement
        }
        double done = (System.nanoTime() - t0) / 1e6;
        if (services == 0) first = done;
        node.stop(id);
        BenchNode.quiet();
        BenchPool.destroy(root);
        return new double[]{first, done};
    }
}
