package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import zed.actors.telemetry.ResourceKind;
import zed.actors.telemetry.TickResult;
import zed.actors.telemetry.ZedMetrics;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.PlanRunner;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.dataset.Step;
import zed.reconciler.store.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One dataset of a level, kept as declared between deploys. It never reads ZFS itself: its {@link PoolObserver}
 * hands it a slice after every sweep, and it plans against that (the pure {@link Planner}, for this dataset alone)
 * and applies what differs: a property changed behind Zed's back, a destroyed dataset. Each correction is reported
 * to the level, which records it as drift. One tick at a time; failures back off (exponential, capped).
 *
 * <p>The first converge of a revision is the level's (ordered, after the deploy snapshot): this actor takes over
 * once it is done ({@link Desired}), and a {@link DatasetFence} keeps a tick planned for an older revision from
 * writing.
 */
public final class DatasetActor extends AbstractBehavior<DatasetActor.Msg> {
    public sealed interface Msg {
    }

    /** Keep {@code dataset} as {@code level} declares it at {@code rev}; {@code epoch}: the fence's, when it was converged. */
    public record Desired(long rev, LevelSpec level, LevelSpec.DatasetSpec dataset, long epoch) implements Msg {
    }

    private record Observed(PoolObserver.Slice slice) implements Msg {
    }

    private record Done(Outcome outcome, Throwable error) implements Msg {
    }

    private record Outcome(List<String> ran, String error, boolean stale) {
    }

    /**
     * What the level hears, on every change of state and on every correction.
     *
     * @param state converged, correcting, waiting (its parent dataset is missing), unavailable (its pool does not
     *              answer), or failed
     * @param drift the steps a tick took to put it back (empty when nothing drifted)
     */
    public record Report(String name, long rev, String state, List<String> drift, String error) {
    }

    static final Duration BACKOFF_MIN = Duration.ofMillis(200);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    private final Store store;
    private final String root;
    private final Executor blocking;
    private final ActorRef<PoolObserver.Msg> observer;
    private final DatasetFence fence;
    private final ActorRef<Report> level;
    private final ZedMetrics metrics;
    private final ActorRef<PoolObserver.Slice> slices;
    private Desired desired;
    private String full;
    /** Slices whose sweep began before this say nothing about what was applied since. */
    private long freshAfter;
    private long notBefore;
    private int failures;
    private boolean busy;
    private String reported = "";

    private DatasetActor(ActorContext<Msg> ctx, Store store, String root, Executor blocking, ActorRef<PoolObserver.Msg> observer,
                         DatasetFence fence, ActorRef<Report> level, ZedMetrics metrics) {
        super(ctx);
        this.store = store;
        this.root = root;
        this.blocking = blocking;
        this.observer = observer;
        this.fence = fence;
        this.level = level;
        this.metrics = metrics;
        this.slices = ctx.messageAdapter(PoolObserver.Slice.class, Observed::new);
    }

    /**
     * @param root the pool the level's datasets live under ("" in the dir store)
     */
    public static Behavior<Msg> create(Store store, String root, Executor blocking, ActorRef<PoolObserver.Msg> observer, DatasetFence fence,
                                       ActorRef<Report> level, ZedMetrics metrics) {
        return Behaviors.supervise(Behaviors.<Msg>setup(ctx -> new DatasetActor(ctx, store, root, blocking, observer, fence, level, metrics)))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(BACKOFF_MIN, Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Desired.class, this::onDesired)
                .onMessage(Observed.class, o -> onSlice(o.slice()))
                .onMessage(Done.class, this::onDone)
                .onSignal(PostStop.class, s -> {
                    if (full != null) observer.tell(new PoolObserver.Unwatch(full, slices));
                    return this;
                })
                .build();
    }

    private Behavior<Msg> onDesired(Desired d) {
        String name = Planner.full(root, d.dataset().name());
        if (full != null && !full.equals(name)) observer.tell(new PoolObserver.Unwatch(full, slices));
        full = name;
        desired = d;
        freshAfter = System.nanoTime();
        failures = 0;
        notBefore = 0;
        observer.tell(new PoolObserver.Watch(name, Planner.observedProperties(only(d)), slices));
        observer.tell(new PoolObserver.ObserveNow());
        return this;
    }

