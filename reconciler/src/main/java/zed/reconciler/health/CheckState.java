package zed.reconciler.health;

import java.time.Duration;
import java.time.Instant;
import zed.config.LevelSpec.HealthCheck;

/**
 * One check as the gate sees it: its rules, its status, and the current run of passes or failures. Immutable; every
 * result makes a new one.
 *
 * @param lastAt when the last counted result arrived; null before the first
 */
record CheckState(Rule rule, Status status, int passes, int failures, String detail, Instant lastAt) {
    enum Status { UNKNOWN, PASSING, FAILING }

    /**
     * @param staleAfter with no result for this long the check's last answer no longer counts: twice its interval plus
     *                   its timeout, which tolerates one late or lost run but not a probe loop that stopped
     */
    record Rule(String name, Duration initialDelay, Duration staleAfter, int successThreshold, int failureThreshold) {
        static Rule of(HealthCheck check) {
            return new Rule(Probes.name(check), check.initialDelay(),
                    check.interval().multipliedBy(2).plus(check.timeout()),
                    Math.max(1, check.successThreshold()), Math.max(1, check.failureThreshold()));
        }
    }

    static CheckState unknown(Rule rule) {
        return new CheckState(rule, Status.UNKNOWN, 0, 0, null, null);
    }

    String name() {
        return rule.name();
    }

    /**
     * Counts one result. success_threshold passes in a row make the check passing, failure_threshold failures in a row
     * make it failing; anything short of a threshold leaves the status as it was. After a silence longer than
     * staleAfter a passing check starts over: an old pass says nothing about now. A failing check stays failing.
     */
    CheckState on(boolean ok, String detail, Instant at) {
        CheckState s = this;
        if (lastAt != null && !at.isBefore(staleAt()) && status != Status.FAILING) s = unknown(rule);
        if (ok) {
            int p = s.passes + 1;
            Status next = s.status == Status.PASSING || p >= rule.successThreshold() ? Status.PASSING : s.status;
            return new CheckState(rule, next, p, 0, detail, at);
        }
        int f = s.failures + 1;
        Status next = f >= rule.failureThreshold() ? Status.FAILING : s.status;
        return new CheckState(rule, next, 0, f, detail, at);
    }

    Instant staleAt() {
        return lastAt == null ? null : lastAt.plus(rule.staleAfter());
    }

    boolean fresh(Instant t) {
        return lastAt != null && t.isBefore(staleAt());
    }

    /** Passing with nothing held against it: what the gate needs from every check to count healthy time. */
    boolean cleanAt(Instant t) {
        return status == Status.PASSING && failures == 0 && fresh(t);
    }

    /** Why this check holds the gate at {@code t}, or null when it does not. */
    String pendingWhy(Instant t) {
        if (cleanAt(t)) return null;
        if (status == Status.PASSING && fresh(t)) {
            return failedInARow() + " (healthy time starts again at its next pass)";
        }
        return unhealthyWhy(t);
    }

    /**
     * Why this check makes a service unhealthy at {@code t} once its gate has passed, or null when it does not: a
     * passing check with failures below failure_threshold is still healthy, that being what the threshold is for.
     */
    String unhealthyWhy(Instant t) {
        return switch (status) {
            case FAILING -> passes > 0 ? passedInARow() : name() + " failing: " + detail;
            case PASSING -> fresh(t) ? null : "no result from " + name() + " for " + Durations.elapsed(Duration.between(lastAt, t));
            case UNKNOWN -> {
                if (lastAt != null && !fresh(t)) yield "no result from " + name() + " for " + Durations.elapsed(Duration.between(lastAt, t));
                if (passes > 0) yield passedInARow();
                if (failures > 0) yield failedInARow();
                yield "waiting for " + name() + " to pass";
            }
        };
    }

    private String passedInARow() {
        return name() + " passed " + passes + " of " + rule.successThreshold() + " times in a row";
    }

    private String failedInARow() {
        return name() + " failed " + failures + " of " + rule.failureThreshold() + " times in a row: " + detail;
    }
}
