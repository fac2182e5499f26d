package zed.chaos.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.PlanRunner;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.store.Command;
import zed.reconciler.store.Observation;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.ZfsStore;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The state store on a real pool ({@code ZED_TEST_POOL}, made by scripts/test-pool.sh), each beside its floor:
 * observing 1,000 datasets in one recursive read against one {@code zfs get} per dataset; creating and stamping
 * 200 datasets with Zed against a plain shell loop of {@code zfs create -o ...}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1)
@Measurement(iterations = 5)
@Fork(1)
public class StoreBenchmark {
    static final int OBSERVED = 1000;
    static final int CREATED = 200;

    private final Command command = new ProcessCommand();
    private ZfsStore store;
    private String pool;
    private String observeRoot;
    private String createRoot;
    private LevelSpec level;
    private int round;

    private Command.Result run(String... argv) {
        return command.run(List.of(argv), Duration.ofMinutes(10), "bench");
    }

    @Setup(Level.Trial)
    public void setUp() {
        pool = System.getenv("ZED_TEST_POOL");
        if (pool == null) throw new IllegalStateException("run scripts/test-pool.sh up and export ZED_TEST_POOL");
        store = ZfsStore.probe(command, pool);
        observeRoot = pool + "/bench-observe";
        if (!store.exists(observeRoot)) {
            // never mounted: the read is what is measured, and unmounted datasets are quick to make and remove
            store.create(observeRoot, Map.of("canmount", "off", "mountpoint", "none"));
            for (int i = 0; i < OBSERVED; i++) {
                Map<String, String> props = new HashMap<>(stamp(i));
                props.put("canmount", "off");
                store.create(observeRoot + "/d" + i, props);
            }
        }
        List<LevelSpec.DatasetSpec> ds = new ArrayList<>();
        for (int i = 0; i < CREATED; i++) ds.add(new LevelSpec.DatasetSpec("d" + i, null, Map.of("compression", "on"), new Pos("Zedfile", 1, 1)));
        level = new LevelSpec("bench", "bench", null, "Zedfile", "/", null, pool, List.of(), LevelSpec.SnapshotPolicy.DEFAULT, LevelSpec.UpdatePolicy.DEFAULT,
                ds, List.of(), List.of(), List.of(), List.of(), "0", new Pos("Zedfile", 1, 1));
    }

    private static Map<String, String> stamp(int i) {
        return Map.of(Planner.MANAGED, "true", Planner.LEVEL, "bench", Planner.REV, "1", Planner.SPEC_HASH, "0123456789abcdef",
                Planner.DEPLOYED_AT, "2026-11-26T10:00:00Z", Planner.DEPLOYED_BY, "bench@h", "compression", "on");
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        run("zfs", "destroy", "-r", observeRoot);
    }

    // ---- observing 1,000 datasets ----------------------------------------------------------------------------

    @Benchmark
    public Map<String, Observation> observe1000Batched() {
        return store.observe(observeRoot, Set.of("compression"));
    }

    /** Baseline: what observing would cost without batching, one {@code zfs get} per dataset. */
    @Benchmark
    public int observe1000OneGetPerDataset() {
        int n = 0;
        String props = String.join(",", ZfsStore.OBSERVED) + ",compression";
        for (int i = 0; i < OBSERVED; i++) {
            n += run("zfs", "get", "-H", "-p", "-o", "name,property,value,source", props, observeRoot + "/d" + i).stdout().length();
        }
        return n;
    }

    // ---- creating and stamping 200 datasets --------------------------------------------------------------------

    @Setup(Level.Invocation)
    public void freshCreateRoot() {
        createRoot = pool + "/bench-create-" + (round++);
        store.create(createRoot, Map.of());
    }

    @TearDown(Level.Invocation)
    public void removeCreateRoot() {
        for (int i = 0; i < CREATED; i++) {
            if (store.exists(createRoot + "/d" + i)) store.destroy(createRoot + "/d" + i);
        }
        store.destroy(createRoot);
    }

    /** Floor: a shell loop of {@code zfs create -o ...} with the same properties and stamp. */
    @Benchmark
    public int create200ShellLoop() {
        String script = "for i in $(seq 0 " + (CREATED - 1) + "); do zfs create -o compression=on -o com.zed:managed=true -o com.zed:level=bench"
                + " -o com.zed:spec-hash=0123456789abcdef -o com.zed:properties=compression -o com.zed:deployed_at=2026-11-26T10:00:00Z"
                + " -o com.zed:deployed_by=bench@h -o com.zed:rev=1 " + createRoot + "/d$i || exit 1; done";
        Command.Result r = run("bash", "-c", script);
        if (!r.ok()) throw new IllegalStateException(r.stderr());
        return r.exit();
    }

    /** Zed's apply of a plan that creates the 200 datasets (observe and plan not counted). */
    @Benchmark
    public PlanRunner.Report create200ZedApply() {
        Plan plan = Planner.plan(level, "zfs", createRoot, Map.of(createRoot, new Observation(createRoot, Map.of())), new Stamp(1, "2026-11-26T10:00:00Z", "bench@h"));
        PlanRunner.Report r = PlanRunner.apply(plan, store);
        if (!r.ok()) throw r.failure();
        return r;
    }

    /** The whole converge: observe, plan, apply, observe again to verify. */
    @Benchmark
    public Convergence.Result create200ZedConverge() {
        Convergence.Result r = Convergence.converge(level, store, createRoot, new Stamp(1, "2026-11-26T10:00:00Z", "bench@h"));
        if (!r.converged()) throw new IllegalStateException(r.report().toString());
        return r;
    }
}
