package zed.reconciler.health;

import java.time.Instant;

/**
 * Where "now" comes from. Probes stamp their results with it; the health gate never reads a clock at all (callers pass
 * instants), so tests drive time by hand and the supervisor can schedule a timer from {@link HealthGate#nextChange}.
 */
@FunctionalInterface
public interface Clock {
    Instant now();

    Clock SYSTEM = Instant::now;
}
