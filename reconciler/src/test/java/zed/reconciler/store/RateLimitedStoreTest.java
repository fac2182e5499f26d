package zed.reconciler.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The node-wide write limit, on a clock the test moves: bursts pass, then writes wait for their tokens. */
class RateLimitedStoreTest {
    @TempDir
    Path tmp;

    @Test
    void aBurstPassesAndTheRestWaitsForTheRate() {
        long[] now = {0};
        List<Duration> waits = new ArrayList<>();
        RateLimitedStore store = new RateLimitedStore(new DirStore(tmp), 10, 3, () -> now[0], d -> {
            waits.add(d);
            now[0] += d.toNanos(); // the wait passes the time it asked for
        });
        for (int i = 0; i < 5; i++) store.create("d" + i, Map.of());
        assertEquals(2, waits.size(), "three pass as a burst, two wait");
        assertEquals(Duration.ofMillis(100), waits.get(0), "one token per 100 ms at 10 per second");
        assertEquals(5, store.observe("", java.util.Set.of()).size(), "and every write happened");
        now[0] += Duration.ofSeconds(10).toNanos();
        waits.clear();
        for (int i = 0; i < 3; i++) store.set("d" + i, Map.of("com.zed:x", "1"));
        assertEquals(0, waits.size(), "the bucket refilled to its burst, not beyond");
        store.set("d3", Map.of("com.zed:x", "1"));
        assertEquals(1, waits.size());
    }

    @Test
    void readsAndEmptyWritesTakeNoToken() {
        long[] now = {0};
        List<Duration> waits = new ArrayList<>();
        RateLimitedStore store = new RateLimitedStore(new DirStore(tmp), 1, 1, () -> now[0], waits::add);
        store.create("a", Map.of());
        for (int i = 0; i < 10; i++) {
            store.observe("", java.util.Set.of());
            store.zedState("a");
            store.set("a", Map.of());
        }
        assertEquals(0, waits.size());
    }
}
