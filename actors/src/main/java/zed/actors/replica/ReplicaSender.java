package zed.actors.replica;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.stream.SourceRef;
import org.apache.pekko.stream.javadsl.StreamConverters;
import org.apache.pekko.stream.javadsl.StreamRefs;
import org.apache.pekko.util.ByteString;
import zed.actors.cluster.PlacementTable;
import zed.actors.level.LevelCommand;
import zed.config.LevelSpec;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The primary's side: after each Converged of a level with a standby, and every {@code failover.every}, snapshots
 * the level's datasets ({@value Replicas#PREFIX}...) and sends each to the standby's {@link ReplicaReceiver}, in full
 * the first time and as {@code -I} increments after; then tells the level, which journals the outcome. One round at
 * a time per level: a round asked for during one runs once it is over.
 */
public final class ReplicaSender {
    /** How long the standby may take to say what it holds, and to find it. */
    static final Duration ASK = Duration.ofSeconds(30);
    /** How long one dataset's transfer may take. */
    public static final Duration TRANSFER = Duration.ofMinutes(30);

    private ReplicaSender() {
    }

    public sealed interface Msg {
    }

    /** The level converged: replicate now, and every {@code failover.every} from now on. */
    public record Converged(LevelSpec spec, ActorRef<LevelCommand> level) implements Msg {
    }

    /** The level stopped, or has no standby any more. */
    public record Forget(String level) implements Msg {
    }

    /**
     * A planned move to {@code to}, its services stopped: one last round to {@code to}, then the replicas there become
     * the level's own datasets and the ones here become replicas of {@code to}. The level replicates from here no more.
     */
    public record Final(LevelSpec spec, String to, ActorRef<Moved> replyTo) implements Msg {
    }

    /** @param error why the move's last round failed (nothing was promoted then), else null */
    public record Moved(String snapshot, String error) implements zed.actors.JsonEvent {
    }

    private record Tick(String level) implements Msg {
    }

    private record Done(String level) implements Msg {
    }

    private static final class Entry {
        LevelSpec spec;
        ActorRef<LevelCommand> level;
        boolean running;
        boolean again;
        Final last;
        /** Forgotten while a round ran: kept until it ends, so that a move's last round never runs beside it. */
        boolean gone;
    }

