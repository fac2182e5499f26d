package zed.reconciler.health;

import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when a test moves it. */
final class FakeClock implements Clock {
    static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    private Instant now = T0;

    @Override
    public Instant now() {
        return now;
    }

    /** Sets the time to {@code seconds} after {@link #T0} (millisecond precision: 4.999 is 4999ms). */
    FakeClock at(double seconds) {
        now = t(seconds);
        return this;
    }

    static Instant t(double seconds) {
        return T0.plus(Duration.ofMillis(Math.round(seconds * 1000)));
    }
}
