package zed.actors.resource;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Keeps a level's per-dataset reconciles out of the way of its level-wide operations (the deploy snapshot and ordered
 * first converge of a revision, a rollback, a destroy). A level-wide operation {@link #bump()}s the epoch before it
 * starts, so a dataset tick that was planned against the old revision finds itself stale and writes nothing; and
 * the lock keeps the two from writing at the same time.
 */
public final class DatasetFence {
    private final AtomicLong epoch = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();

    /** A new epoch: every dataset tick planned before now is stale. Called on the level's thread. */
    public long bump() {
        return epoch.incrementAndGet();
    }

    public long epoch() {
        return epoch.get();
    }

    /** Runs a level-wide operation under the lock. */
    public <T> T exclusive(Supplier<T> work) {
        lock.lock();
        try {
            return work.get();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Runs one dataset's steps under the lock, only while {@code planned} is still the epoch; null when stale (nothing
     * ran).
     */
    public <T> T ifCurrent(long planned, Supplier<T> work) {
        lock.lock();
        try {
            return planned == epoch.get() ? work.get() : null;
        } finally {
            lock.unlock();
        }
    }
}
