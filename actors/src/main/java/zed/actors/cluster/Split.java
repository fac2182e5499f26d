package zed.actors.cluster;

import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;

import java.util.Set;

/**
 * This node's side of a split as the split-brain resolver's {@code lease-majority} counts it when it decides: the
 * members that count (not joining, weakly up, down or exiting), how many of them are unreachable, and whether the
 * lowest address, which keeps an equal split, is among them. The minority is the side that must give the other side
 * time to take the lease first ({@link PostgresLease}'s wait for a free row). Pure.
 *
 * @param members            the members that count, this node's included
 * @param unreachable        how many of them are unreachable from this side
 * @param lowestUnreachable whether the member with the lowest address is one of them
 */
public record Split(int members, int unreachable, boolean lowestUnreachable) {
    /** As Pekko's {@code LeaseMajority.isInMinority}: fewer than half reachable, or half and without the lowest address. */
    public boolean minority() {
        if (members == 0) return false;
        if (unreachable * 2 == members) return lowestUnreachable;
        return unreachable * 2 > members;
    }

    /** From the cluster's current state on this node (its members sorted by address, as Pekko's are). */
    public static Split of(ClusterEvent.CurrentClusterState state) {
        Set<Member> unreachable = state.getUnreachable();
        int members = 0;
        int away = 0;
        boolean lowestAway = false;
        for (Member m : state.getMembers()) {
            MemberStatus s = m.status();
            if (s == MemberStatus.joining() || s == MemberStatus.weaklyUp() || s == MemberStatus.down() || s == MemberStatus.exiting()) continue;
            boolean gone = unreachable.contains(m);
            if (members == 0) lowestAway = gone;
            members++;
            if (gone) away++;
        }
        return new Split(members, away, lowestAway);
    }
}
