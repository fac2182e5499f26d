package zed.reconciler.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A node-wide limit on the writes that reach a store, so that a storm (many levels converging at once, a flapping
 * drift) cannot swamp ZFS: a token bucket of {@code perSecond} writes with bursts of {@code burst}. Reads are one
 * batched call per tick already and pass through.
 */
public final class RateLimitedStore implements Store {
    /** How the limiter waits; tests pass their own. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Store inner;
    private final double perSecond;
    private final double burst;
    private final LongSupplier nanos;
    private final Sleeper sleeper;
    private double tokens;
    private long last;

    public RateLimitedStore(Store inner, double perSecond, int burst) {
        this(inner, perSecond, burst, System::nanoTime, d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
    }

    public RateLimitedStore(Store inner, double perSecond, int burst, LongSupplier nanos, Sleeper sleeper) {
        this.inner = inner;
        this.perSecond = perSecond;
        this.burst = burst;
        this.nanos = nanos;
        this.sleeper = sleeper;
        this.tokens = burst;
        this.last = nanos.getAsLong();
    }

    /** Takes one token, waiting for it when the bucket is empty. */
    synchronized void acquire() {
        while (true) {
            long now = nanos.getAsLong();
            tokens = Math.min(burst, tokens + (now - last) / 1e9 * perSecond);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return;
            }
            long waitNanos = (long) Math.ceil((1 - tokens) / perSecond * 1e9);
            try {
                sleeper.sleep(Duration.ofNanos(waitNanos));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoreError(StoreError.Kind.OTHER, "rate limit", "interrupted while waiting for a write slot");
            }
        }
    }

    public String kind() {
        return inner.kind();
    }

    public Capabilities capabilities() {
        return inner.capabilities();
    }

    public Map<String, Observation> observe(String root, Set<String> nativeProperties) {
        return inner.observe(root, nativeProperties);
    }

    public boolean exists(String dataset) {
        return inner.exists(dataset);
    }

    public void create(String dataset, Map<String, String> properties) {
        acquire();
        inner.create(dataset, properties);
    }

    public void set(String dataset, Map<String, String> properties) {
        if (properties.isEmpty()) return;
        acquire();
        inner.set(dataset, properties);
    }

    public void inherit(String dataset, String property) {
        acquire();
        inner.inherit(dataset, property);
    }

    public void mount(String dataset) {
        acquire();
        inner.mount(dataset);
    }

    public void destroy(String dataset) {
        acquire();
        inner.destroy(dataset);
    }

    public void snapshot(List<String> datasets, String snap, Map<String, Map<String, String>> properties) {
        acquire();
        inner.snapshot(datasets, snap, properties);
    }

    public List<Snapshot> snapshots(String dataset) {
        return inner.snapshots(dataset);
    }

    public void destroySnapshot(String dataset, String snap) {
        acquire();
        inner.destroySnapshot(dataset, snap);
    }

    public void rollback(String dataset, String snap) {
        acquire();
        inner.rollback(dataset, snap);
    }

    public Map<String, String> zedState(String dataset) {
        return inner.zedState(dataset);
    }

    @Override
    public Map<String, Map<String, String>> zedStates(String root) {
        return inner.zedStates(root);
    }

    @Override
    public Map<String, List<String>> snapshotNames(String root) {
        return inner.snapshotNames(root);
    }

    public Path mountpoint(String dataset) {
        return inner.mountpoint(dataset);
    }
}
