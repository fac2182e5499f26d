package zed.chaos.fuzz;

import net.jqwik.api.Shrinkable;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The loop of a full-count runner: inputs are drawn on the calling thread, and failures shrunk there (jqwik's
 * generators and shrinkers live in its context, which other threads do not have), and checked on a few worker
 * threads, a batch at a time.
 */
final class FuzzLoop {
    private static final int BATCH = 256;

    private FuzzLoop() {
    }

    /**
     * @param check  the faults of one input; called on the workers
     * @param failed what to do with a failing input (shrink it, keep it); called on this thread
     */
    static <T> void run(long count, int threads, String what, Supplier<Shrinkable<T>> draw, Function<T, List<String>> check,
                        BiConsumer<Shrinkable<T>, List<String>> failed) throws InterruptedException {
        ExecutorService workers = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "fuzz-" + what);
            t.setDaemon(true);
            return t;
        });
        try {
            long done = 0, step = Math.max(1, count / 20);
            while (done < count) {
                List<Shrinkable<T>> inputs = new ArrayList<>();
                List<Future<List<String>>> verdicts = new ArrayList<>();
                for (int i = 0; i < Math.min(BATCH, count - done); i++) {
                    Shrinkable<T> s = draw.get();
                    T value = s.value();
                    inputs.add(s);
                    verdicts.add(workers.submit(() -> check.apply(value)));
                }
                for (int i = 0; i < inputs.size(); i++) {
                    List<String> faults = verdicts.get(i).get();
                    if (!faults.isEmpty()) failed.accept(inputs.get(i), faults);
                    if (++done % step == 0) System.err.printf("%s: %,d of %,d%n", what, done, count);
                }
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a check broke, which is a bug of the fuzzer: " + e.getCause(), e.getCause());
        } finally {
            workers.shutdownNow();
        }
    }
}
