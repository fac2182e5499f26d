package zed.actors.resource;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TicksTest {
    @Test
    void aJitteredIntervalStaysWithinTwentyPercentAndIsNeverZero() {
        for (int i = 0; i < 1000; i++) {
            long ms = Ticks.jittered(Duration.ofSeconds(2)).toMillis();
            assertTrue(ms >= 1600 && ms <= 2400, ms + " ms");
        }
        assertEquals(1, Ticks.jittered(Duration.ZERO).toMillis());
    }

    @Test
    void theBackoffDoublesFromItsBaseAndStopsAtItsCap() {
        Duration max = Duration.ofSeconds(30);
        assertEquals(Duration.ofMillis(200), Ticks.backoff(Duration.ofMillis(200), 1, max));
        assertEquals(Duration.ofMillis(400), Ticks.backoff(Duration.ofMillis(200), 2, max));
        assertEquals(Duration.ofMillis(25_600), Ticks.backoff(Duration.ofMillis(200), 8, max));
        assertEquals(max, Ticks.backoff(Duration.ofMillis(200), 9, max));
        assertEquals(max, Ticks.backoff(Duration.ofMillis(200), 1_000, max), "no overflow after many failures");
    }
}
