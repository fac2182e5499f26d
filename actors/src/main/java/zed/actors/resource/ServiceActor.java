package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import zed.actors.level.LevelHost;
import zed.config.LevelSpec;
import zed.reconciler.health.Health;
import zed.reconciler.health.Verdict;
import zed.reconciler.process.ServiceSupervisor;
import zed.reconciler.service.ServiceRun;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;

/**
 * One service of a level: a level-triggered loop around {@link ServiceRun}, in three steps on executors of their
 * own. Prepare (builds) when the spec is new, and on a slow timer when its source can move; supervise (processes)
 * every {@link #TICK} and at once when its process exits; each health check on its own interval (probes).
 *
 * <ul>
 *   <li>A failed step backs off and tries again (200 ms doubling to 30 s): a zfs timeout or a git blip never ends
 *       supervision. Only the gate's healthy_deadline fails a revision; the reason then names the last error.</li>
 *   <li>A stop and the next run never overlap: a stop waits for the supervise step in flight, and a Run that comes
 *       while it stops waits for it (stashed).</li>
 *   <li>The level hears a {@link Report} when something it shows changes, not on every tick.</li>
 * </ul>
 */
public final class ServiceActor extends AbstractBehavior<ServiceActor.Msg> {
    public sealed interface Msg {
    }

    /** Run this spec at this revision (a new revision, or the stable one after a revert). */
    public record Run(long rev, LevelSpec level, LevelSpec.ServiceSpec spec, long restartGeneration) implements Msg {
    }

    public record Stop(ActorRef<Stopped> replyTo) implements Msg {
    }

    /**
     * Starts its process again at the same revision, through a fresh health gate, because a secret it read at its start
     * was rotated ({@code why}); answers once that gate passed or failed.
     */
    public record Restart(String why, ActorRef<Restarted> replyTo) implements Msg {
    }

    /** A {@link Restart}'s end: {@code healthy}, or why not (the gate's reason, or that it does not run here). */
    public record Restarted(String ref, boolean healthy, String why) {
    }

    public record Stopped(String ref) {
    }

    private record Tick() implements Msg {
    }

    private record SourceTick() implements Msg {
    }

    private record ProbeTick(String check) implements Msg {
    }

    private record Retry() implements Msg {
    }

    /** The gate's answer changes now without new input (its deadline while a step keeps failing). */
    private record GateCheck() implements Msg {
    }

    private record Exited(long pid) implements Msg {
    }

    /** A step finished; {@code run} is the run it was for: a new Run may have replaced it meanwhile. */
    private record Prepared(ServiceRun run, Throwable error) implements Msg {
    }

    private record Supervised(ServiceRun run, ServiceRun.Status status, Throwable error) implements Msg {
    }

    private record Probed(ServiceRun run, String check, boolean ok) implements Msg {
    }

    private record StopDone(Throwable error) implements Msg {
    }

    /** What the pool's sweep saw of the service's dataset. */
    private record Observed(PoolObserver.Slice slice) implements Msg {
    }

    /**
     * What the level hears: the gate of a revision, the service's health now, and its process, for status.
     *
     * @param gate     passed, pending or failed: the revision's verdict
     * @param health   Healthy or Unhealthy: what its checks say now, whatever the verdict
     * @param restarts how often the supervisor restarted it at this revision; {@code lastExit} why the last time
     * @param remakes  how often its dataset was made again at this revision, after a sweep saw it destroyed;
     *                 {@code remade} the dataset
     */
    public record Report(String ref, long rev, String gate, String why, String state, long pid, String print, String health,
                         int restarts, String lastExit, int remakes, String remade) {
        public Report(String ref, long rev, String gate, String why, String state, long pid, String print, String health, int restarts,
                      String lastExit) {
            this(ref, rev, gate, why, state, pid, print, health, restarts, lastExit, 0, null);
        }
    }

