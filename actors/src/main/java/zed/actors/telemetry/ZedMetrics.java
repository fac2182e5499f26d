package zed.actors.telemetry;

import kamon.Kamon;
import kamon.metric.DynamicRange;
import kamon.tag.TagSet;
import zed.reconciler.health.Probe;
import zed.reconciler.health.ProbeResult;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the node records, in its own words; the only place that knows Kamon's metric names. Get one from
 * {@link Telemetry#metrics()} (or {@link #noop()} where nothing is exported). Thread-safe; every call is cheap (a
 * map lookup and an atomic add), so actors call it inline.
 *
 * <p>Kamon names are dotted; the Prometheus reporter turns dots into underscores, appends {@code _total} to counters
 * and {@code _seconds} to timers. The exported names are in the comments below and in docs/metrics.md.
 */
public final class ZedMetrics {
    /** Counter {@code zed_converges_total{level, result}}. */
    public static final String CONVERGES = "zed.converges";
    /** Histogram {@code zed_converge_duration_seconds{level}}. */
    public static final String CONVERGE_DURATION = "zed.converge.duration";
    /** Counter {@code zed_reconcile_ticks_total{kind, result}}. */
    public static final String RECONCILE_TICKS = "zed.reconcile.ticks";
    /** Histogram {@code zed_reconcile_tick_duration_seconds{kind}}. */
    public static final String RECONCILE_TICK_DURATION = "zed.reconcile.tick.duration";
    /** Counter {@code zed_drift_corrections_total{kind}}. */
    public static final String DRIFT_CORRECTIONS = "zed.drift.corrections";
    /** Counter {@code zed_probes_total{kind, result}}. */
    public static final String PROBES = "zed.probes";
    /** Histogram {@code zed_probe_latency_seconds{kind}}. */
    public static final String PROBE_LATENCY = "zed.probe.latency";
    /** Counter {@code zed_pool_sweeps_total{result}}: batched reads of a pool by its PoolObserver. */
    public static final String POOL_SWEEPS = "zed.pool.sweeps";
    /** Histogram {@code zed_pool_sweep_duration_seconds}. */
    public static final String POOL_SWEEP_DURATION = "zed.pool.sweep.duration";
    /** Counter {@code zed_checkpoints_total{level, result}}: checkpoints jobs posted, by result (taken, refused, failed). */
    public static final String CHECKPOINTS = "zed.checkpoints";
    /** Gauge {@code zed_resources{kind, state}}. */
    public static final String RESOURCES = "zed.resources";

