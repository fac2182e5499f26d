package zed.actors.level;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;

import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Where a level runs. A level reads its host's pools, paths and ports, so it is pinned to that host rather than
 * hashed onto whichever node sharding likes: every level is its own shard (shard id = level id), and the shards are
 * placed by the external shard allocation that the cluster's {@link zed.actors.cluster.PlacementTable} writes, through
 * {@link zed.actors.cluster.PinnedAllocation}, which never starts a level on a host other than its own.
 */
public final class Placement {
    private Placement() {
    }

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
                .withAllocationStrategy(new zed.actors.cluster.PinnedAllocation(org.apache.pekko.actor.typed.javadsl.Adapter.toClassic(system), LevelEntity.KEY.name()));
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
