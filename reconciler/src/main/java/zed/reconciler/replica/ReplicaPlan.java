package zed.reconciler.replica;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What to send to a standby for one dataset, from what both sides hold: pure, so that every case is tested without a
 * pool. A snapshot is the same on both sides only when its name and its guid are (a snapshot of the same name taken on
 * the standby is another one). The first send is the newest snapshot in full; later ones are {@code -I} increments
 * from the newest common snapshot. A dataset on the standby that is not a replica of this origin is never written.
 */
public final class ReplicaPlan {
    private ReplicaPlan() {
    }

    /** One snapshot: its name and its guid (which a send and receive keep). */
    public record Snap(String name, String guid) {
    }

    /**
     * What the standby holds at the replica's name.
     *
     * @param replicaOf its {@value Replicas#REPLICA_OF}, null when it has none (not a replica)
     * @param snapshots oldest first
     */
    public record Target(boolean exists, String replicaOf, List<Snap> snapshots) {
        public static final Target NONE = new Target(false, null, List.of());

        public Target {
            snapshots = List.copyOf(snapshots);
        }
    }

    public sealed interface Step {
    }

    /** The source has no snapshot yet: nothing to send. */
    public record NothingYet() implements Step {
    }

    /** The standby has the newest snapshot already. */
    public record UpToDate(String snapshot) implements Step {
    }

    /** The first send: the newest snapshot, in full. */
    public record Full(String snapshot) implements Step {
    }

    /**
     * {@code send -I from to}. {@code discard}: snapshots the standby took after {@code from}, which a receive would
     * not roll back over (only its newest snapshot, with {@code -F}); they are destroyed first, newest first.
     */
    public record Incremental(String from, String to, List<String> discard) implements Step {
        public Incremental {
            discard = List.copyOf(discard);
        }
    }

    /**
     * The replica shares no snapshot with its source (the source pruned the one they had in common while the standby
     * was away): it is received again in full. Until that lands the standby has no copy; {@code why} says so.
     */
    public record Again(String snapshot, String why) implements Step {
    }

    /** Never written: the standby's own dataset, or another host's replica. */
    public record Refuse(String why) implements Step {
    }

    /**
     * The source's snapshots a round sends: up to its own snapshot {@code round}, not beyond. A job's checkpoint taken
     * between the round's snapshot and its send goes with the next round: sent now, it would be the replica's newest,
     * the receive's pruning would keep it alone and destroy every round there, and a failover would find no round of
     * that dataset to go back to (it came up as missing, and the job resumed from a checkpoint no round held).
     *
     * @param source oldest first
     * @return {@code source} through {@code round}; all of it when {@code round} is not there
     */
    public static List<Snap> upTo(List<Snap> source, String round) {
        for (int i = 0; i < source.size(); i++) if (source.get(i).name().equals(round)) return List.copyOf(source.subList(0, i + 1));
        return source;
    }

    /**
     * @param origin the host the source runs on (what the replica's {@value Replicas#REPLICA_OF} must say)
     * @param source the source's snapshots, oldest first
     */
    public static Step decide(String origin, String target, List<Snap> source, Target there) {
        if (source.isEmpty()) return new NothingYet();
        String newest = source.get(source.size() - 1).name();
        if (!there.exists()) return new Full(newest);
        if (!origin.equals(there.replicaOf())) {
            return new Refuse(target + " on the standby is " + (there.replicaOf() == null ? "not a replica" : "a replica of host " + there.replicaOf())
                    + ", not of " + origin + ": it is never overwritten; rename or destroy it there, or choose another standby");
        }
        Set<Snap> theirs = new HashSet<>(there.snapshots());
        String common = null;
        for (Snap s : source) if (theirs.contains(s)) common = s.name();
        if (common == null) {
            return new Again(newest, target + " shares no snapshot with its source any more (pruned there while the standby was away): "
                    + "it is received again in full, and until then the standby has no copy");
        }
        if (common.equals(newest)) return new UpToDate(newest);
        List<String> discard = new ArrayList<>();
        List<Snap> t = there.snapshots();
        for (int i = t.size() - 1; i >= 0 && !t.get(i).name().equals(common); i--) discard.add(t.get(i).name());
        return new Incremental(common, newest, discard);
    }
}
