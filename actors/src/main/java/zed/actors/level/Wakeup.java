package zed.actors.level;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.time.Duration;

/**
 * Keeps every level this node knows awake: a level is always on (its resource actors keep its datasets, jails and
 * services as declared), so one that stopped for any reason (a failure its own supervision gave up on, a shard
 * restarted) is started again by the next wake, without waiting for someone to call the API.
 */
public final class Wakeup {
    /** How often every known level is woken. */
    public static final Duration EVERY = Duration.ofSeconds(30);

    private Wakeup() {
    }

    private record Tick() {
    }

    public static Behavior<Object> create(KnownLevels levels, Duration every) {
        return Behaviors.withTimers(timers -> {
            timers.startTimerWithFixedDelay(new Tick(), every);
            return Behaviors.receive((ctx, msg) -> {
                ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
                for (String id : levels.all()) sharding.entityRefFor(LevelEntity.KEY, id).tell(new LevelCommand.Wake());
                return Behaviors.same();
            });
        });
    }
}
