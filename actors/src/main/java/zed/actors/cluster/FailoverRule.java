package zed.actors.cluster;

/**
 * Whether a failover may take a level from a host the cluster no longer counts a member, from how the cluster removed
 * it (the placement table keeps it: {@link PlacementTable.HostRemoved}). Downed: the split-brain resolver's other side
 * or a dead host, whose node stood down and stopped the level's services. Left: its operator stopped its agent, which
 * leaves its services running, so a failover would run the level on two hosts. Unknown: no node told the table (every
 * node restarted since); the operator says, with {@code --force}, that the host's services are stopped.
 */
public final class FailoverRule {
    private FailoverRule() {
    }

    /** @return why the failover is refused, or null when it may go on */
    public static String refusal(String level, String from, String to, String how, boolean force) {
        if (force || PlacementTable.DOWNED.equals(how)) return null;
        String then = ": stop the level's services on " + from + " (or start its agent again: zed move " + level + " --to " + to
                + " loses nothing), or, if " + from + " and its services are down, ask again with --force";
        if (PlacementTable.LEFT.equals(how)) {
            return "host " + from + " left the cluster (its agent was stopped, which leaves its services running): a failover now could run level "
                    + level + " on two hosts" + then;
        }
        return "the cluster keeps no record of how host " + from + " went (downed, or left with its services running)" + then;
    }
}
