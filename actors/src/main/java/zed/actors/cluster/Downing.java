package zed.actors.cluster;

import java.time.Duration;

/**
 * When the split-brain resolver downs a lost host, and when its levels may start elsewhere: most of a lost host's
 * failover time. A loss is noticed in about 5 s; the resolver acts once the cluster has been stable for
 * {@code stable-after}; the shards (and singletons) of the downed host start elsewhere {@code down-removal-margin}
 * after that.
 *
 * <p>stable-after: Pekko's default, 20 s, is its recommended minimum for 100 nodes. A Zed cluster is 1 to 50 hosts,
 * and Pekko recommends less for those (7 s for 5 nodes, 10 s for 10, 13 s for 20, 17 s for 50: gossip must have
 * spread a change before the resolver acts on it). The size is the number of hosts in {@code cluster.conf}, the same
 * file on every host, so that every node waits as long ("use the same configuration on all nodes"); a node without
 * it (seeds given by flag) keeps Pekko's 20 s.
 *
 * <p>down-removal-margin: Pekko's, stable-after, which assumes the other side downs itself when this one downs it.
 * With lease-majority it does: both sides ask for the lease at their decision (Pekko's
 * {@code acquire-lease-delay-for-minority} is 0), the larger side takes it, and the smaller one, which leaves a free
 * row to the other side for {@link #MINORITY_DELAY} ({@link PostgresLease}), hears no as soon as the other side
 * holds it: it downs itself and stops its levels with a standby (the first phase of its coordinated shutdown) within
 * one look at the row of the later of the two decisions. The slack, the margin less what the cut-off side needs to
 * stand down, is stable-after less the services' stop grace and that look: what the two sides' failure detectors may
 * disagree by. (Before, the smaller side asked only 6 s after its decision, and the margin was stable-after + 6 s.)
 *
 * <p>down-all-when-unstable: see {@link #downAllWhenUnstable}.
 * Pure.
 */
public final class Downing {
    /** Pekko's default, for a cluster whose size is not known. */
    static final Duration UNKNOWN = Duration.ofSeconds(20);
    /**
     * How long the side that may be the minority leaves a free lease to the other side before it claims it (the
     * lease's {@code minority-wait}): Pekko's 2 s may be less than the skew between the sides' failure detectors on a
     * loaded host (a loaded CI run saw a cut host still up 90 s later); a minority that must take over (the majority
     * gone) waits this much more. It is no longer part of every failover: the minority hears no as soon as the
     * majority holds the lease, so the margin does not add it (docs/cluster.md, How long a lost host takes).
     */
    public static final Duration MINORITY_DELAY = Duration.ofSeconds(6);

    private Downing() {
    }

    /** Pekko's recommended minimum for a cluster of {@code hosts}, rounded up to the next size it names; 0: not known. */
    public static Duration stableAfter(int hosts) {
        if (hosts <= 0) return UNKNOWN;
        if (hosts <= 5) return Duration.ofSeconds(7);
        if (hosts <= 10) return Duration.ofSeconds(10);
        if (hosts <= 20) return Duration.ofSeconds(13);
        if (hosts <= 50) return Duration.ofSeconds(17);
        if (hosts <= 100) return Duration.ofSeconds(20);
        return Duration.ofSeconds(30);
    }

    /** After the resolver downs a host, how long before its levels may start elsewhere: Pekko's, stable-after. */
    public static Duration removalMargin(int hosts) {
        return stableAfter(hosts);
    }

    /**
     * How long past stable-after a node whose view keeps a host unreachable (and not downed) waits before it downs
     * every node, itself included (Pekko's instability check, which runs on every node, not only on the leader that
     * decides). Pekko's default, 3/4 of stable-after (5.25 s with 7 s), is shorter than the leader's wait for a lease
     * whose holder died: the leader's acquire waits for the dead holder's row to run out, up to the lease's
     * heartbeat-timeout after its last renewal (no later than the death) and one claim's time
     * ({@link PostgresLease#HEARTBEAT_TIMEOUT} + {@link PostgresLease#OPERATION_TIMEOUT}, 25 s), while another
     * survivor's check counts from its own first sight of the death (about 4 s): with Pekko's default it downs the
     * whole cluster about 16 s after the death. So it is that wait: the check fires no earlier than stable-after + 25 s after the death,
     * after the leader has downed the dead host, and stable-after is left for that downing to reach the others (its
     * removal ends their check). The cost: a cluster whose reachability truly keeps changing downs itself 20 s later
     * than Pekko's default would.
     */
    public static Duration downAllWhenUnstable(int hosts) {
        Duration pekkos = stableAfter(hosts).multipliedBy(3).dividedBy(4);
        if (pekkos.compareTo(Duration.ofSeconds(4)) < 0) pekkos = Duration.ofSeconds(4);
        Duration deadHolder = deadHolderWait();
        return pekkos.compareTo(deadHolder) > 0 ? pekkos : deadHolder;
    }

    /** The longest a survivor's acquire waits for the lease of a holder that died, counted from the death. */
    public static Duration deadHolderWait() {
        return PostgresLease.HEARTBEAT_TIMEOUT.plus(PostgresLease.OPERATION_TIMEOUT);
    }

    /**
     * How often, once the margin is over, a node asks again where a lost host's shards and singletons went: a shard
     * region asks the coordinator for a shard's new home, and registers with a coordinator that moved, every
     * {@code retry-interval} (Pekko's 2 s), and the coordinator does not answer for a shard of a host still inside its
     * margin; a singleton proxy looks for a moved singleton (the placement table) every identification interval
     * (Pekko's 1 s). Each wait is a step of a failover after the margin, not part of it: shorter answers sooner and
     * starts nothing earlier. A shard that cannot be placed (its host away) is asked for this often too.
     */
    static final Duration ASK_AGAIN = Duration.ofMillis(500);
    static final Duration FIND_SINGLETON = Duration.ofMillis(250);

    /** The settings, for a cluster of {@code hosts} (0: not known) whose resolver is lease-majority. */
    public static String config(int hosts) {
        return "pekko.cluster.split-brain-resolver.stable-after = " + stableAfter(hosts).toSeconds() + "s\n"
                + "pekko.cluster.split-brain-resolver.lease-majority.acquire-lease-delay-for-minority = 0s\n"
                + "pekko.cluster.split-brain-resolver.down-all-when-unstable = " + downAllWhenUnstable(hosts).toSeconds() + "s\n"
                + "pekko.cluster.down-removal-margin = " + removalMargin(hosts).toSeconds() + "s\n"
                + "pekko.cluster.sharding.retry-interval = " + ASK_AGAIN.toMillis() + "ms\n"
                + "pekko.cluster.singleton-proxy.singleton-identification-interval = " + FIND_SINGLETON.toMillis() + "ms\n";
    }
}
