package zed.reconciler.process;

import zed.config.LevelSpec;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The {@code restart} block as a pure rule: exponential backoff from {@code delay} to {@code max_delay}, and at
 * most {@code attempts} restarts within {@code interval}. Spent means failed, until a new revision or an operator
 * action makes a new budget.
 */
public final class RestartBudget {
    private final LevelSpec.RestartPolicy policy;
    private final Deque<Instant> restarts = new ArrayDeque<>();
    private int streak;

    public RestartBudget(LevelSpec.RestartPolicy policy) {
        this.policy = policy;
    }

    /** The service exited at {@code at}: when may it start again, or empty when the budget is spent. */
    public java.util.Optional<Instant> exited(Instant at) {
        while (!restarts.isEmpty() && restarts.peekFirst().isBefore(at.minus(policy.interval()))) restarts.pollFirst();
        if (restarts.size() >= policy.attempts()) return java.util.Optional.empty();
        streak++;
        Duration d = policy.delay().multipliedBy(1L << Math.min(20, streak - 1));
        if (d.compareTo(policy.maxDelay()) > 0 || d.isNegative()) d = policy.maxDelay();
        Instant next = at.plus(d);
        restarts.addLast(next);
        return java.util.Optional.of(next);
    }

    /** The service stayed up: the next failure starts the backoff from {@code delay} again. */
    public void healthy() {
        streak = 0;
    }

    public int restartsInWindow() {
        return restarts.size();
    }
}
