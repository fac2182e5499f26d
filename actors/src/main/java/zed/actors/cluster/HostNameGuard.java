package zed.actors.cluster;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One node per host name: placements name hosts, and two nodes that both call themselves h2 would both be given
 * h2's levels, each with its own pool and processes. When a reachable member of the same name is older, this node
 * stops (its levels stay with the one that was there first); a member of the same name that is unreachable is taken
 * for this host's previous life (a node restarted before the old one was downed), not a twin. It keeps its own view
 * of the members from the events it gets: the cluster's shared state may lag behind them.
 */
public final class HostNameGuard {
    private HostNameGuard() {
    }

    /** @param stop called once, with why, when this node must stop */
    public static Behavior<ClusterEvent.ClusterDomainEvent> create(String host, Consumer<String> stop) {
        return Behaviors.setup(ctx -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.MemberEvent.class));
            cluster.subscriptions().tell(Subscribe.create(ctx.getSelf().narrow(), ClusterEvent.ReachabilityEvent.class));
            UniqueAddress self = cluster.selfMember().uniqueAddress();
            Map<UniqueAddress, Member> up = new HashMap<>();
            Set<UniqueAddress> unreachable = new HashSet<>();
            return Behaviors.receiveMessage(e -> {
                if (e instanceof ClusterEvent.MemberUp u) up.put(u.member().uniqueAddress(), u.member());
                else if (e instanceof ClusterEvent.MemberEvent m && m.member().status() != MemberStatus.up()) up.remove(m.member().uniqueAddress());
                else if (e instanceof ClusterEvent.UnreachableMember u) unreachable.add(u.member().uniqueAddress());
                else if (e instanceof ClusterEvent.ReachableMember r) unreachable.remove(r.member().uniqueAddress());
                Member me = up.get(self);
                if (me == null) return Behaviors.same();
                for (Member m : up.values()) {
                    if (m.uniqueAddress().equals(self) || unreachable.contains(m.uniqueAddress()) || !host.equals(PlacementTable.Members.hostOf(m))) continue;
                    if (m.isOlderThan(me)) {
                        stop.accept("another node already runs as host " + host + " (at " + m.address() + "); this one ("
                                + me.address() + ") stops: start it with a --host of its own");
                        return Behaviors.stopped();
                    }
                }
                return Behaviors.same();
            });
        });
    }
}
