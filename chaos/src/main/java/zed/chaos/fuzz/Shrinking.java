package zed.chaos.fuzz;

import net.jqwik.api.Shrinkable;

import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;

/**
 * Greedy shrinking for the full-count runners, with jqwik's own shrink candidates: take the first smaller input that
 * still fails, and again from there, until none does or the time is up. The CI properties shrink with jqwik itself.
 */
final class Shrinking {
    private Shrinking() {
    }

    static <T> T shrink(Shrinkable<T> start, Predicate<T> stillFails, Duration budget) {
        long deadline = System.nanoTime() + budget.toNanos();
        Shrinkable<T> current = start;
        boolean smaller = true;
        while (smaller && System.nanoTime() < deadline) {
            smaller = false;
            Iterator<Shrinkable<T>> candidates = current.shrink().iterator();
            for (int tried = 0; tried < 300 && candidates.hasNext() && System.nanoTime() < deadline; tried++) {
                Shrinkable<T> c = candidates.next();
                if (stillFails.test(c.value())) {
                    current = c;
                    smaller = true;
                    break;
                }
            }
        }
        return current.value();
    }
}
