package zed.actors.host;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import zed.actors.JsonEvent;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.process.Subprocess;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * What this host tells the cluster about itself for {@code zed hosts}: its pool and the pool's free space, and its
 * GPUs (the inventory). One per node, found through the receptionist, so that any node can ask every host.
 */
public final class HostCard {
    public static final ServiceKey<Describe> KEY = ServiceKey.create(Describe.class, "zed-host-card");
    /**
     * How long the card waits for the GPU inventory: well within the 3 s that {@code /v1/hosts} waits for a card,
     * since the first inventory of a node that just started (Vulkan's loader) can take longer than that, and the pool's
     * facts should not wait for it.
     */
    static final Duration INVENTORY = Duration.ofMillis(1500);

    private HostCard() {
    }

    public record Describe(ActorRef<Report> replyTo) implements JsonEvent {
    }

    /**
     * @param pool null on the dir store
     * @param free the pool's free bytes, -1 when unknown
     * @param note why something is missing, null when nothing is
     */
    public record Report(String host, String pool, long free, boolean available, List<GpuCard> gpus, String note) implements JsonEvent {
        /** Whether its GPUs are the host's inventory (they are none when the inventory was not taken in time). */
        public boolean inventoried() {
            return note == null || !note.startsWith(NO_INVENTORY);
        }

        /**
         * Its GPUs as placement takes them, indexed in the card's order. No Vulkan or CUDA index: a card does not carry
         * them, and a choice of host or a move's check needs none (the host's own node places the job). Whether they are
         * the inventory at all is the caller's to ask ({@link #inventoried()}).
         */
        public zed.reconciler.gpu.HostGpus placeable() {
            return new zed.reconciler.gpu.HostGpus(host, java.util.stream.IntStream.range(0, gpus.size()).mapToObj(i -> {
                GpuCard c = gpus.get(i);
                return new zed.reconciler.gpu.HostGpus.Device(new zed.reconciler.gpu.Gpu(i, "", c.name(), c.vramMb(), "", c.uuid(), null), null, null);
            }).toList());
        }
    }

    static final String NO_INVENTORY = "the GPU inventory is not taken yet";

    /**
     * @param vramMb the GPU's memory in MiB (0: its source did not say)
     * @param heldMb what the jobs placed on it hold (0 from a node before jobs)
     */
    public record GpuCard(String uuid, String name, long vramMb, long heldMb) implements JsonEvent {
    }

    /** @param held what the jobs placed on this node hold on a GPU, by its UUID, in MiB */
    public static Behavior<Describe> create(String host, String pool, ActorRef<HostInventoryActor.Msg> inventory, Executor blocking,
                                            java.util.function.ToLongFunction<String> held) {
        return create(host, pool, inventory, blocking, held, p -> free(p)[0]);
    }

    /** @param free the pool's free bytes, -1 when it does not answer (through zed ops for an unprivileged node) */
    public static Behavior<Describe> create(String host, String pool, ActorRef<HostInventoryActor.Msg> inventory, Executor blocking,
                                            java.util.function.ToLongFunction<String> held, java.util.function.ToLongFunction<String> free) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            return Behaviors.receiveMessage(d -> {
                CompletableFuture<Inventory> inv = org.apache.pekko.actor.typed.javadsl.AskPattern.<HostInventoryActor.Msg, Inventory>ask(
                        inventory, HostInventoryActor.Get::new, INVENTORY, ctx.getSystem().scheduler()).toCompletableFuture();
                CompletableFuture<long[]> space = pool == null ? CompletableFuture.completedFuture(null)
                        : CompletableFuture.supplyAsync(() -> new long[]{free.applyAsLong(pool)}, blocking);
                inv.handle((i, e) -> i).thenCombine(space.handle((s, e) -> s == null ? new long[]{-1} : s), (i, s) -> {
                    List<GpuCard> gpus = i == null ? List.of() : i.facts().gpus().stream().map(g -> new GpuCard(g.uuid(), g.name(), g.vramMb(), held.applyAsLong(g.uuid()))).toList();
                    String note = i == null ? NO_INVENTORY + " (or did not answer in " + INVENTORY.toMillis() + " ms)" : null;
                    if (pool != null && s[0] < 0) note = (note == null ? "" : note + "; ") + "pool " + pool + " did not answer";
                    return new Report(host, pool, s[0], pool == null || s[0] >= 0, gpus, note);
                }).thenAccept(d.replyTo()::tell);
                return Behaviors.same();
            });
        });
    }

    /** The pool's free bytes ({@code zfs get available}), -1 when it does not answer. */
    public static long free(zed.reconciler.store.Store store, String pool) {
        try {
            var o = store.observe(pool, java.util.Set.of("available")).get(pool);
            return o == null || o.properties().get("available") == null ? -1 : Long.parseLong(o.properties().get("available").value());
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** The pool's free bytes ({@code zfs get available}), -1 when it does not answer. */
    private static long[] free(String pool) {
        try {
            Subprocess.Result r = Subprocess.of(List.of("zfs", "get", "-Hpo", "value", "available", pool), Duration.ofSeconds(2)).run();
            if (r.exit() != 0) return new long[]{-1};
            return new long[]{Long.parseLong(r.stdout().strip())};
        } catch (Exception e) {
            return new long[]{-1};
        }
    }
}
