package zed.config.fuzz;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Runs each piece of work on a worker thread and waits for it no longer than a deadline. A worker that hangs is
 * interrupted and left behind (it is a daemon), and the next piece of work gets a fresh one; one thread serves every
 * input that finishes in time, so a million inputs do not start a million threads.
 */
public final class Deadline implements AutoCloseable {
    private final Duration limit;
    private ExecutorService worker;

    public Deadline(Duration limit) {
        this.limit = limit;
        this.worker = fresh();
    }

    public Duration limit() {
        return limit;
    }

    private static ExecutorService fresh() {
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zed-fuzz-worker");
            t.setDaemon(true);
            return t;
        });
    }

    /** The work's result, or empty when it did not finish within the deadline. What it throws is rethrown. */
    public synchronized <T> Optional<T> run(Supplier<T> work) {
        Future<T> f = worker.submit(work::get);
        try {
            return Optional.ofNullable(f.get(limit.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            f.cancel(true);
            worker.shutdownNow();
            worker = fresh();
            return Optional.empty();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error err) throw err;
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            f.cancel(true);
            throw new IllegalStateException("interrupted while waiting for the work", e);
        }
    }

    @Override
    public synchronized void close() {
        worker.shutdownNow();
    }
}
