package zed.reconciler.model;

import zed.reconciler.replica.ReplicaPlan;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A model's {@code source { host, snapshot }}: where the snapshot is received on this host, and what the source host
 * sends for it. Pure, no I/O. The snapshot lands in {@code <pool>/zed-received/<host>/<dataset>}, never in the
 * model's own dataset: a receive replaces a dataset's snapshots and its {@code com.zed:*} properties, so the model's
 * dataset is only copied into ({@link ModelWeights}) once the receive is complete.
 */
public final class ModelReceive {
    /** Under the pool: the received snapshots, one dataset per source host and dataset. No level stamps them. */
    public static final String RECEIVED = "zed-received";
    /** On the received dataset: the host it came from. */
    public static final String RECEIVED_FROM = "com.zed:model.received-from";
    /** On the model's dataset: when the snapshot it holds was received. */
    public static final String RECEIVED_AT = "com.zed:model.received_at";

    private ModelReceive() {
    }

    /** What {@link ModelCopy#SOURCE} says of it: {@code h1:models/base@v1}. */
    public static String name(String host, String snapshot) {
        return host + ":" + snapshot;
    }

    /** The dataset part of {@code models/base@v1}. */
    public static String dataset(String snapshot) {
        return snapshot.substring(0, snapshot.indexOf('@'));
    }

    /** The snapshot part of {@code models/base@v1}. */
    public static String snapshotName(String snapshot) {
        return snapshot.substring(snapshot.indexOf('@') + 1);
    }

    /** Where it is received, relative to this host's pool. */
    public static String received(String host, String snapshot) {
        return RECEIVED + "/" + host + "/" + dataset(snapshot);
    }

    /** What {@link ModelCopy#DIGEST} says of a received snapshot: its guid, which a send and receive keep. */
    public static String fingerprint(String guid) {
        return "guid:" + guid;
    }

    /**
     * The source host's side: what to send of {@code snapshot} to a host that holds snapshots with {@code held} guids.
     *
     * @param source the source dataset's snapshots, oldest first
     * @return null when the source has no such snapshot; {@link ReplicaPlan.UpToDate} when the requester holds it;
     * an increment from the newest older snapshot the requester holds; else the snapshot in full
     */
    public static ReplicaPlan.Step offer(List<ReplicaPlan.Snap> source, String snapshot, Set<String> held) {
        int at = -1;
        for (int i = 0; i < source.size(); i++) if (source.get(i).name().equals(snapshot)) at = i;
        if (at < 0) return null;
        if (held.contains(source.get(at).guid())) return new ReplicaPlan.UpToDate(snapshot);
        for (int i = at - 1; i >= 0; i--) {
            if (held.contains(source.get(i).guid())) return new ReplicaPlan.Incremental(source.get(i).name(), snapshot, List.of());
        }
        return new ReplicaPlan.Full(snapshot);
    }

    /**
     * The receiving side, before an increment from {@code from}: its snapshots after it, newest first, which a
     * receive would not roll back over. The received dataset is a copy of the source's, so nothing of its own is lost.
     */
    public static List<String> after(List<ReplicaPlan.Snap> there, String from) {
        List<String> out = new ArrayList<>();
        boolean past = false;
        for (ReplicaPlan.Snap s : there) {
            if (past) out.add(0, s.name());
            if (s.name().equals(from)) past = true;
        }
        return out;
    }
}
