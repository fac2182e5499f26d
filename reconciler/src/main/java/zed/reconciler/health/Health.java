package zed.reconciler.health;

/**
 * How a service is doing once its revision's gate has passed: the gate's verdict stays {@link Verdict.Passed}, and
 * this is what the node acts on (restart it, report it).
 */
public sealed interface Health {
    /** The gate has not passed (pending or failed): its verdict is the answer, there is no health to speak of yet. */
    record Unproven() implements Health {
    }

    /** Every check passing (a failure below its failure_threshold included) and the process running. */
    record Healthy() implements Health {
    }

    /** @param why e.g. "http failing: HTTP 503, expected 200", "process exited with code 1" */
    record Unhealthy(String why) implements Health {
    }
}