    /** How often the process is looked at, jittered; an exit is seen at once. */
    static final Duration TICK = Duration.ofMillis(500);
    /** How often a source that can move without a new spec (a branch, a local tree) is prepared again. */
    static final Duration SOURCE_CHECK = Duration.ofMinutes(1);
    static final Duration BACKOFF_MIN = Duration.ofMillis(200);
    /**
     * How soon a new process's check is asked again while it has not passed once (its port not bound yet): its healthy
     * time, and so the rollout or the failover, starts at its first answer. Only while its gate is pending: one that
     * never answers is asked at its interval once the gate has failed. A failure counts as any other (toward
     * failure_threshold); before the first pass it holds the gate either way.
     */
    static final Duration STARTING_PROBE = Duration.ofMillis(200);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    private final LevelHost host;
    private final ActorRef<Report> level;
    private final TimerScheduler<Msg> timers;
    private final StashBuffer<Msg> stash;
    private ServiceRun run;
    private Run current;
    private boolean preparing;
    private boolean prepareAgain;
    private boolean supervising;
    private final List<String> probing = new ArrayList<>();
    /** The checks that have not passed yet since the process started: probed every {@link #STARTING_PROBE} until they do. */
    private final java.util.Set<String> unproven = new java.util.HashSet<>();
    /** Stop asked: no new step starts; the stop runs once the supervise step in flight is done. */
    private final StopReplies stops = new StopReplies();
    private int failures;
    private String lastError;
    private ServiceSupervisor.Status process;
    private Report reported;
    private long watchedPid;
    /** The pool observer that sweeps its dataset, and the dataset it watches there (null: none). */
    private ActorRef<PoolObserver.Msg> observer;
    private String watchedDataset;
    private final ActorRef<PoolObserver.Slice> slices;
    /** A slice whose sweep began before this ({@link System#nanoTime}) may predate the dataset: it says nothing. */
    private long datasetSince;
    private int remakes;
    private String remade;

    private ServiceActor(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, StashBuffer<Msg> stash, LevelHost host, ActorRef<Report> level) {
        super(ctx);
        this.timers = timers;
        this.stash = stash;
        this.host = host;
        this.level = level;
        this.slices = ctx.messageAdapter(PoolObserver.Slice.class, Observed::new);
    }

