package zed.actors.cluster;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

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

    /**
     * One instance of the level on each of {@code hosts} ({@code hosts = [...]}).
     *
     * @param fresh the level had no placement before
     */
    public record PlaceEach(List<String> hosts, boolean fresh) implements Decision {
        public PlaceEach {
            hosts = List.copyOf(hosts);
        }
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
        return decide(level, existing, List.of(), declared, receiving, members);
    }

    /** As above, for a level that may run on several hosts already: {@code existingHosts} its instances' hosts. */
    public static Decision decide(String level, String existing, List<String> existingHosts, String declared, String receiving, Set<String> members) {
        if (declared != null && !members.contains(declared)) return refuseNotAMember(declared, members);
        if (!existingHosts.isEmpty()) {
            return new Refuse(Refuse.Why.MOVE, "level " + level + " runs on hosts " + String.join(", ", existingHosts)
                    + ": a push does not change the hosts of a level (not supported yet); keep hosts = " + quoted(existingHosts));
        }
        if (existing != null && declared != null && !existing.equals(declared)) {
            return new Refuse(Refuse.Why.MOVE, "level " + level + " runs on host " + existing + ", not " + declared
                    + ": a push does not move a level between hosts: keep host = \"" + existing + "\", or move it with zed move " + level + " --to " + declared);
        }
        if (existing != null) return new Place(existing, false);
        return new Place(declared != null ? declared : receiving, true);
    }

    /**
     * Where a level with {@code hosts = [...]} runs: one instance on each declared host, every one a member; the hosts
     * of a placed level do not change with a push.
     *
     * @param existing      the level's one host so far when it is a single-host level, else null
     * @param existingHosts the hosts of its instances so far, empty for a new level
     * @param declared      the hosts its Zedfile names, at least one
     */
    public static Decision decideEach(String level, String existing, List<String> existingHosts, List<String> declared, Set<String> members) {
        for (String h : declared) if (!members.contains(h)) return refuseNotAMember(h, members);
        if (existing != null) {
            return new Refuse(Refuse.Why.MOVE, "level " + level + " runs on host " + existing + " alone: a push does not make it run on several hosts "
                    + "(not supported yet); keep host = \"" + existing + "\"");
        }
        if (existingHosts.isEmpty()) return new PlaceEach(declared, true);
        if (!new TreeSet<>(existingHosts).equals(new TreeSet<>(declared))) {
            return new Refuse(Refuse.Why.MOVE, "level " + level + " runs on hosts " + String.join(", ", existingHosts)
                    + ": a push does not change the hosts of a level (not supported yet); keep hosts = " + quoted(existingHosts));
        }
        return new PlaceEach(declared, false);
    }

    /** Why a host a Zedfile names (its host, its hosts, its standby) cannot be used, null when it is a member. */
    public static String notAMember(String host, Set<String> members) {
        if (members.contains(host)) return null;
        return "host \"" + host + "\" is not a member of the cluster (members: " + String.join(", ", new TreeSet<>(members)) + ")";
    }

    private static Refuse refuseNotAMember(String host, Set<String> members) {
        return new Refuse(Refuse.Why.NOT_A_MEMBER, notAMember(host, members));
    }

    private static String quoted(List<String> hosts) {
        return "[" + String.join(", ", hosts.stream().map(h -> "\"" + h + "\"").toList()) + "]";
    }
}
