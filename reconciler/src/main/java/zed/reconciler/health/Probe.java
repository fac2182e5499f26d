package zed.reconciler.health;

import java.time.Duration;

/**
 * One health check that can be run: the {@code http}, {@code tcp} and {@code exec} kinds of a service's
 * {@code health} blocks. {@link Probes#of} builds them from the resolved spec.
 */
public sealed interface Probe permits HttpProbe, TcpProbe, ExecProbe {
    /** The longest one run may take before it counts as failed ("timed out after 1s"). */
    Duration timeout();

    /**
     * Runs the check once on the calling thread, which it blocks for about {@link #timeout()} at most. An unhealthy
     * target is a failed result, never an exception: the gate must hear about every attempt.
     */
    ProbeResult run(Clock clock);
}