    /**
     * @param origin   this host's name: what each replica's {@value Replicas#REPLICA_OF} says
     * @param replicas the pool side, per pool
     */
    public static Behavior<Msg> create(String origin, Function<String, Replicas> replicas, Executor zfs) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Map<String, Entry> entries = new HashMap<>();
            ActorSystem<?> system = ctx.getSystem();
            return Behaviors.receiveMessage(m -> {
                if (m instanceof Converged c && c.spec().failover().standby().equals(origin)) {
                    // moved here from its old host by zed move: the Zedfile still names this host as the standby
                    entries.remove(c.spec().id());
                    timers.cancel(c.spec().id());
                    c.level().tell(new LevelCommand.Replicated(origin, null, 0, Instant.now(), "the standby " + origin + " is the host the level runs on now; "
                            + "name another standby (the old host holds a replica of it)"));
                } else if (m instanceof Converged c) {
                    Entry e = entries.computeIfAbsent(c.spec().id(), k -> new Entry());
                    e.spec = c.spec();
                    e.level = c.level();
                    e.gone = false;
                    timers.startTimerWithFixedDelay(c.spec().id(), new Tick(c.spec().id()), c.spec().failover().every());
                    ctx.getSelf().tell(new Tick(c.spec().id()));
                } else if (m instanceof Forget f) {
                    timers.cancel(f.level());
                    Entry e = entries.get(f.level());
                    if (e != null && e.running) e.gone = true;
                    else entries.remove(f.level());
                } else if (m instanceof Final f) {
                    Entry e = entries.computeIfAbsent(f.spec().id(), k -> new Entry());
                    e.spec = f.spec();
                    e.last = f;
                    timers.cancel(f.spec().id());
                    if (!e.running) ctx.getSelf().tell(new Tick(f.spec().id()));
                } else if (m instanceof Tick t) {
                    Entry e = entries.get(t.level());
                    if (e == null) return Behaviors.same();
                    if (e.last != null && !e.running) {
                        Final f = e.last;
                        entries.remove(t.level());
                        CompletableFuture.supplyAsync(() -> move(system, origin, replicas, f.spec(), f.to()), zfs)
                                .handle((snap, err) -> new Moved(snap, err == null ? null : ReplicaReceiver.cause(err)))
                                .thenAccept(f.replyTo()::tell);
                        return Behaviors.same();
                    }
                    if (e.running) {
                        e.again = true;
                        return Behaviors.same();
                    }
                    if (e.gone) return Behaviors.same();
                    e.running = true;
                    LevelSpec spec = e.spec;
                    ActorRef<LevelCommand> level = e.level;
                    CompletableFuture.supplyAsync(() -> round(system, origin, replicas, spec), zfs)
                            .handle((snap, err) -> new LevelCommand.Replicated(spec.failover().standby(), snap, spec.datasets().size(), Instant.now(),
                                    err == null ? null : ReplicaReceiver.cause(err)))
                            .thenAccept(r -> {
                                level.tell(r);
                                ctx.getSelf().tell(new Done(spec.id()));
                            });
                } else if (m instanceof Done d) {
                    Entry e = entries.get(d.level());
                    if (e == null) return Behaviors.same();
                    e.running = false;
                    if (e.gone && e.last == null) {
                        entries.remove(d.level());
                    } else if (e.again || e.last != null) {
                        e.again = false;
                        ctx.getSelf().tell(new Tick(d.level()));
                    }
                }
                return Behaviors.same();
            });
        }));
    }

    /** One round to the level's standby, blocking (on the zfs executor): every dataset at one new snapshot. Returns its name. */
    static String round(ActorSystem<?> system, String origin, Function<String, Replicas> replicas, LevelSpec spec) {
        return round(system, origin, replicas, spec, spec.failover().standby());
    }

    /** The move's last round to {@code to}, then the swap: the replicas there are the level's, the datasets here replicas. */
    static String move(ActorSystem<?> system, String origin, Function<String, Replicas> replicas, LevelSpec spec, String to) {
        String snap = round(system, origin, replicas, spec, to);
        List<String> names = spec.datasets().stream().map(LevelSpec.DatasetSpec::name).sorted().toList();
        ReplicaReceiver.Taken promoted = await(AskPattern.ask(receiver(system, to), r -> new ReplicaReceiver.Promote(names, r), ASK, system.scheduler()),
                "host " + to + " did not take the level's datasets as its own within " + ASK.toSeconds() + "s");
        if (promoted.error() != null) throw new IllegalStateException("host " + to + ": " + promoted.error());
        Replicas pool = replicas.apply(spec.pool());
        for (String n : names) pool.demote(spec.pool() + "/" + n, to);
        return snap;
    }

    static String round(ActorSystem<?> system, String origin, Function<String, Replicas> replicas, LevelSpec spec, String standby) {
        if (spec.pool() == null) throw new IllegalStateException("level " + spec.id() + " keeps its datasets in the dir store: only ZFS datasets replicate");
        // parents before children, so that a child's replica has its parent there
        List<String> names = spec.datasets().stream().map(LevelSpec.DatasetSpec::name).sorted().toList();
        if (names.isEmpty()) return null;
        if (standby.equals(origin)) throw new IllegalStateException("host " + origin + " is where the level runs: it cannot be its own standby");
        Replicas pool = replicas.apply(spec.pool());
        String snap = pool.snapshot(names.stream().map(n -> spec.pool() + "/" + n).toList(), Instant.now());
        ActorRef<ReplicaReceiver.Command> receiver = receiver(system, standby);
        for (String name : names) {
            String full = spec.pool() + "/" + name;
            ReplicaReceiver.Held held = await(AskPattern.ask(receiver, r -> new ReplicaReceiver.Probe(name, r), ASK, system.scheduler()),
                    "standby " + standby + " did not say what it holds of " + name + " within " + ASK.toSeconds() + "s");
            if (held.error() != null) throw new IllegalStateException("standby " + standby + ": " + held.error());
            ReplicaPlan.Step step = ReplicaPlan.decide(origin, held.dataset(), ReplicaPlan.upTo(pool.snapshots(full), snap), held.target());
            if (step instanceof ReplicaPlan.Refuse r) throw new IllegalStateException("standby " + standby + ": " + r.why());
            if (step instanceof ReplicaPlan.UpToDate || step instanceof ReplicaPlan.NothingYet) continue;
            try (Replicas.Sending sending = pool.send(full, step)) {
                SourceRef<ByteString> bytes = StreamConverters.fromInputStream(sending::stream).runWith(StreamRefs.sourceRef(), system);
                ReplicaReceiver.Taken taken = await(AskPattern.ask(receiver, r -> new ReplicaReceiver.Take(name, origin, Wire.of(step), bytes, r), TRANSFER,
                        system.scheduler()), "standby " + standby + " did not finish receiving " + name + " within " + TRANSFER.toMinutes() + " min");
                if (taken.error() != null) throw new IllegalStateException("standby " + standby + ": " + taken.error());
                sending.finish();
            }
            pool.prune(full, snap);
        }
        return snap;
    }

    /** The standby's receiver: the one the receptionist lists at the standby member's address. */
    static ActorRef<ReplicaReceiver.Command> receiver(ActorSystem<?> system, String standby) {
        return await(ReplicaReceiver.on(system, standby, ASK), "the receptionist did not answer");
    }

    static <T> T await(java.util.concurrent.CompletionStage<T> stage, String timeout) {
        try {
            return stage.toCompletableFuture().get(TRANSFER.toMillis() + ASK.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException) throw new IllegalStateException(timeout);
            throw new IllegalStateException(ReplicaReceiver.cause(e.getCause()), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
