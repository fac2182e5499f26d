package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.Terminated;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import zed.actors.telemetry.ZedMetrics;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * One per pool (and one for the dir store): every sweep is ONE batched, recursive read of the pool, whatever the
 * number of datasets watched, and each watching {@link DatasetActor} gets its slice: its own observation and its
 * ancestors'. Sweeps run on a jittered timer, and soon after someone asks ({@link ObserveNow}: a new spec, an
 * applied step), coalesced, never two at once.
 */
public final class PoolObserver extends AbstractBehavior<PoolObserver.Msg> {
    public sealed interface Msg {
    }

    /** Send me the slice of {@code dataset} (a full name) after every sweep, with these native properties read. */
    public record Watch(String dataset, Set<String> properties, ActorRef<Slice> replyTo) implements Msg {
    }

    public record Unwatch(String dataset, ActorRef<Slice> replyTo) implements Msg {
    }

    /** Sweep as soon as the one in flight (if any) is done. */
    public record ObserveNow() implements Msg {
    }

    /**
     * @param seen    the dataset's observation and those of its ancestors that exist (absent: not there)
     * @param started {@link System#nanoTime()} when the sweep's read began: a slice older than a change says nothing
     *                about it
     * @param error   the read failed (the slice says nothing then)
     */
    public record Slice(String dataset, Map<String, Observation> seen, long started, String error) {
        public Observation self() {
            return seen.get(dataset);
        }
    }

    private record Tick() implements Msg {
    }

    /** @param properties the native properties this sweep read */
    private record Swept(Map<String, Observation> seen, Set<String> properties, long started, Throwable error) implements Msg {
    }

    private record Gone(ActorRef<Slice> watcher) implements Msg {
    }

    /** The default sweep interval (each sweep is jittered by ±20%). */
    public static final Duration INTERVAL = Duration.ofSeconds(2);

    private final Store store;
    private final String root;
    private final Executor blocking;
    private final Duration interval;
    private final ZedMetrics metrics;
    private final TimerScheduler<Msg> timers;
    private final Map<ActorRef<Slice>, Map<String, Set<String>>> watchers = new LinkedHashMap<>();
    private boolean busy;
    private boolean again;
    private long sweeps;

    private PoolObserver(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Store store, String root, Executor blocking,
                         Duration interval, ZedMetrics metrics) {
        super(ctx);
        this.timers = timers;
        this.store = store;
        this.root = root;
        this.blocking = blocking;
        this.interval = interval;
        this.metrics = metrics;
        schedule();
    }

    /** @param root the pool ("" for the dir store): the dataset every sweep reads recursively */
    public static Behavior<Msg> create(Store store, String root, Executor blocking, Duration interval, ZedMetrics metrics) {
        return Behaviors.supervise(Behaviors.<Msg>setup(ctx -> Behaviors.withTimers(t -> new PoolObserver(ctx, t, store, root, blocking, interval, metrics))))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Watch.class, this::onWatch)
                .onMessage(Unwatch.class, u -> {
                    Map<String, Set<String>> mine = watchers.get(u.replyTo());
                    if (mine != null) {
                        mine.remove(u.dataset());
                        if (mine.isEmpty()) forget(u.replyTo());
                    }
                    return this;
                })
                .onMessage(Gone.class, g -> {
                    watchers.remove(g.watcher());
                    return this;
                })
                .onMessage(ObserveNow.class, n -> sweep())
                .onMessage(Tick.class, t -> sweep())
                .onMessage(Swept.class, this::onSwept)
                .build();
    }

    private Behavior<Msg> onWatch(Watch w) {
        if (!watchers.containsKey(w.replyTo())) getContext().watchWith(w.replyTo(), new Gone(w.replyTo()));
        watchers.computeIfAbsent(w.replyTo(), k -> new HashMap<>()).put(w.dataset(), Set.copyOf(w.properties()));
        return this;
    }

    private void forget(ActorRef<Slice> watcher) {
        watchers.remove(watcher);
        getContext().unwatch(watcher);
    }

    private void schedule() {
        // a pool that does not answer (its daemon restarting, wedged) is asked again later and later, up to 15 s
        Duration next = failures == 0 ? interval : Ticks.backoff(interval, failures, FAILING_MAX);
        timers.startSingleTimer("sweep", new Tick(), Ticks.jittered(next));
    }

    /** The longest wait between two sweeps of a pool that does not answer. */
    static final Duration FAILING_MAX = Duration.ofSeconds(15);
    private int failures;

    private Behavior<Msg> sweep() {
        if (busy) {
            again = true;
            return this;
        }
        if (watchers.isEmpty()) {
            schedule();
            return this;
        }
        busy = true;
        again = false;
        Set<String> properties = new TreeSet<>();
        for (Map<String, Set<String>> m : watchers.values()) for (Set<String> p : m.values()) properties.addAll(p);
        long started = System.nanoTime();
        // a root with nothing of Zed's yet: every watched dataset is simply absent
        CompletableFuture<Map<String, Observation>> read = CompletableFuture.supplyAsync(
                () -> zed.reconciler.dataset.Convergence.observe(store, root, properties), blocking);
        getContext().pipeToSelf(read, (seen, e) -> new Swept(seen, properties, started, e));
        return this;
    }

    private Behavior<Msg> onSwept(Swept s) {
        busy = false;
        sweeps++;
        Duration took = Duration.ofNanos(System.nanoTime() - s.started());
        if (metrics != null) metrics.poolSweep(s.error() == null, took);
        String error = s.error() == null ? null : (s.error().getCause() != null ? s.error().getCause() : s.error()).getMessage();
        failures = error == null ? 0 : failures + 1;
        for (Map.Entry<ActorRef<Slice>, Map<String, Set<String>>> w : watchers.entrySet()) {
            for (Map.Entry<String, Set<String>> d : w.getValue().entrySet()) {
                // a watch that came after the read began may want properties it did not read: the next sweep has them
                if (!s.properties().containsAll(d.getValue())) continue;
                String dataset = d.getKey();
                w.getKey().tell(new Slice(dataset, error == null ? slice(s.seen(), dataset) : Map.of(), s.started(), error));
            }
        }
        if (again) return sweep();
        schedule();
        return this;
    }

    /** The dataset and its ancestors, as far as they exist. */
    static Map<String, Observation> slice(Map<String, Observation> seen, String dataset) {
        Map<String, Observation> out = new HashMap<>();
        String name = dataset;
        while (true) {
            Observation o = seen.get(name);
            if (o != null) out.put(name, o);
            int slash = name.lastIndexOf('/');
            if (slash < 0) break;
            name = name.substring(0, slash);
        }
        return out;
    }

    long sweeps() {
        return sweeps;
    }
}
