package zed.actors.host;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.gpu.PoolFacts;
import zed.reconciler.store.Store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The host's inventory: on a jittered timer it takes the inventory (nvidia-smi, Vulkan) and writes the host facts
 * on each pool's {@code <pool>/zed}, both on the blocking executor, one tick at a time. It keeps one
 * {@link GpuNodeActor} per GPU, keyed by UUID, and stops the one whose GPU is gone.
 */
public final class HostInventoryActor extends AbstractBehavior<HostInventoryActor.Msg> {
    public sealed interface Msg {
    }

    /** Replies with the latest inventory (notes include facts that could not be written); before the first, once it is taken. */
    public record Get(ActorRef<Inventory> replyTo) implements Msg {
    }

    /** Takes the inventory now, e.g. after a driver was installed. */
    public record Refresh() implements Msg {
    }

    private record Tick() implements Msg {
    }

    private record Taken(Probe probe, Throwable error) implements Msg {
    }

    /** One tick's work: the inventory (its notes include the pools not written), and those pools' errors. */
    private record Probe(Inventory inventory, List<String> unwritten) {
    }

    /** A pool to keep the facts on. The store is made on first use, on the blocking executor (probing zfs runs commands). */
    public record Pool(String name, Supplier<Store> store) {
        public static Pool of(String name, Supplier<Store> make) {
            AtomicReference<Store> made = new AtomicReference<>();
            return new Pool(name, () -> made.updateAndGet(s -> s != null ? s : make.get()));
        }
    }

    /** @param every the mean time between inventories; each wait is drawn from every ± jitter, so that hosts do not probe in step */
    public record Settings(Duration every, double jitter) {
        public static final Settings DEFAULT = new Settings(Duration.ofSeconds(60), 0.2);
        /** The config key of {@code every}: how soon a lost GPU is noticed (its jobs are placed again then). */
        public static final String EVERY = "zed.host.inventory-every";

        public Settings {
            if (every.isNegative() || every.isZero()) throw new IllegalArgumentException(EVERY + " must be positive: " + every);
        }

        /** {@link #DEFAULT}, with {@value #EVERY} where the node's config sets it. */
        public static Settings of(com.typesafe.config.Config c) {
            return c.hasPath(EVERY) ? new Settings(c.getDuration(EVERY), DEFAULT.jitter()) : DEFAULT;
        }
    }

    private final HostInventory inventory;
    private final List<Pool> pools;
    private final Executor blocking;
    private final Settings settings;
    private final Consumer<List<Gpu>> seen;
    private final TimerScheduler<Msg> timers;
    private final Map<String, ActorRef<GpuNodeActor.Msg>> gpus = new LinkedHashMap<>();
    private final List<ActorRef<Inventory>> waiting = new ArrayList<>();
    private Inventory latest;
    private Set<String> unwritten = Set.of();
    private boolean busy;
    private boolean again;
    private long spawned;

    private HostInventoryActor(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, HostInventory inventory, List<Pool> pools, Executor blocking,
                               Settings settings, Consumer<List<Gpu>> seen) {
        super(ctx);
        this.seen = seen;
        this.timers = timers;
        this.inventory = inventory;
        this.pools = List.copyOf(pools);
        this.blocking = blocking;
        this.settings = settings;
    }

    /** @param blocking where probes and store writes run; never the actors' dispatcher */
    public static Behavior<Msg> create(HostInventory inventory, List<Pool> pools, Executor blocking, Settings settings) {
        return create(inventory, pools, blocking, settings, gpus -> {
        });
    }

    /** @param seen told each inventory's GPUs, on the actor's thread (the host's journal of them: {@link HostEntity}) */
    public static Behavior<Msg> create(HostInventory inventory, List<Pool> pools, Executor blocking, Settings settings, Consumer<List<Gpu>> seen) {
        Behavior<Msg> b = Behaviors.setup(ctx -> Behaviors.withTimers(t -> {
            HostInventoryActor a = new HostInventoryActor(ctx, t, inventory, pools, blocking, settings, seen);
            a.tick();
            return a;
        }));
        return Behaviors.supervise(b).onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1),
                Duration.ofMinutes(1), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Get.class, this::onGet)
                .onMessage(Refresh.class, r -> tick())
                .onMessage(Tick.class, t -> tick())
                .onMessage(Taken.class, this::onTaken)
                .build();
    }

    private Behavior<Msg> onGet(Get g) {
        if (latest != null) g.replyTo().tell(latest);
        else waiting.add(g.replyTo());
        return this;
    }

    private Behavior<Msg> tick() {
        if (busy) {
            again = true; // a refresh during a tick must see what changed since it began
            return this;
        }
        busy = true;
        CompletableFuture<Probe> work = CompletableFuture.supplyAsync(this::takeAndWrite, blocking);
        getContext().pipeToSelf(work, Taken::new);
        return this;
    }

    /** Runs on the blocking executor. A pool that cannot be written is a note; the other pools are still written. */
    private Probe takeAndWrite() {
        Inventory inv = inventory.take();
        List<String> failed = new ArrayList<>();
        for (Pool p : pools) {
            try {
                PoolFacts.write(p.store().get(), p.name(), inv.facts());
            } catch (RuntimeException e) {
                failed.add(PoolFacts.dataset(p.name()) + ": facts not written: " + e.getMessage());
            }
        }
        List<String> notes = new ArrayList<>(inv.notes());
        notes.addAll(failed);
        return new Probe(inv.withNotes(notes), failed);
    }

    private Behavior<Msg> onTaken(Taken t) {
        busy = false;
        if (t.error() != null) {
            getContext().getLog().warn("taking the host inventory failed: {}", t.error().toString());
        } else {
            latest = t.probe().inventory();
            // a pool that stays unwritable is logged once, not every minute
            for (String u : t.probe().unwritten()) if (!unwritten.contains(u)) getContext().getLog().warn("{}", u);
            unwritten = Set.copyOf(t.probe().unwritten());
            follow(latest);
            seen.accept(latest.facts().gpus());
            for (ActorRef<Inventory> w : waiting) w.tell(latest);
            waiting.clear();
        }
        if (again) {
            again = false;
            return tick();
        }
        timers.startSingleTimer("tick", new Tick(), jittered());
        return this;
    }

    /** One GPU node per GPU: new ones spawned, known ones told their facts, vanished ones stopped. */
    private void follow(Inventory inv) {
        Set<String> seen = new HashSet<>();
        for (Gpu g : inv.facts().gpus()) {
            String key = GpuNodeActor.key(g);
            seen.add(key);
            ActorRef<GpuNodeActor.Msg> node = gpus.get(key);
            if (node == null) {
                // a sequence in the name: a GPU that vanishes and comes back gets a new actor while the old one stops
                gpus.put(key, getContext().spawn(GpuNodeActor.create(inv.facts().host(), g), "gpu-" + (++spawned)));
            } else {
                node.tell(new GpuNodeActor.Update(g));
            }
        }
        gpus.entrySet().removeIf(e -> {
            if (seen.contains(e.getKey())) return false;
            e.getValue().tell(new GpuNodeActor.Vanished());
            return true;
        });
    }

    private Duration jittered() {
        return zed.actors.resource.Ticks.jittered(settings.every(), settings.jitter());
    }
}
