package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import zed.actors.cluster.PlacementTable;

import java.time.Duration;

/**
 * Keeps every level placed on this host awake: a level is always on (its resource actors keep its datasets, jails
 * and services as declared), so one that stopped for any reason (a failure its own supervision gave up on, a shard
 * restarted) is started again by the next wake, without waiting for someone to call the API. Each wake first reads
 * the placement table, so the node also learns the levels pushed through other nodes. Only this host's levels are
 * woken: another host's are its own to wake, and a wake from here for a host that is away would only wait.
 */
public final class Wakeup {
    /** How often every level of this host is woken. */
    public static final Duration EVERY = Duration.ofSeconds(30);
    static final Duration ASK = Duration.ofSeconds(5);

    private Wakeup() {
    }

    private sealed interface Msg {
    }

    private record Tick() implements Msg {
    }

    private record Read(PlacementTable.Placements placements) implements Msg {
    }

    public static Behavior<Object> create(KnownLevels levels, ActorRef<PlacementTable.Command> table, Duration every) {
        return create(levels, table, every, placements -> { });
    }

    /** Whether a level that was on {@code self} is placed on another host now. */
    static boolean movedAway(java.util.Set<String> here, java.util.Map<String, String> now, String self) {
        return here.stream().anyMatch(id -> now.containsKey(id) && !now.get(id).equals(self));
    }

    /**
     * @param movedAway told the placements when a level this node knew on this host is placed on another now (a
     *                  failover while this node ran: it was restarted before the placement was written), so that its
     *                  services here stop ({@link zed.actors.replica.Fencing}) without waiting for the next start
     */
    public static Behavior<Object> create(KnownLevels levels, ActorRef<PlacementTable.Command> table, Duration every,
                                          java.util.function.Consumer<java.util.Map<String, String>> movedAway) {
        return Behaviors.<Msg>withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), every);
            java.util.Set<String> here = new java.util.HashSet<>(levels.on(levels.self()));
            return Behaviors.receive((ctx, msg) -> {
                if (msg instanceof Tick) {
                    // no answer (the table moves, the cluster is split): wake what is known
                    ctx.ask(PlacementTable.Placements.class, table, ASK, PlacementTable.Get::new, (p, e) -> new Read(p));
                } else if (msg instanceof Read r) {
                    if (r.placements() != null) {
                        levels.replace(r.placements().levels());
                        java.util.Map<String, String> now = r.placements().levels();
                        // what this wake saw here before, not what the node knows (a request may have refreshed it meanwhile)
                        if (movedAway(here, now, levels.self())) movedAway.accept(now);
                        here.clear();
                        here.addAll(levels.on(levels.self()));
                    }
                    ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
                    for (String id : levels.on(levels.self())) sharding.entityRefFor(LevelEntity.KEY, id).tell(new LevelCommand.Wake());
                    // a multi-host level's rollout, which a node's crash may have stopped midway, resumes
                    for (String id : levels.on(levels.self())) {
                        if (zed.actors.cluster.Instances.isInstance(id)) {
                            sharding.entityRefFor(zed.actors.rollout.RolloutEntity.KEY, zed.actors.cluster.Instances.levelOf(id)).tell(new zed.actors.rollout.RolloutCommand.Wake());
                        }
                    }
                }
                return Behaviors.same();
            });
        }).unsafeCast();
    }
}
