package zed.actors.node;

import java.util.Optional;

/**
 * Whether a PostgreSQL server has room for the journal connections of every host of the cluster. Each node's pool
 * holds up to {@link #PER_NODE} (one at rest; the second while a stream holds the first, as every host does at once
 * during a rollout across all of them), and a split-brain decision opens one more for its lease, briefly: a 50-host
 * cluster needs more than the default {@code max_connections} (100, 3 of them reserved for superusers), which a
 * 50-node simulation ran out of in its first rollout ("remaining connection slots are reserved"), its levels'
 * writes failing until connections were freed.
 */
public final class ServerConnections {
    /** The journal pool's {@code maxConnections} on PostgreSQL. */
    public static final int PER_NODE = 2;

    /** For the split-brain resolver's lease and a few clients of the operator's (psql, a backup). */
    static final int SPARE = 10;

    private ServerConnections() {
    }

    /**
     * @param hosts          the hosts in {@code cluster.conf} (0: unknown, nothing said)
     * @param maxConnections the server's {@code max_connections}
     * @param reserved       its {@code superuser_reserved_connections}
     * @return what to tell the operator when the room is short
     */
    public static Optional<String> shortfall(int hosts, int maxConnections, int reserved) {
        if (hosts <= 0) return Optional.empty();
        int room = maxConnections - reserved, need = hosts * PER_NODE + SPARE;
        if (room >= need) return Optional.empty();
        return Optional.of("the journal's PostgreSQL server allows " + maxConnections + " connections (" + reserved + " reserved for superusers): room for "
                + room + ", and the " + hosts + " hosts of cluster.conf may hold " + hosts * PER_NODE + " at once (" + PER_NODE + " each, during a rollout "
                + "across all of them) besides the split-brain lease's: set max_connections to at least " + (need + reserved)
                + " (ALTER SYSTEM SET max_connections = " + (need + reserved) + "; then restart PostgreSQL), or a journal write fails "
                + "with \"remaining connection slots are reserved\" when they are all busy");
    }
}