    /** The level as this actor sees it: only its own dataset declared. */
    private static LevelSpec only(Desired d) {
        LevelSpec l = d.level();
        return new LevelSpec(l.id(), l.name(), l.parent(), l.file(), l.dir(), l.host(), l.pool(), l.sysenv(), l.snapshots(), l.update(),
                List.of(d.dataset()), List.of(), List.of(), List.of(), List.of(), l.hash(), l.pos(), l.failover());
    }

    private Behavior<Msg> onSlice(PoolObserver.Slice s) {
        if (desired == null || !s.dataset().equals(full)) return this;
        if (s.error() != null) {
            // the pool does not answer (its daemon gone, wedged): nothing can be planned; the level says so
            report("unavailable", List.of(), s.error());
            return this;
        }
        if (busy || s.started() < freshAfter) return this;
        if (System.nanoTime() < notBefore) return this;
        String parent = full.contains("/") ? full.substring(0, full.lastIndexOf('/')) : null;
        String parentName = desired.dataset().name().contains("/") ? desired.dataset().name().substring(0, desired.dataset().name().lastIndexOf('/')) : null;
        if (parent != null && parentName != null && desired.level().dataset(parentName) != null && !s.seen().containsKey(parent)) {
            // its parent is declared too: that one's actor recreates it (managed), never this one (as a bare container)
            report("waiting", List.of(), "its parent " + parent + " is missing");
            return this;
        }
        Plan plan = Planner.plan(only(desired), store.kind(), root, s.seen(), Stamp.now(desired.rev()));
        if (!plan.refused().isEmpty()) {
            report("failed", List.of(), plan.refused().get(0).dataset() + " " + plan.refused().get(0).reason());
            return this;
        }
        if (plan.steps().isEmpty()) {
            metrics.reconcileTick(ResourceKind.DATASET, TickResult.OK, Duration.ZERO);
            report("converged", List.of(), null);
            return this;
        }
        busy = true;
        long epoch = desired.epoch();
        long t0 = System.nanoTime();
        CompletableFuture<Outcome> f = CompletableFuture.supplyAsync(() -> {
            Outcome o = fence.ifCurrent(epoch, () -> {
                PlanRunner.Report r = PlanRunner.apply(plan, store);
                List<String> ran = new ArrayList<>();
                for (Step step : r.ran()) ran.add(step.dataset() + ": " + step.describe());
                return new Outcome(ran, r.ok() ? null : r.failure().getMessage(), false);
            });
            Outcome out = o == null ? new Outcome(List.of(), null, true) : o;
            metrics.reconcileTick(ResourceKind.DATASET, out.error() == null ? TickResult.OK : TickResult.FAILED, Duration.ofNanos(System.nanoTime() - t0));
            return out;
        }, blocking);
        getContext().pipeToSelf(f, Done::new);
        return this;
    }

    private Behavior<Msg> onDone(Done d) {
        busy = false;
        freshAfter = System.nanoTime();
        Outcome o = d.error() != null ? new Outcome(List.of(), (d.error().getCause() != null ? d.error().getCause() : d.error()).getMessage(), false) : d.outcome();
        if (o.stale()) return this; // a level-wide operation began: the next Desired says what to keep
        if (o.error() != null) {
            failures++;
            notBefore = System.nanoTime() + Ticks.backoff(BACKOFF_MIN, failures, BACKOFF_MAX).toNanos();
            report("failed", o.ran(), o.error());
        } else {
            failures = 0;
            if (!o.ran().isEmpty()) metrics.driftCorrected(ResourceKind.DATASET);
            report("correcting", o.ran(), null);
        }
        observer.tell(new PoolObserver.ObserveNow()); // verify what was applied
        return this;
    }

    /** Tells the level on every change of state, and on every correction (those are events). */
    private void report(String state, List<String> drift, String error) {
        String key = state + "\0" + error;
        if (drift.isEmpty() && key.equals(reported)) return;
        reported = key;
        level.tell(new Report(desired.dataset().name(), desired.rev(), state, List.copyOf(drift), error));
    }
}
