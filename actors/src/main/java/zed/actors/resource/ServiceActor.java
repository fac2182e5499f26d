package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import zed.actors.level.LevelHost;
import zed.config.LevelSpec;
import zed.reconciler.health.Verdict;
import zed.reconciler.service.ServiceRun;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * One service of a level: a level-triggered loop around {@link ServiceRun}. On a timer (and at once on a new spec)
 * it reconciles and probes, on the blocking executor, one tick at a time; it reports the gate of the revision to
 * its level. It re-implements no driver logic.
 */
public final class ServiceActor extends AbstractBehavior<ServiceActor.Msg> {
    public sealed interface Msg {
    }

    /** Run this spec at this revision (a new revision, or the stable one after a revert). */
    public record Run(long rev, LevelSpec level, LevelSpec.ServiceSpec spec, long restartGeneration) implements Msg {
    }

    public record Stop(ActorRef<Stopped> replyTo) implements Msg {
    }

    public record Stopped(String ref) {
    }

    private record Tick() implements Msg {
    }

    private record Exited(long pid) implements Msg {
    }

    /** @param run the run the tick was for: a new Run may have replaced it meanwhile */
    private record TickDone(ServiceRun run, ServiceRun.Status status, Throwable error) implements Msg {
    }

    /** What the level hears: the service's gate at a revision, and its process state, for status. */
    /** @param restarts how often the supervisor restarted it at this revision; {@code lastExit} why the last time */
    public record Report(String ref, long rev, String gate, String why, String state, long pid, String print, String health,
                         int restarts, String lastExit) {
    }

    static final Duration TICK = Duration.ofMillis(500);

    private final LevelHost host;
    private final ActorRef<Report> level;
    private final TimerScheduler<Msg> timers;
    private ServiceRun run;
    private Run current;
    private boolean busy;
    private boolean reported;
    private long watchedPid;

    private ServiceActor(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, LevelHost host, ActorRef<Report> level) {
        super(ctx);
        this.timers = timers;
        this.host = host;
        this.level = level;
    }

    public static Behavior<Msg> create(LevelHost host, ActorRef<Report> level) {
        return Behaviors.supervise(Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(t -> new ServiceActor(ctx, t, host, level))))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Run.class, this::onRun)
                .onMessage(Tick.class, t -> tick())
                .onMessage(Exited.class, e -> e.pid() == watchedPid && run != null ? tick() : this)
                .onMessage(TickDone.class, this::onTickDone)
                .onMessage(Stop.class, this::onStop)
                .build();
    }

    private Behavior<Msg> onRun(Run r) {
        LevelHost h = host;
        ServiceRun.Context c = new ServiceRun.Context(r.level(), r.rev(), h.store(r.level()), h.root(r.level()), h.levelState(r.level()), h.secrets(),
                System::getenv, r.spec().jail() != null ? h.jails() : null, h.launcher(), Clock.systemUTC(), Duration.ofSeconds(10), r.restartGeneration());
        run = new ServiceRun(c, r.spec());
        zed.actors.telemetry.ZedMetrics m = h.metrics();
        run.probeListener(m::probe);
        current = r;
        reported = false;
        watchedPid = 0;
        return tick();
    }

    /** The next tick: TICK ±20%, so that many services do not tick in step. */
    private void schedule() {
        timers.startSingleTimer("tick", new Tick(), Ticks.jittered(TICK));
    }

    /** A tick at once when the process exits, not at the next timer: the restart (and its event) follows sooner. */
    private void watchExit(long pid) {
        if (pid == 0 || pid == watchedPid) return;
        watchedPid = pid;
        org.apache.pekko.actor.typed.ActorRef<Msg> self = getContext().getSelf();
        ProcessHandle.of(pid).ifPresent(h -> h.onExit().thenRun(() -> self.tell(new Exited(pid))));
    }

    private Behavior<Msg> tick() {
        if (busy || run == null) return this;
        busy = true;
        ServiceRun r = run;
        zed.actors.telemetry.ZedMetrics m = host.metrics();
        CompletableFuture<ServiceRun.Status> work = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                r.reconcile();
                ServiceRun.Status s = r.probe();
                m.reconcileTick(zed.actors.telemetry.ResourceKind.SERVICE, zed.actors.telemetry.TickResult.OK, java.time.Duration.ofNanos(System.nanoTime() - t0));
                return s;
            } catch (RuntimeException e) {
                m.reconcileTick(zed.actors.telemetry.ResourceKind.SERVICE, zed.actors.telemetry.TickResult.FAILED, java.time.Duration.ofNanos(System.nanoTime() - t0));
                throw e;
            }
        }, host.blocking());
        getContext().pipeToSelf(work, (s, e) -> new TickDone(r, s, e));
        return this;
    }

    private Behavior<Msg> onTickDone(TickDone d) {
        busy = false;
        if (current == null) return this;
        // a tick of the spec that a new Run replaced says nothing about the new one (reported at the new revision, an
        // old gate's "passed" would converge a revision whose gate never ran): tick the new one instead
        if (d.run() != run) return tick();
        String ref = current.spec().ref();
        if (d.error() != null) {
            Throwable t = d.error() instanceof java.util.concurrent.CompletionException && d.error().getCause() != null ? d.error().getCause() : d.error();
            level.tell(new Report(ref, current.rev(), "failed", t.getMessage(), "FAILED", 0, current.spec().print(), "error", 0, null));
            timers.cancel("tick"); // a service that cannot even start waits for a new spec
            return this;
        }
        Verdict v = d.status().gate();
        String gate = v instanceof Verdict.Passed ? "passed" : v instanceof Verdict.Failed ? "failed" : "pending";
        String why = v instanceof Verdict.Failed f ? f.reason() : v instanceof Verdict.Pending p ? p.why() : null;
        level.tell(new Report(ref, current.rev(), gate, why, d.status().process().state().name(), d.status().process().pid(), current.spec().print(),
                gate, d.status().process().restarts(), d.status().process().lastExit()));
        watchExit(d.status().process().pid());
        schedule();
        return this;
    }

    private Behavior<Msg> onStop(Stop s) {
        timers.cancel("tick");
        if (run != null) {
            ServiceRun r = run;
            String ref = current.spec().ref();
            CompletableFuture.runAsync(r::stop, host.blocking()).whenComplete((x, e) -> s.replyTo().tell(new Stopped(ref)));
        } else {
            s.replyTo().tell(new Stopped(""));
        }
        run = null;
        current = null;
        return this;
    }
}
