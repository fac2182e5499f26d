package zed.actors.resource;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** When a resource actor looks again: its interval, jittered; after failures, backing off. */
public final class Ticks {
    private Ticks() {
    }

    /** The jitter of every reconcile timer: resources that started together do not stay in step. */
    public static final double JITTER = 0.2;

    /** {@code interval} ±{@link #JITTER}, at least 1 ms. */
    public static Duration jittered(Duration interval) {
        return jittered(interval, JITTER);
    }

    /** {@code interval} ±{@code fraction} of it, at least 1 ms. */
    public static Duration jittered(Duration interval, double fraction) {
        double f = 1 - fraction + 2 * fraction * ThreadLocalRandom.current().nextDouble();
        return Duration.ofMillis(Math.max(1, Math.round(interval.toMillis() * f)));
    }

    /** {@code base} after the first failure, doubled for each one after it, never more than {@code max}. */
    public static Duration backoff(Duration base, int failures, Duration max) {
        long ms = base.toMillis() << Math.min(Math.max(failures - 1, 0), 30);
        return ms <= 0 || ms > max.toMillis() ? max : Duration.ofMillis(ms);
    }
}
