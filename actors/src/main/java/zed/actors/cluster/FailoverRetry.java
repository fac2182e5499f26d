package zed.actors.cluster;

import java.time.Duration;

/**
 * Whether, and when, a standby tries again an auto failover that failed (zfs-fuse has answered {@code cannot rollback
 * ... I/O error} on a standby's first rollback after a fresh start; the next try worked). A failed try is tried again
 * after 1 s, doubling up to 30 s, for as long as it is still needed: the level still placed on the host the cluster
 * downed (not placed elsewhere meanwhile, by a try that got further than its answer, or by an operator), that host
 * not a member again (it came back: it runs the level itself), and this host still its auto standby. Pure.
 */
public final class FailoverRetry {
    static final Duration FIRST = Duration.ofSeconds(1);
    static final Duration LONGEST = Duration.ofSeconds(30);

    private FailoverRetry() {
    }

    /** The wait after the {@code failures}th failed try in a row (1 for the first). */
    public static Duration backoff(int failures) {
        if (failures <= 1) return FIRST;
        // doubling, capped before it could overflow
        int doublings = Math.min(failures - 1, 16);
        Duration d = FIRST.multipliedBy(1L << doublings);
        return d.compareTo(LONGEST) > 0 ? LONGEST : d;
    }

    /**
     * Before a try again: why not, or null to go on.
     *
     * @param table        what the placement table says now: where each level runs, and each auto level's standby
     * @param fromIsMember whether the downed host is a member of the cluster again
     */
    public static String stop(String level, String from, String self, PlacementTable.AutoStandbys table, boolean fromIsMember) {
        String host = table.levels().get(level);
        if (host == null) return "level " + level + " is no longer in the placement table";
        if (!host.equals(from)) return "level " + level + " is placed on " + host + " now";
        if (fromIsMember) return "host " + from + " is a member of the cluster again";
        if (!self.equals(table.standbys().get(level))) return "this host (" + self + ") is no longer level " + level + "'s auto standby";
        return null;
    }

    /** Whether a failover's answer (its HTTP status, then its body: {@code HttpApi.failOver}) says it worked. */
    public static boolean worked(String answer) {
        return answer != null && answer.startsWith("200 ");
    }
}
