package zed.reconciler.store;

import java.util.Map;

/**
 * One snapshot of a dataset, with the {@code com.zed:*} values set on the snapshot itself (what the dataset
 * carried when it was taken). {@code order} sorts snapshots oldest first (createtxg on ZFS).
 */
public record Snapshot(String dataset, String name, long order, Map<String, String> zedState) {
    public Snapshot {
        zedState = Map.copyOf(zedState);
    }

    public String full() {
        return dataset + "@" + name;
    }
}
