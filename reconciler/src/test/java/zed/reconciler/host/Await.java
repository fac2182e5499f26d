package zed.reconciler.host;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition to become true, failing at a deadline, so that tests never guess at a sleep. */
public final class Await {
    public static final Duration DEADLINE = Duration.ofSeconds(30);

    private Await() {
    }

    public static void until(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("not within " + DEADLINE.toSeconds() + "s: " + what);
            // a pause between polls only spares the CPU; correctness rests on the condition, not on its length
            LockSupport.parkNanos(5_000_000);
        }
    }
}
