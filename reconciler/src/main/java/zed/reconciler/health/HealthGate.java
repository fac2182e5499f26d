package zed.reconciler.health;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.UpdatePolicy;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;
import zed.reconciler.health.Verdict.Pending;

/**
 * The health gate of one service for one revision (the {@code update} block): {@link Passed} once the process runs
 * and every check has passed, without a single failure, for {@code min_healthy_time}; {@link Failed} when
 * {@code healthy_deadline} (counted from {@link #open}) comes first, when the restart budget is spent, or on a crash
 * loop. A new revision opens a new gate; {@code auto_revert} is the caller's business.
 *
 * <p>Pure and immutable: {@link #on} returns the next gate, the views take the instant they are asked about, and
 * nothing here reads a clock. Time only moves forward: an event or a question dated before the latest event counts
 * as happening at that latest instant. Whatever time alone decides (passing, the deadline, a check going quiet)
 * happens at its own instant, whether or not anyone asks then: {@link Passed#at()} is when min_healthy_time was
 * reached even if the caller looks later, and an event dated after that instant cannot undo it.
 *
 * <p>Rules the Zedfile does not spell out, chosen so that an unhealthy service never passes:
 * <ul>
 *   <li>Healthy time is counted only while every check is passing with no failure since its last pass. A failure
 *       below {@code failure_threshold} does not fail the check (after the gate it leaves the service
 *       {@link Health.Healthy}), but it starts the count over: a check that flaps never passes the gate.</li>
 *   <li>Results count only while the process runs, and only from {@code initial_delay} after its start. An exit or a
 *       restart forgets every check, so the new process earns its passes again.</li>
 *   <li>A check with no result for twice its interval plus its timeout is no longer known to pass: a probe loop that
 *       stops cannot carry a service through the gate on an old answer.</li>
 *   <li>Crash loop: the process exits {@value #CRASH_LOOP_EXITS} times while the gate is pending.</li>
 *   <li>A service without checks is ready once its process has run for {@link #ALIVE_WITHOUT_CHECKS}; healthy time
 *       counts from then, so it passes 1s + min_healthy_time after it starts.</li>
 *   <li>Passing exactly at the deadline passes ("healthy by then" includes then); at the deadline itself an event can
 *       no longer rescue a gate that had not passed.</li>
 *   <li>Results for a check this revision does not declare are ignored: they come from probes of an earlier
 *       revision still in flight.</li>
 * </ul>
 */
public final class HealthGate {
    /** Exits while the gate is pending that make a crash loop. */
    public static final int CRASH_LOOP_EXITS = 3;
    /** How long a service without health checks must run before it counts as ready. */
    public static final Duration ALIVE_WITHOUT_CHECKS = Duration.ofSeconds(1);

    /* Never changed once this gate exists; the final field publishes it safely to whichever thread gets the gate. */
    private final GateState state;

    private HealthGate(GateState state) {
        this.state = state;
    }

    /**
     * Opens the gate of {@code revision} at {@code at}, before its process starts; the deadline is
     * {@code at + healthy_deadline}. Checks are known by {@link Probes#name}.
     */
    public static HealthGate open(long revision, UpdatePolicy update, List<HealthCheck> checks, Instant at) {
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(at, "at");
        Map<String, CheckState> states = new LinkedHashMap<>();
        for (HealthCheck check : checks) {
            CheckState.Rule rule = CheckState.Rule.of(check);
            if (states.putIfAbsent(rule.name(), CheckState.unknown(rule)) != null) {
                throw new IllegalArgumentException(check.pos() + ": a second health check named " + rule.name());
            }
        }
        return new HealthGate(new GateState(revision, update, at, states));
    }

    public long revision() {
        return state.revision;
    }

    public Instant openedAt() {
        return state.openedAt;
    }

    /** When the gate fails unless it has passed: opened + healthy_deadline. */
    public Instant deadline() {
        return state.deadline();
    }

    /** The gate after {@code event}. */
    public HealthGate on(GateEvent event) {
        GateState next = state.copy();
        next.apply(event);
        return new HealthGate(next);
    }

    /** The gate's answer at {@code now}. */
    public Verdict verdict(Instant now) {
        GateState s = state.at(now);
        return s.verdict instanceof Pending ? new Pending(s.why(s.now)) : s.verdict;
    }

    /** The service's health at {@code now}; {@link Health.Unproven} until the gate has passed. */
    public Health health(Instant now) {
        GateState s = state.at(now);
        if (!(s.verdict instanceof Passed)) return new Health.Unproven();
        String why = s.unhealthyWhy(s.now);
        return why == null ? new Health.Healthy() : new Health.Unhealthy(why);
    }

    /**
     * What the checks say at {@code now}, whatever the gate's verdict: {@link Health.Healthy} while the process runs
     * and every check passes (a failure below its failure_threshold included), else {@link Health.Unhealthy} with why.
     * Status shows it beside the verdict, and {@code runtime.after} waits for it.
     */
    public Health current(Instant now) {
        GateState s = state.at(now);
        String why = s.unhealthyWhy(s.now);
        return why == null ? new Health.Healthy() : new Health.Unhealthy(why);
    }

    /**
     * The next instant after {@code now} at which {@link #verdict} or {@link #health} changes unless an event comes
     * first: schedule a timer for it instead of polling. Empty when only an event can change them.
     */
    public Optional<Instant> nextChange(Instant now) {
        return Optional.ofNullable(state.at(now).nextChange());
    }

    @Override
    public String toString() {
        return "HealthGate[revision " + state.revision + ", " + verdict(state.now) + "]";
    }
}
