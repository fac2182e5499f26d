package zed.actors.replica;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.actor.typed.receptionist.ServiceKey;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.util.ByteString;
import zed.actors.JsonEvent;
import zed.reconciler.replica.FailoverPoint;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.io.InputStream;
import java.util.List;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The standby's side: says what it holds of a replica, and receives a stream into its pool. One per node, found
 * through the receptionist. Replicas go to {@code <this node's pool>/<the dataset's path under the primary's pool>},
 * marked {@value Replicas#REPLICA_OF}: no level runs them here, so nothing here converges, adopts or destroys them.
 * The bytes come over Artery as a stream ref, so they travel on the cluster's own authenticated channel (TLS with
 * mutual authentication wherever the cluster has its material).
 */
public final class ReplicaReceiver {
    public static final ServiceKey<Command> KEY = ServiceKey.create(Command.class, "zed-replicas");
    /** How long the stream may stay quiet before the receive gives up (the send then fails too). */
    static final Duration QUIET = Duration.ofMinutes(2);

    private ReplicaReceiver() {
    }

    public sealed interface Command extends JsonEvent {
    }

    /** What the standby holds at {@code relative} under its pool. */
    public record Probe(String relative, ActorRef<Held> replyTo) implements Command {
    }

    /** @param error why it cannot say (no pool, the pool does not answer), else null */
    public record Held(String dataset, ReplicaPlan.Target target, String error) implements JsonEvent {
    }

    /** Receive {@code bytes} (made by the primary for {@code step}) into {@code relative} under the pool. */
    public record Take(String relative, String origin, Wire step, SourceRef<ByteString> bytes, ActorRef<Taken> replyTo) implements Command {
    }

    /** The level moved here: its replicas at {@code relatives} become its own datasets. */
    public record Promote(java.util.List<String> relatives, ActorRef<Taken> replyTo) implements Command {
    }

    /**
     * A failover from {@code from}, which is lost: this host's replicas of the level's datasets from there go back to
     * the last round they all hold ({@link FailoverPoint}) and become the level's own datasets.
     */
    public record FailOver(String level, String from, ActorRef<TookOver> replyTo) implements Command {
    }

    /**
     * @param snapshot   the round the level's data is at now
     * @param consistent false when the datasets are at different rounds (the primary was lost in the middle of one)
     * @param taken      the datasets taken over (relative to the pool), which are the level's own here now
     * @param missing    replicas that held no round, left as they were
     * @param error      why nothing was taken over, else null
     */
    public record TookOver(String snapshot, boolean consistent, java.util.List<String> taken, java.util.List<String> missing, String error) implements JsonEvent {
        static TookOver refused(String why) {
            return new TookOver(null, false, java.util.List.of(), java.util.List.of(), why);
        }
    }

    /** A takeover of {@code level} has answered. */
    private record FailedOverDone(String level) implements Command {
    }

    /**
     * Another host's model names {@code <relative>@<snapshot>} of this host's pool as its source: send it. {@code held}:
     * the guids of the snapshots the requester holds of it, so that it gets an increment when it can.
     */
    public record Offer(String relative, String snapshot, List<String> held, ActorRef<Offered> replyTo) implements Command {
    }

    /**
     * @param guid  the snapshot's guid
     * @param step  what {@code bytes} carry; null when the requester holds the snapshot already (no bytes then)
     * @param error why nothing is sent ("has no snapshot models/base@v1"), else null
     */
    public record Offered(String dataset, String guid, Wire step, SourceRef<ByteString> bytes, String error) implements JsonEvent {
    }

    /** @param error why the receive failed, else null */
    public record Taken(String dataset, String error) implements JsonEvent {
    }

    /**
     * @param pool     this node's pool (null: the dir store, which holds no replicas)
     * @param replicas made when first needed: a probe of the pool runs zfs
     */
    public static Behavior<Command> create(String pool, Supplier<Replicas> replicas, Executor zfs) {
        return Behaviors.setup(ctx -> {
            ctx.getSystem().receptionist().tell(Receptionist.register(KEY, ctx.getSelf()));
            java.util.Set<String> failingOver = new java.util.HashSet<>(); // levels whose takeover runs now
            return Behaviors.receiveMessage(m -> {
                if (pool == null) {
                    String why = "this host has no ZFS pool (it runs on the dir store), so it cannot be a standby";
                    if (m instanceof Probe p) p.replyTo().tell(new Held(null, null, why));
                    if (m instanceof Take t) t.replyTo().tell(new Taken(null, why));
                    if (m instanceof Promote pr) pr.replyTo().tell(new Taken(null, why));
                    if (m instanceof FailOver f) f.replyTo().tell(TookOver.refused(why));
                    if (m instanceof Offer o) o.replyTo().tell(new Offered(null, null, null, null, "has no ZFS pool (it runs on the dir store)"));
                    return Behaviors.same();
                }
                if (m instanceof Probe p) {
                    String dataset = pool + "/" + p.relative();
                    CompletableFuture.supplyAsync(() -> new Held(dataset, replicas.get().target(dataset), null), zfs)
                            .exceptionally(e -> new Held(dataset, null, cause(e)))
                            .thenAccept(p.replyTo()::tell);
                } else if (m instanceof Promote pr) {
                    CompletableFuture.supplyAsync(() -> {
                        for (String r : pr.relatives()) replicas.get().promote(pool + "/" + r);
                        return new Taken(pool, null);
                    }, zfs).exceptionally(e -> new Taken(pool, cause(e))).thenAccept(pr.replyTo()::tell);
                } else if (m instanceof FailOver f && !failingOver.add(f.level())) {
                    // an operator's zed failover beside the standby's own try (AutoFailover): one at a time, never interleaved
                    f.replyTo().tell(TookOver.refused("a failover of level " + f.level() + " to this host is under way: wait for its answer"));
                } else if (m instanceof FailOver f) {
                    CompletableFuture.supplyAsync(() -> takeOver(pool, replicas.get(), f), zfs)
                            .exceptionally(e -> TookOver.refused(cause(e))).thenAccept(took -> {
                                ctx.getSelf().tell(new FailedOverDone(f.level()));
                                f.replyTo().tell(took);
                            });
                } else if (m instanceof FailedOverDone d) {
                    failingOver.remove(d.level());
                } else if (m instanceof Offer o) {
                    String dataset = pool + "/" + o.relative();
                    org.apache.pekko.actor.typed.ActorSystem<Void> system = ctx.getSystem();
                    CompletableFuture.<Offered>supplyAsync(() -> offer(dataset, o, replicas.get(), system, zfs), zfs)
                            .exceptionally(e -> new Offered(dataset, null, null, null, cause(e)))
                            .thenAccept(o.replyTo()::tell);
                } else if (m instanceof Take t) {
                    String dataset = pool + "/" + t.relative();
                    InputStream in = t.bytes().getSource().runWith(StreamConverters.asInputStream(QUIET), ctx.getSystem());
                    CompletableFuture.supplyAsync(() -> {
                        replicas.get().receive(dataset, t.step().step(), in, t.origin());
                        return new Taken(dataset, null);
                    }, zfs).exceptionally(e -> new Taken(dataset, cause(e))).thenAccept(t.replyTo()::tell);
                }
                return Behaviors.same();
            });
        });
    }

    /** A model's source: the send starts here, and ends (its process waited for) when the stream has run out or failed. */
    private static Offered offer(String dataset, Offer o, Replicas replicas, org.apache.pekko.actor.typed.ActorSystem<?> system, Executor zfs) {
        String named = o.relative() + "@" + o.snapshot();
        ReplicaPlan.Target here = replicas.target(dataset);
        if (!here.exists()) return new Offered(dataset, null, null, null, "has no dataset " + o.relative() + " (so no snapshot " + named + ")");
        ReplicaPlan.Step step = zed.reconciler.model.ModelReceive.offer(here.snapshots(), o.snapshot(), java.util.Set.copyOf(o.held()));
        if (step == null) return new Offered(dataset, null, null, null, "has no snapshot " + named);
        String guid = here.snapshots().stream().filter(s -> s.name().equals(o.snapshot())).findFirst().orElseThrow().guid();
        if (step instanceof ReplicaPlan.UpToDate) return new Offered(dataset, guid, null, null, null);
        Replicas.Sending sending = replicas.send(dataset, step);
        org.apache.pekko.japi.Pair<java.util.concurrent.CompletionStage<org.apache.pekko.stream.IOResult>, SourceRef<ByteString>> run =
                StreamConverters.fromInputStream(sending::stream).toMat(org.apache.pekko.stream.javadsl.StreamRefs.sourceRef(),
                        org.apache.pekko.stream.javadsl.Keep.both()).run(system);
        // never taken (the requester went away): the stream ref's subscription timeout ends it, and the send with it
        run.first().whenCompleteAsync((r, e) -> sending.close(), zfs);
        return new Offered(dataset, guid, Wire.of(step), run.second(), null);
    }

    /** Only replicas of the lost host are taken: anything else is this host's own, or another's. */
    private static TookOver takeOver(String pool, Replicas replicas, FailOver f) {
        java.util.Map<String, java.util.List<String>> held = new java.util.TreeMap<>();
        // with those a failover took over and did not finish (a rollback's error on another dataset, the placement
        // table not answering): a failover asked again, by its operator or by AutoFailover, takes the level whole
        List<String> found = replicas.toTakeOver(pool, f.level(), f.from());
        for (String dataset : found) {
            held.put(dataset.substring(pool.length() + 1), replicas.snapshots(dataset).stream().map(ReplicaPlan.Snap::name).toList());
        }
        if (held.isEmpty()) return TookOver.refused("this host holds no replica of level " + f.level() + " from host " + f.from() + ": nothing was taken over");
        FailoverPoint.Decision d = FailoverPoint.decide(held);
        if (d == null) return TookOver.refused("this host holds no complete round of replication of level " + f.level() + " from " + f.from());
        // parents before children (a TreeMap of their names), each back to its round, then no replica any more
        for (java.util.Map.Entry<String, String> e : new java.util.TreeMap<>(d.rollbackTo()).entrySet()) {
            replicas.takeOver(pool + "/" + e.getKey(), e.getValue());
        }
        return new TookOver(d.snapshot(), d.consistent(), List.copyOf(new java.util.TreeSet<>(d.rollbackTo().keySet())), d.missing(), null);
    }

    /** What went wrong, without the wrapper a future adds. */
    public static String cause(Throwable e) {
        Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return c.getMessage() != null ? c.getMessage() : c.toString();
    }

    /** The receiver on {@code host}, through the receptionist; fails saying why when the host has none. */
    public static java.util.concurrent.CompletionStage<ActorRef<Command>> on(org.apache.pekko.actor.typed.ActorSystem<?> system, String host, Duration ask) {
        org.apache.pekko.cluster.typed.Cluster cluster = org.apache.pekko.cluster.typed.Cluster.get(system);
        org.apache.pekko.cluster.Member m = zed.actors.cluster.PlacementTable.Members.of(cluster, host);
        if (m == null) return CompletableFuture.failedFuture(new IllegalStateException("host " + host + " is not a member of the cluster now"));
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(),
                r -> Receptionist.find(KEY, r), ask, system.scheduler()).thenApply(listing -> {
            for (ActorRef<Command> ref : listing.getServiceInstances(KEY)) {
                // this node's own receiver's path has no host: a local ref
                if (ref.path().address().equals(m.address()) || m.equals(cluster.selfMember()) && ref.path().address().hasLocalScope()) return ref;
            }
            throw new IllegalStateException("host " + host + " has no replica receiver yet (is it starting?)");
        });
    }
}
