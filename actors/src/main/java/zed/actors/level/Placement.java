package zed.actors.level;

import org.apache.pekko.Done;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocationStrategy;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a level runs. A level reads its host's pools, paths and ports, so it is pinned to that host rather than
 * hashed onto whichever node sharding likes: every level is its own shard (shard id = level id), and the shards are
 * placed by an external shard allocation that Zed writes. On a cluster of one that is always this node; the
 * cluster issue pins levels to the hosts that hold their pools with the same call.
 */
public final class Placement {
    private Placement() {
    }

    /** How long the allocation strategy waits for the location store before it falls back to the asking node. */
    static final Duration LOOKUP = Duration.ofSeconds(5);

    /** The level entity, one shard per level, placed by the external allocation. */
    public static Entity<LevelCommand, ShardingEnvelope<LevelCommand>> entity(ActorSystem<?> system, LevelHost host) {
        return Entity.of(LevelEntity.KEY, ctx -> LevelEntity.create(ctx.getEntityId(), host,
                        self -> ctx.getShard().tell(new org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.Passivate<>(self))))
                // a level is always on: its resource actors are its children, and an idle entity passivated after
                // sharding's default 2 minutes would stop keeping its datasets, jails and services
                .withSettings(org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings.create(system).withNoPassivationStrategy())
                // not stopped outright: a push it is evaluating is answered first (LevelEntity.onPassivate)
                .withStopMessage(new LevelCommand.Passivate())
                .withMessageExtractor(new PerLevel())
                .withAllocationStrategy(ExternalShardAllocationStrategy.create(system, LevelEntity.KEY.name(), LOOKUP));
    }

    /** Pins the level to this node; completes once the location is written locally. */
    public static CompletionStage<Done> pinHere(ActorSystem<?> system, String level) {
        return pinHere(system, java.util.List.of(level));
    }

    /** Pins the levels to this node in one write (a node waking every level of its journal). */
    public static CompletionStage<Done> pinHere(ActorSystem<?> system, java.util.Collection<String> levels) {
        Address self = Cluster.get(system).selfMember().address();
        Map<String, Address> here = new java.util.HashMap<>();
        for (String l : levels) here.put(l, self);
        return ExternalShardAllocation.get(system).getClient(LevelEntity.KEY.name()).setShardLocations(here);
    }

    /** Every level's pinned node, as written so far. */
    public static CompletionStage<Map<String, Address>> locations(ActorSystem<?> system) {
        return ExternalShardAllocation.get(system).getClient(LevelEntity.KEY.name()).getShardLocations()
                .thenApply(l -> {
                    Map<String, Address> out = new java.util.TreeMap<>();
                    l.getShardLocations().forEach((shard, location) -> out.put(shard, location.address()));
                    return out;
                });
    }

    /** One shard per level: the shard id is the level id, so a level can be placed on its own. */
    static final class PerLevel extends ShardingMessageExtractor<ShardingEnvelope<LevelCommand>, LevelCommand> {
        @Override
        public String entityId(ShardingEnvelope<LevelCommand> envelope) {
            return envelope.entityId();
        }

        @Override
        public String shardId(String entityId) {
            return entityId;
        }

        @Override
        public LevelCommand unwrapMessage(ShardingEnvelope<LevelCommand> envelope) {
            return envelope.message();
        }
    }
}