    public static Behavior<Msg> create(LevelHost host, ActorRef<Report> level) {
        return Behaviors.supervise(Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(t -> Behaviors.withStash(64,
                        stash -> new ServiceActor(ctx, t, stash, host, level)))))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Run.class, this::onRun)
                .onMessage(Stop.class, this::onStop)
                .onMessage(Restart.class, this::onRestart)
                .onMessage(Tick.class, t -> supervise())
                .onMessage(Retry.class, t -> retry())
                .onMessage(GateCheck.class, t -> {
                    report();
                    return this;
                })
                .onMessage(SourceTick.class, t -> prepare())
                .onMessage(ProbeTick.class, t -> probe(t.check()))
                .onMessage(Exited.class, e -> e.pid() == watchedPid ? supervise() : this)
                .onMessage(Prepared.class, this::onPrepared)
                .onMessage(Supervised.class, this::onSupervised)
                .onMessage(Probed.class, this::onProbed)
                .onMessage(StopDone.class, this::onStopDone)
                .onMessage(Observed.class, o -> onSlice(o.slice()))
                .onSignal(org.apache.pekko.actor.typed.PostStop.class, s -> {
                    unwatchDataset();
                    return this;
                })
                .build();
    }

    private boolean stopAsked() {
        return stops.asked();
    }

    private Behavior<Msg> onRun(Run r) {
        if (stopAsked()) {
            stash.stash(r); // after the stop: a stop and the next run never overlap
            return this;
        }
        return start(r, false);
    }

    /** Who waits for the gate of a {@link Restart}; null: nobody. */
    private ActorRef<Restarted> restartAnswer;

    private Behavior<Msg> onRestart(Restart r) {
        if (current == null || run == null || stopAsked()) {
            r.replyTo().tell(new Restarted(current == null ? "" : current.spec().ref(), false, "it does not run on this node now"));
            return this;
        }
        if (restartAnswer != null) restartAnswer.tell(new Restarted(current.spec().ref(), false, "restarted again before its gate decided (" + r.why() + ")"));
        restartAnswer = r.replyTo();
        getContext().getLog().info("{}: restarting, {}", current.spec().ref(), r.why());
        // a new run: its secrets resolved anew, a fresh gate, and its process replaced though its spec is the same
        return start(current, true);
    }

    /** Answers a {@link Restart} once the gate of the run it made has decided. */
    private void answerRestart(Verdict v) {
        if (restartAnswer == null || v instanceof Verdict.Pending) return;
        restartAnswer.tell(new Restarted(current.spec().ref(), v instanceof Verdict.Passed, v instanceof Verdict.Failed f ? f.reason() : null));
        restartAnswer = null;
    }

    private Behavior<Msg> start(Run r, boolean replace) {
        LevelHost h = host;
        ServiceRun.Context c = new ServiceRun.Context(r.level(), r.rev(), h.store(r.level()), h.root(r.level()), h.levelState(r.level()), h.secrets(),
                System::getenv, r.spec().jail() != null ? h.jails() : null, h.launcher(), Clock.systemUTC(), Duration.ofSeconds(10), r.restartGeneration(),
                h.serviceUser());
        run = new ServiceRun(c, r.spec());
        if (replace) run.replaceRunning();
        if (run.defaultUser()) {
            getContext().getLog().info("{} runs as {}: its Zedfile names no user (the agent's --service-user; see docs/security.md)", r.spec().ref(), h.serviceUser());
        }
        run.probeListener(h.metrics()::probe);
        current = r;
        unproven.clear();
        failures = 0;
        lastError = null;
        process = null;
        reported = null;
        watchedPid = 0;
        remakes = 0;
        remade = null;
        datasetSince = Long.MAX_VALUE; // until it is prepared: its dataset may not be there yet
        watchDataset(h, r.level(), run.dataset());
        timers.cancelAll();
        for (String check : run.checks().keySet()) timers.startSingleTimer(probeKey(check), new ProbeTick(check), Ticks.jittered(run.checks().get(check)));
        if (run.sourceCanMove()) timers.startTimerWithFixedDelay("source", new SourceTick(), Ticks.jittered(SOURCE_CHECK), SOURCE_CHECK);
        return prepare();
    }

    private static String probeKey(String check) {
        return "probe-" + check;
    }

    // ---- the steps -----------------------------------------------------------------------------------------------

    private Behavior<Msg> prepare() {
        if (run == null || stopAsked()) return this;
        if (preparing) {
            prepareAgain = true; // one prepare at a time per service: a second would build over the first
            return this;
        }
        preparing = true;
        prepareAgain = false;
        ServiceRun r = run;
        step(() -> {
            r.prepare();
            return null;
        }, r.builds() ? host.work().builds() : host.work().processes(), (x, e) -> new Prepared(r, e));
        return this;
    }

    private Behavior<Msg> onPrepared(Prepared p) {
        preparing = false;
        if (p.run() != run) return prepareAgain || (run != null && !run.prepared()) ? prepare() : this;
        if (p.error() != null) return failed(p.error());
        if (datasetSince == Long.MAX_VALUE) datasetSince = System.nanoTime(); // prepared: its dataset is there from now on
        if (prepareAgain) prepare();
        return supervise();
    }

    // ---- its dataset ---------------------------------------------------------------------------------------------

    /**
     * Its dataset is watched in the pool's sweeps (the batched read the dataset actors share, no zfs call of its own):
     * one destroyed behind Zed's back is made again by the next supervise step, with its stamps, and reported.
     */
    private void watchDataset(LevelHost h, LevelSpec spec, String dataset) {
        ActorRef<PoolObserver.Msg> o = h.observer(getContext().getSystem(), spec);
        if (dataset.equals(watchedDataset) && o.equals(observer)) return;
        unwatchDataset();
        observer = o;
        watchedDataset = dataset;
        observer.tell(new PoolObserver.Watch(dataset, java.util.Set.of(), slices));
    }

    private void unwatchDataset() {
        if (observer != null && watchedDataset != null) observer.tell(new PoolObserver.Unwatch(watchedDataset, slices));
        observer = null;
        watchedDataset = null;
    }

    private Behavior<Msg> onSlice(PoolObserver.Slice s) {
        // an error says nothing about the dataset (the pool does not answer); a slice older than the dataset neither
        if (run == null || stopAsked() || !run.prepared() || s.error() != null || !s.dataset().equals(run.dataset())) return this;
        if (s.started() < datasetSince || s.self() != null) return this;
        run.datasetGone();
        return supervise();
    }

    private Behavior<Msg> supervise() {
        if (run == null || !run.prepared() || supervising || stopAsked()) return this;
        supervising = true;
        ServiceRun r = run;
        zed.actors.telemetry.ZedMetrics m = host.metrics();
        step(() -> {
            long t0 = System.nanoTime();
            try {
                ServiceRun.Status s = r.supervise();
                m.reconcileTick(zed.actors.telemetry.ResourceKind.SERVICE, zed.actors.telemetry.TickResult.OK, Duration.ofNanos(System.nanoTime() - t0));
                return s;
            } catch (RuntimeException e) {
                m.reconcileTick(zed.actors.telemetry.ResourceKind.SERVICE, zed.actors.telemetry.TickResult.FAILED, Duration.ofNanos(System.nanoTime() - t0));
                throw e;
            }
        }, host.work().processes(), (s, e) -> new Supervised(r, s, e));
        return this;
    }

    private Behavior<Msg> onSupervised(Supervised d) {
        supervising = false;
        if (stopAsked()) return stopNow();
        if (d.run() != run) return supervise(); // the new run's turn
        if (d.error() != null) return failed(d.error());
        failures = 0;
        lastError = null;
        long before = process == null ? 0 : process.pid();
        process = d.status().process();
        if (process.pid() != 0 && process.pid() != before) probeSoon();
        if (d.status().remade() != null) {
            remakes++;
            remade = d.status().remade();
            datasetSince = System.nanoTime();
        }
        report();
        watchExit(process.pid());
        timers.startSingleTimer("tick", new Tick(), Ticks.jittered(TICK));
        return this;
    }

    /**
     * A new process: each check probes it once its initial_delay is over, not up to an interval later, so that its
     * healthy time (min_healthy_time) starts counting as soon as it answers. A probe in flight reschedules itself.
     */
    private void probeSoon() {
        unproven.clear();
        unproven.addAll(run.initialDelays().keySet());
        for (var c : run.initialDelays().entrySet()) {
            if (probing.contains(c.getKey())) continue;
            timers.startSingleTimer(probeKey(c.getKey()), new ProbeTick(c.getKey()), Duration.ofMillis(Math.max(1, c.getValue().toMillis())));
        }
    }

    private Behavior<Msg> probe(String check) {
        if (run == null || stopAsked() || probing.contains(check)) return this;
        Duration interval = run.checks().get(check);
        if (process == null || process.pid() == 0) {
            // nothing runs that a probe could reach: look again at the next interval
            timers.startSingleTimer(probeKey(check), new ProbeTick(check), interval);
            return this;
        }
        probing.add(check);
        ServiceRun r = run;
        step(() -> r.probe(check), host.work().probes(), (x, e) -> new Probed(r, check, x != null && x.ok()));
        return this;
    }

    private Behavior<Msg> onProbed(Probed p) {
        probing.remove(p.check());
        if (p.run() != run || stopAsked()) return this;
        if (p.ok()) unproven.remove(p.check());
        Duration interval = run.checks().get(p.check());
        // a new process that does not answer yet (still binding its port) is asked again soon, not an interval later
        boolean starting = unproven.contains(p.check()) && run.verdict() instanceof zed.reconciler.health.Verdict.Pending;
        Duration next = starting && STARTING_PROBE.compareTo(interval) < 0 ? STARTING_PROBE : interval;
        timers.startSingleTimer(probeKey(p.check()), new ProbeTick(p.check()), next);
        report();
        return this;
    }

    /** A step failed: back off and try again; the level sees why, and the gate's deadline decides the revision. */
    private Behavior<Msg> failed(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        failures++;
        lastError = t.getMessage() == null ? t.toString() : t.getMessage();
        Duration wait = Ticks.backoff(BACKOFF_MIN, failures, BACKOFF_MAX);
        timers.startSingleTimer("retry", new Retry(), wait);
        // the deadline may come before the next try: the level hears of it then, not up to 30s later
        run.nextChange().ifPresent(at -> timers.startSingleTimer("gate", new GateCheck(),
                Duration.ofMillis(Math.max(1, Duration.between(java.time.Instant.now(), at).toMillis() + 1))));
        report();
        return this;
    }

    private Behavior<Msg> retry() {
        if (run == null) return this;
        return run.prepared() ? supervise() : prepare();
    }

    /** A tick at once when the process exits, not at the next timer: the restart (and its event) follows sooner. */
    private void watchExit(long pid) {
        if (pid == 0 || pid == watchedPid) return;
        watchedPid = pid;
        ActorRef<Msg> self = getContext().getSelf();
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().thenRun(() -> self.tell(new Exited(pid))));
    }

    /** Runs a step off the actor's thread; its result comes back as a message. */
    private <T> void step(Supplier<T> work, java.util.concurrent.Executor on, java.util.function.BiFunction<T, Throwable, Msg> done) {
        getContext().pipeToSelf(CompletableFuture.supplyAsync(work, on), done::apply);
    }

    // ---- what the level hears ------------------------------------------------------------------------------------

    private void report() {
        if (run == null) return;
        Verdict v = run.verdict();
        answerRestart(v);
        Health health = run.health();
        String gate = v instanceof Verdict.Passed ? "passed" : v instanceof Verdict.Failed ? "failed" : "pending";
        String why = v instanceof Verdict.Failed f ? f.reason() : v instanceof Verdict.Pending p ? p.why() : null;
        if (lastError != null) {
            String retry = "retrying (" + failures + (failures == 1 ? " failure" : " failures") + "): " + lastError;
            why = v instanceof Verdict.Failed f ? f.reason() + "; last error: " + lastError : retry;
        }
        String state = lastError != null && (process == null || process.pid() == 0) ? "FAILED" : process == null ? "STARTING" : process.state().name();
        Report r = new Report(current.spec().ref(), current.rev(), gate, why, state, process == null ? 0 : process.pid(), current.spec().print(),
                health instanceof Health.Healthy ? "Healthy" : "Unhealthy", process == null ? 0 : process.restarts(),
                process == null ? null : process.lastExit(), remakes, remade);
        if (r.equals(reported)) return;
        reported = r;
        level.tell(r);
    }

    // ---- stop ----------------------------------------------------------------------------------------------------

    private Behavior<Msg> onStop(Stop s) {
        stops.add(s.replyTo());
        timers.cancelAll();
        if (stops.underway() || supervising) return this; // the supervise step in flight may be starting it: the stop follows
        return stopNow();
    }

    private Behavior<Msg> stopNow() {
        if (!stops.begin()) return this;
        ServiceRun r = run;
        run = null;
        if (r == null) return onStopDone(new StopDone(null));
        step(() -> {
            r.stop();
            return null;
        }, host.work().processes(), (x, e) -> new StopDone(e));
        return this;
    }

    private Behavior<Msg> onStopDone(StopDone d) {
        String ref = current == null ? "" : current.spec().ref();
        if (restartAnswer != null) restartAnswer.tell(new Restarted(ref, false, "stopped before its gate decided"));
        restartAnswer = null;
        if (d.error() != null) getContext().getLog().warn("{}: stopping failed: {}", ref, d.error().toString());
        current = null;
        process = null;
        reported = null;
        unwatchDataset();
        stops.done(ref);
        return stash.unstashAll(this);
    }
}
