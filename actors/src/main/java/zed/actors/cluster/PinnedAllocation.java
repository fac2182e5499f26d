package zed.actors.cluster;

import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.actor.Address;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.sharding.ShardCoordinator;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.external.javadsl.ExternalShardAllocationClient;
import scala.collection.immutable.IndexedSeq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.jdk.javaapi.FutureConverters;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Places each level's shard on the node its placement names, and nowhere else. Pekko's
 * {@code ExternalShardAllocationStrategy} gives a shard to the node that asked when it has no location, or when the
 * location is not a member: a status request on host B would then start host A's level on B, with B's pool and
 * processes, while A is away. This strategy refuses instead (the coordinator retries, so the level starts as soon
 * as its host is back and its location written), which is the one thing it changes; rebalancing moves a shard to
 * its location as the external strategy does.
 */
public final class PinnedAllocation extends ShardCoordinator.AbstractShardAllocationStrategy {
    private final Cluster cluster;
    private final ExternalShardAllocationClient locations;

    public PinnedAllocation(ActorSystem system, String typeName) {
        this.cluster = Cluster.get(system);
        this.locations = ExternalShardAllocation.get((org.apache.pekko.actor.ClassicActorSystemProvider) system).getClient(typeName);
    }

    /** A refusal, retried by the coordinator; its message is the log line, so no stack trace. */
    static final class NotPlaced extends RuntimeException {
        NotPlaced(String message) {
            super(message, null, false, false);
        }
    }

    @Override
    public Future<ActorRef> allocateShard(ActorRef requester, String shardId, Map<ActorRef, IndexedSeq<String>> current) {
        return FutureConverters.asScala(locations.getShardLocations().thenApply(l -> {
            var location = l.getShardLocations().get(shardId);
            if (location == null) throw new NotPlaced("level " + shardId + " has no placement yet; it starts once the placement table wrote it");
            ActorRef region = regionAt(location.address(), current);
            if (region == null) throw new NotPlaced("level " + shardId + " is placed on " + location.address() + ", which has no live node now: it waits for its host, and runs nowhere else");
            return region;
        }));
    }

    @Override
    public Future<Set<String>> rebalance(Map<ActorRef, IndexedSeq<String>> current, Set<String> inProgress) {
        return FutureConverters.asScala(locations.getShardLocations().thenApply(l -> {
            Set<String> move = new HashSet<>();
            current.forEach((region, shards) -> {
                for (String shard : CollectionConverters.asJava(shards)) {
                    var location = l.getShardLocations().get(shard);
                    if (location == null || inProgress.contains(shard)) continue;
                    ActorRef there = regionAt(location.address(), current);
                    // only to a live node: a shard whose host is away stays where it is until the host is back; and only
                    // from one: a hand-off asked of a region that is gone waits out its timeout (a minute) before the
                    // coordinator lets the shard go, which it does anyway once it has seen the region's node removed
                    // (after down-removal-margin, the resolver's stable-after)
                    if (there != null && !there.equals(region) && live(region)) move.add(shard);
                }
            });
            return move;
        }));
    }

    /** Whether the region's node is a member that is not downed, removed or unreachable; this node's own always is. */
    private boolean live(ActorRef region) {
        Address a = region.path().address();
        if (!a.hasGlobalScope()) return true;
        var state = cluster.state();
        for (org.apache.pekko.cluster.Member m : state.getMembers()) {
            if (!m.address().equals(a)) continue;
            return PlacementTable.Members.current(m) && !state.getUnreachable().contains(m);
        }
        return false;
    }

    /** The shard region at {@code address}; this node's own region has a local address (no host and port). */
    private ActorRef regionAt(Address address, Map<ActorRef, IndexedSeq<String>> current) {
        boolean self = address.equals(cluster.selfAddress());
        for (ActorRef region : current.keySet()) {
            Address a = region.path().address();
            if (self ? !a.hasGlobalScope() : a.equals(address)) return region;
        }
        return null;
    }
}
