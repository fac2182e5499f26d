package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import zed.actors.telemetry.ResourceKind;
import zed.actors.telemetry.TickResult;
import zed.actors.telemetry.ZedMetrics;
import zed.config.LevelSpec;
import zed.reconciler.jail.JailDriver;
import zed.reconciler.jail.JailSetup;
import zed.reconciler.jail.JailState;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One jail of a level, kept as declared: on a jittered timer (and at once on a new spec) it asks the host's jail
 * driver what the jail is, and when it is gone, stopped or runs another configuration, it ensures it again. Once
 * the jail was converged at a revision, such a repair is drift and is reported. Its services ensure the jail
 * too before they start (so that they never wait on this actor); ensuring is idempotent.
 */
public final class JailActor extends AbstractBehavior<JailActor.Msg> {
    public sealed interface Msg {
    }

    public record Desired(long rev, LevelSpec level, LevelSpec.JailSpec jail) implements Msg {
    }

    private record Tick() implements Msg {
    }

    private record Done(Outcome outcome, Throwable error) implements Msg {
    }

    /** @param repaired what was wrong, when the tick had to ensure the jail; null when it was as declared */
    private record Outcome(String repaired, String error) {
    }

    /**
     * @param state converged, or failed
     * @param drift what a tick repaired after the jail had been converged (null: nothing)
     */
    public record Report(String name, long rev, String state, String drift, String error) {
    }

    public static final Duration INTERVAL = Duration.ofSeconds(2);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    private final JailDriver driver;
    private final Executor blocking;
    private final ActorRef<Report> level;
    private final ZedMetrics metrics;
    private final TimerScheduler<Msg> timers;
    private final Duration interval;
    private Desired desired;
    private boolean busy;
    private boolean converged;
    private int failures;
    private String reported = "";

    private JailActor(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, JailDriver driver, Executor blocking, Duration interval,
                      ActorRef<Report> level, ZedMetrics metrics) {
        super(ctx);
        this.timers = timers;
        this.driver = driver;
        this.blocking = blocking;
        this.interval = interval;
        this.level = level;
        this.metrics = metrics;
    }

    public static Behavior<Msg> create(JailDriver driver, Executor blocking, Duration interval, ActorRef<Report> level, ZedMetrics metrics) {
        return Behaviors.supervise(Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(t -> new JailActor(ctx, t, driver, blocking, interval, level, metrics))))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Desired.class, d -> {
                    if (desired == null || desired.rev() != d.rev() || !desired.jail().equals(d.jail())) converged = false;
                    desired = d;
                    failures = 0;
                    return tick();
                })
                .onMessage(Tick.class, t -> tick())
                .onMessage(Done.class, this::onDone)
                .build();
    }

    private Behavior<Msg> tick() {
        if (busy || desired == null) return this;
        busy = true;
        Desired d = desired;
        long t0 = System.nanoTime();
        CompletableFuture<Outcome> f = CompletableFuture.supplyAsync(() -> {
            JailSetup setup = JailSetup.of(d.level(), d.jail());
            String want = driver.confHash(setup);
            JailState seen = driver.observe(setup.name());
            String wrong = !seen.running() && seen.confHash() == null ? "was gone"
                    : !seen.running() ? "was stopped"
                    : !want.equals(seen.confHash()) ? "ran another configuration (conf-hash " + seen.confHash() + ", declared " + want + ")"
                    : null;
            if (wrong != null) driver.ensure(setup);
            metrics.reconcileTick(ResourceKind.JAIL, TickResult.OK, Duration.ofNanos(System.nanoTime() - t0));
            return new Outcome(wrong, null);
        }, blocking);
        getContext().pipeToSelf(f, Done::new);
        return this;
    }

    private Behavior<Msg> onDone(Done d) {
        busy = false;
        Outcome o = d.error() == null ? d.outcome() : new Outcome(null, (d.error().getCause() != null ? d.error().getCause() : d.error()).getMessage());
        if (o.error() != null) {
            failures++;
            metrics.reconcileTick(ResourceKind.JAIL, TickResult.FAILED, Duration.ZERO);
            report("failed", null, o.error());
            timers.startSingleTimer("tick", new Tick(), Ticks.backoff(interval.multipliedBy(2), failures, BACKOFF_MAX));
            return this;
        }
        failures = 0;
        // the first ensure of a revision is its converge; a repair after that is drift
        String drift = converged && o.repaired() != null ? o.repaired() : null;
        if (drift != null) metrics.driftCorrected(ResourceKind.JAIL);
        converged = true;
        report("converged", drift, null);
        timers.startSingleTimer("tick", new Tick(), Ticks.jittered(interval));
        return this;
    }

    private void report(String state, String drift, String error) {
        String key = state + "\0" + error;
        if (drift == null && key.equals(reported)) return;
        reported = key;
        level.tell(new Report(desired.jail().name(), desired.rev(), state, drift, error));
    }
}
