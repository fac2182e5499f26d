package zed.reconciler.health;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.UpdatePolicy;
import zed.reconciler.health.GateEvent.ProbeReported;
import zed.reconciler.health.GateEvent.ProcessExited;
import zed.reconciler.health.GateEvent.ProcessStarted;
import zed.reconciler.health.GateEvent.RestartBudgetSpent;

/**
 * Plays a supervisor against a gate: events are stamped with a fake clock the test moves, and questions are asked at
 * the clock's time. The gate itself never sees the clock.
 */
final class GateDriver {
    final FakeClock clock = new FakeClock();
    HealthGate gate;

    private GateDriver(HealthGate gate) {
        this.gate = gate;
    }

    /** A gate opened at time 0 for revision 1. */
    static GateDriver gate(UpdatePolicy update, HealthCheck... checks) {
        return new GateDriver(HealthGate.open(1, update, List.of(checks), FakeClock.T0));
    }

    /** min_healthy_time 5s and healthy_deadline 2m: the defaults. */
    static GateDriver gate(HealthCheck... checks) {
        return gate(Checks.update(5, 120), checks);
    }

    GateDriver at(double seconds) {
        clock.at(seconds);
        return this;
    }

    GateDriver start() {
        return on(new ProcessStarted(clock.now()));
    }

    GateDriver exit(int code) {
        return on(new ProcessExited(clock.now(), code));
    }

    GateDriver pass(String check) {
        return on(new ProbeReported(check, ProbeResult.passed("HTTP 200", clock.now())));
    }

    GateDriver fail(String check, String detail) {
        return on(new ProbeReported(check, ProbeResult.failed(detail, clock.now())));
    }

    GateDriver budgetSpent() {
        return on(new RestartBudgetSpent(clock.now()));
    }

    GateDriver on(GateEvent event) {
        gate = gate.on(event);
        return this;
    }

    Verdict verdict() {
        return gate.verdict(clock.now());
    }

    Health health() {
        return gate.health(clock.now());
    }

    Health current() {
        return gate.current(clock.now());
    }

    Optional<Instant> next() {
        return gate.nextChange(clock.now());
    }
}
