package zed.actors.cluster;

import java.util.Set;

/**
 * Where a pushed level runs: pure, so that every case is tested without a cluster. A level stays where it was
 * first placed; a new one goes to the host its Zedfile names, or else to the host that received it.
 */
public final class PlacementRule {
    private PlacementRule() {
    }

    public sealed interface Decision {
    }

    /** @param fresh the level had no placement before (a push that is refused takes it back) */
    public record Place(String host, boolean fresh) implements Decision {
    }

    public record Refuse(Why why, String message) implements Decision {
        public enum Why { NOT_A_MEMBER, MOVE }
    }

    /**
     * @param existing  the level's host so far, null for a new level
     * @param declared  the host its Zedfile names ({@code level { host = ... }}), null for none
     * @param receiving the host of the node the push came to
     * @param members   the host names of the cluster's members now (unreachable ones included: they are members)
     */
    public static Decision decide(String level, String existing, String declared, String receiving, Set<String> members) {
        if (declared != null && !members.contains(declared)) return new Refuse(Refuse.Why.NOT_A_MEMBER, notAMember(declared, members));
        if (existing != null && declared != null && !existing.equals(declared)) {
            return new Refuse(Refuse.Why.MOVE, "level " + level + " runs on host " + existing + ", not " + declared
                    + ": a push does not move a level between hosts (moving one is not supported yet); keep host = \"" + existing + "\"");
        }
        if (existing != null) return new Place(existing, false);
        return new Place(declared != null ? declared : receiving, true);
    }

    /** Why a host a Zedfile names (its host, its standby) cannot be used, null when it is a member. */
    public static String notAMember(String host, Set<String> members) {
        if (members.contains(host)) return null;
        return "host \"" + host + "\" is not a member of the cluster (members: " + String.join(", ", new java.util.TreeSet<>(members)) + ")";
    }
}
