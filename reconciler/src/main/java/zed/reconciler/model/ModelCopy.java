package zed.reconciler.model;

import java.util.Map;
import java.util.Set;

/**
 * What a model's {@code source { path }} asks of its dataset, from what the dataset's properties say was copied in
 * and the digest of the source now: pure, no I/O ({@link ModelWeights} reads and writes). A version of the weights is
 * a number: the first copy is 1, each copy of changed content the next; {@code @model-N} keeps version N before
 * version N+1 replaces it.
 */
public sealed interface ModelCopy {
    /** The source that was copied in, as the node resolved it (absolute). */
    String SOURCE = "com.zed:model.source";
    /** The digest of what was copied: sha256 over the source's name, and each file's path, size and contents. */
    String DIGEST = "com.zed:model.digest";
    /** The version the dataset holds: 1 for the first copy, then one more for each changed source. */
    String VERSION = "com.zed:model.version";
    String COPIED_AT = "com.zed:model.copied_at";
    /** Set (to the digest being copied) before a copy touches the files, removed after its stamp: a copy cut short. */
    String COPYING = "com.zed:model.copying";
    String SNAPSHOT_PREFIX = "model-";

    /** The dataset holds this digest already: nothing is copied, nothing is snapshotted. */
    record Nothing(long version) implements ModelCopy {
    }

    /**
     * Copy the source in as {@code version}, replacing what the dataset holds.
     *
     * @param snapshotFirst the snapshot to take first, keeping what the dataset holds now; null: nothing worth keeping
     *                      (an empty dataset, a copy cut short, or the snapshot exists already)
     * @param why           for the event: a first copy, a changed source, a copy cut short
     */
    record Copy(long version, String snapshotFirst, String why) implements ModelCopy {
    }

    /**
     * @param state      the dataset's own {@code com.zed:*} properties
     * @param digest     the source's digest now
     * @param holdsFiles whether the dataset's mountpoint holds anything
     * @param snapshots  the names of the dataset's snapshots
     */
    static ModelCopy decide(Map<String, String> state, String digest, boolean holdsFiles, Set<String> snapshots) {
        long version = version(state.get(VERSION));
        String copying = state.get(COPYING);
        if (copying != null) {
            // the files are half replaced: done again from the start; what they held before was snapshotted first
            return new Copy(version + 1, null, "a copy cut short (of " + copying + ") is done again");
        }
        if (digest.equals(state.get(DIGEST))) return new Nothing(version);
        String keep = SNAPSHOT_PREFIX + version;
        String first = holdsFiles && !snapshots.contains(keep) ? keep : null;
        String why = state.get(DIGEST) == null
                ? (holdsFiles ? "first copy; what the dataset held before is kept in @" + keep : "first copy")
                : "the source changed (" + state.get(DIGEST) + " -> " + digest + ")";
        return new Copy(version + 1, first, why);
    }

    /** A version Zed wrote; anything else (unset, edited by hand into nonsense) counts as none. */
    private static long version(String v) {
        if (v == null) return 0;
        try {
            return Math.max(0, Long.parseLong(v.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
