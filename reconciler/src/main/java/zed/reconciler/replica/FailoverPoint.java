package zed.reconciler.replica;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where a failover takes a level's replicas back to, from what the standby holds of each dataset: pure, so that every
 * case is tested without a pool. A round of replication snapshots every dataset under one name and sends them one by
 * one, so the newest name that every replica holds is the last complete round: all datasets go back to it. A primary
 * lost in the middle of a round can leave no such name (a receive prunes the replica's older rounds): then each
 * dataset goes back to its own newest round, and {@code consistent} is false.
 */
public final class FailoverPoint {
    /** How a round's snapshot is named after its time ({@link Replicas#PREFIX} + this). */
    public static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);

    private FailoverPoint() {
    }

    /**
     * @param rollbackTo each replica's snapshot to go back to, by dataset
     * @param snapshot   the round all of them are at (the oldest of them where they differ)
     * @param missing    the level's datasets of which the standby holds no replica: they start empty there
     */
    public record Decision(Map<String, String> rollbackTo, String snapshot, boolean consistent, List<String> missing) {
        public Decision {
            rollbackTo = Map.copyOf(rollbackTo);
            missing = List.copyOf(missing);
        }
    }

    /**
     * @param held each of the level's datasets on the standby, in the level's order: its replication snapshots' names,
     *             oldest first; an absent or empty list where the standby holds no replica of it
     * @return null when the standby holds no round of any of them
     */
    public static Decision decide(Map<String, List<String>> held) {
        Map<String, List<String>> rounds = new LinkedHashMap<>();
        List<String> missing = new ArrayList<>();
        held.forEach((dataset, snaps) -> {
            List<String> r = snaps == null ? List.of() : snaps.stream().filter(s -> s.startsWith(Replicas.PREFIX)).toList();
            if (r.isEmpty()) missing.add(dataset);
            else rounds.put(dataset, r);
        });
        if (rounds.isEmpty()) return null;
        TreeSet<String> common = null;
        for (List<String> r : rounds.values()) {
            if (common == null) common = new TreeSet<>(r);
            else common.retainAll(r);
        }
        Map<String, String> to = new LinkedHashMap<>();
        if (!common.isEmpty()) {
            // the names sort as their times do
            String last = common.last();
            rounds.keySet().forEach(d -> to.put(d, last));
            return new Decision(to, last, true, missing);
        }
        String oldest = null;
        for (Map.Entry<String, List<String>> e : rounds.entrySet()) {
            String newest = e.getValue().get(e.getValue().size() - 1);
            to.put(e.getKey(), newest);
            if (oldest == null || newest.compareTo(oldest) < 0) oldest = newest;
        }
        return new Decision(to, oldest, false, missing);
    }

    /**
     * What a failover could not bring over: the level's datasets (as its revision declares them, relative to the pool)
     * that were not taken over from a replica. They start empty on the new host. The standby learns the level's
     * datasets only from its revision, after the take-over: a dataset added since the last round has no replica at all.
     */
    public static List<String> missing(List<String> declared, java.util.Collection<String> taken) {
        return declared.stream().filter(d -> !taken.contains(d)).toList();
    }

    /** When a round's snapshot was taken, from its name; null for a name replication did not give. */
    public static Instant takenAt(String snapshot) {
        if (snapshot == null || !snapshot.startsWith(Replicas.PREFIX)) return null;
        try {
            return Instant.from(STAMP.parse(snapshot.substring(Replicas.PREFIX.length())));
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }
}