    /** Histogram buckets (upper bounds, seconds) of {@code zed_converge_duration_seconds}. */
    public static final List<Double> CONVERGE_BUCKETS = List.of(0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0);
    /** Histogram buckets (upper bounds, seconds) of {@code zed_reconcile_tick_duration_seconds}. */
    public static final List<Double> RECONCILE_TICK_BUCKETS = List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0);
    /** Histogram buckets (upper bounds, seconds) of {@code zed_probe_latency_seconds}. */
    public static final List<Double> PROBE_BUCKETS = List.of(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0);

    /** The longest converge the histogram tracks; longer ones count as this. */
    static final Duration CONVERGE_MAX = Duration.ofDays(7);
    /**
     * Given in code, not as {@code kamon.metric.factory.custom-settings}: Kamon 2.7.7 rebuilds its metric factory
     * from the classpath configuration when {@code init} binds its scheduler, so custom settings passed to
     * {@code Kamon.init(config)} are lost.
     */
    private static final DynamicRange CONVERGE_RANGE = DynamicRange.Default().upTo(CONVERGE_MAX.toNanos());
    /** Kamon's default highest trackable value for timers. */
    static final Duration DEFAULT_MAX = Duration.ofHours(1);

    private static final ZedMetrics NOOP = new ZedMetrics(false);

    private volatile boolean live;
    /** resource → what it last said it was; guarded by itself. */
    private final Map<String, Tracked> resources = new HashMap<>();

    private record Tracked(ResourceKind kind, ResourceState state) {
    }

    private ZedMetrics(boolean live) {
        this.live = live;
    }

    /** Records nothing: for components running without telemetry (tests, tools). */
    public static ZedMetrics noop() {
        return NOOP;
    }

    /** A live one; every label combination that does not name a level shows from the start, at 0. */
    static ZedMetrics started() {
        ZedMetrics m = new ZedMetrics(true);
        for (ResourceKind kind : ResourceKind.values()) {
            for (TickResult r : TickResult.values()) Kamon.counter(RECONCILE_TICKS, "Reconcile ticks of resources, by resource kind and result").withTags(tags("kind", kind.label(), "result", r.label()));
            Kamon.counter(DRIFT_CORRECTIONS, "Drift corrected on resources (actual state put back to the declared one), by resource kind").withTag("kind", kind.label());
            for (ResourceState s : ResourceState.values()) resourceGauge(kind, s).update(0);
        }
        for (ProbeKind kind : ProbeKind.values())
            for (boolean passed : new boolean[]{true, false}) probeCounter(kind, passed);
        return m;
    }

    /** Stops recording: whatever the node's actors still say after its telemetry closed must not leak into the next. */
    void close() {
        live = false;
    }

    /**
     * One converge of a level ended: counts it by result and records how long it took (from ConvergeStarted to
     * Converged/ConvergeFailed, or to the newer revision that superseded it).
     */
    public void converge(String level, ConvergeResult result, Duration took) {
        Objects.requireNonNull(result, "result");
        if (!live) return;
        String l = label(level);
        Kamon.counter(CONVERGES, "Converges of levels that ended, by level and result").withTags(tags("level", l, "result", result.label())).increment();
        Kamon.timer(CONVERGE_DURATION, "How long converges of levels took, by level", CONVERGE_RANGE).withTag("level", l).record(nanos(took, CONVERGE_MAX));
    }

    /** One reconcile tick (observe, diff, apply, verify) of one resource ended. */
    public void reconcileTick(ResourceKind kind, TickResult result, Duration took) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(result, "result");
        if (!live) return;
        Kamon.counter(RECONCILE_TICKS, "Reconcile ticks of resources, by resource kind and result").withTags(tags("kind", kind.label(), "result", result.label())).increment();
        Kamon.timer(RECONCILE_TICK_DURATION, "How long reconcile ticks took, by resource kind").withTag("kind", kind.label()).record(nanos(took, DEFAULT_MAX));
    }

    /** One batched read of a pool (every managed dataset in one call) ended. */
    public void poolSweep(boolean ok, Duration took) {
        if (!live) return;
        Kamon.counter(POOL_SWEEPS, "Batched reads of a pool by its observer, by result").withTag("result", ok ? "ok" : "failed").increment();
        Kamon.timer(POOL_SWEEP_DURATION, "How long a batched read of a pool took").withoutTags().record(nanos(took, DEFAULT_MAX));
    }

    /**
     * A job posted a checkpoint: {@code taken} (the snapshot exists), {@code refused} (its body or step, a 400 or 409)
     * or {@code failed} (the store failed, a 503).
     */
    public void checkpoint(String level, String result) {
        Objects.requireNonNull(result, "result");
        if (!live) return;
        Kamon.counter(CHECKPOINTS, "Checkpoints posted by jobs, by level and result").withTags(tags("level", label(level), "result", result)).increment();
    }

    /** A resource's actual state had drifted from the declared one and a tick put it back. */
    public void driftCorrected(ResourceKind kind) {
        Objects.requireNonNull(kind, "kind");
        if (!live) return;
        Kamon.counter(DRIFT_CORRECTIONS, "Drift corrected on resources (actual state put back to the declared one), by resource kind").withTag("kind", kind.label()).increment();
    }

    /** One health probe ran: counts it by kind and result ({@code passed}/{@code failed}) and records its latency. */
    public void probe(ProbeKind kind, boolean passed, Duration latency) {
        Objects.requireNonNull(kind, "kind");
        if (!live) return;
        probeCounter(kind, passed).increment();
        Kamon.timer(PROBE_LATENCY, "How long health probes took to answer, by probe kind").withTag("kind", kind.label()).record(nanos(latency, DEFAULT_MAX));
    }

    /** {@link #probe(ProbeKind, boolean, Duration)} for a probe the reconciler ran and its answer. */
    public void probe(Probe probe, ProbeResult result, Duration latency) {
        probe(ProbeKind.of(probe), result.ok(), latency);
    }

    /**
     * A resource says where it stands now; {@code zed_resources} counts resources by kind and state. {@code resource}
     * names it uniquely on the node (e.g. {@code "<level>/<kind>/<name>"}); a resource that changes kind under the
     * same name moves.
     */
    public void resourceState(String resource, ResourceKind kind, ResourceState state) {
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(state, "state");
        if (!live) return;
        synchronized (resources) {
            Tracked before = resources.put(resource, new Tracked(kind, state));
            publish(kind);
            if (before != null && before.kind() != kind) publish(before.kind());
        }
    }

    /** A resource is gone (removed from its level's spec, or its level was deleted): it no longer counts. */
    public void resourceRemoved(String resource) {
        Objects.requireNonNull(resource, "resource");
        if (!live) return;
        synchronized (resources) {
            Tracked before = resources.remove(resource);
            if (before != null) publish(before.kind());
        }
    }

    /** How many resources of a kind are in each state, as {@code zed_resources} shows (after the next tick). */
    public Map<ResourceState, Integer> resources(ResourceKind kind) {
        Map<ResourceState, Integer> counts = new EnumMap<>(ResourceState.class);
        for (ResourceState s : ResourceState.values()) counts.put(s, 0);
        synchronized (resources) {
            for (Tracked t : resources.values()) if (t.kind() == kind) counts.merge(t.state(), 1, Integer::sum);
        }
        return counts;
    }

    private void publish(ResourceKind kind) {
        if (!live) return;
        resources(kind).forEach((state, n) -> resourceGauge(kind, state).update(n));
    }

    private static kamon.metric.Gauge resourceGauge(ResourceKind kind, ResourceState state) {
        return Kamon.gauge(RESOURCES, "Resources on this node, by resource kind and state").withTags(tags("kind", kind.label(), "state", state.label()));
    }

    private static kamon.metric.Counter probeCounter(ProbeKind kind, boolean passed) {
        return Kamon.counter(PROBES, "Health probes run, by probe kind and result").withTags(tags("kind", kind.label(), "result", passed ? "passed" : "failed"));
    }

    private static TagSet tags(String k1, String v1, String k2, String v2) {
        return TagSet.builder().add(k1, v1).add(k2, v2).build();
    }

    /** Kamon's histograms track at most an hour by default (a converge: {@link #CONVERGE_MAX}); longer counts as that. */
    private static long nanos(Duration d, Duration max) {
        Objects.requireNonNull(d, "duration");
        if (d.isNegative()) return 0;
        return d.compareTo(max) > 0 ? max.toNanos() : d.toNanos();
    }

    /** The reporter writes label values as they are: keep them valid in the exposition format. */
    static String label(String value) {
        Objects.requireNonNull(value, "level");
        StringBuilder b = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            b.append(c == '"' || c == '\\' || c == '\n' || c == '\r' ? '_' : c);
        }
        return b.toString();
    }
}
