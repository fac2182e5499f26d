package zed.reconciler.store;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The state store: datasets with properties, and snapshots. Two backends keep one contract: {@link ZfsStore}
 * (user properties, real snapshots) and {@link DirStore} (directories, a property file, copies). Names are full
 * dataset names; every method validates them. Rollback, like {@code zfs rollback}, restores data and leaves
 * properties alone; restoring {@code com.zed:*} state is the caller's step.
 */
public interface Store {
    /** "zfs" or "dir". */
    String kind();

    Capabilities capabilities();

    /**
     * One batched, recursive read of every dataset at and under {@code root}: the {@code com.zed:*} schema
     * properties, {@code mounted}, and the native properties asked for. Snapshots are not included.
     */
    Map<String, Observation> observe(String root, Set<String> nativeProperties);

    boolean exists(String dataset);

    /** Creates a dataset with its properties in one step; its parent must exist. */
    void create(String dataset, Map<String, String> properties);

    /** Sets properties in the given order, in one call where the platform allows it. */
    void set(String dataset, Map<String, String> properties);

    /** Removes a property from the dataset itself (it then inherits, or has none). */
    void inherit(String dataset, String property);

    /** Mounts a dataset that exists but is not mounted (ZFS); a no-op where there is nothing to mount. */
    void mount(String dataset);

    /** Destroys a dataset that has no children and no snapshots (unmounting it first). */
    void destroy(String dataset);

    /**
     * Takes {@code snap} of every dataset, in one atomic call where the platform allows it, and sets on each
     * snapshot the properties given for its dataset.
     */
    void snapshot(List<String> datasets, String snap, Map<String, Map<String, String>> properties);

    /** The dataset's snapshots, oldest first. */
    List<Snapshot> snapshots(String dataset);

    void destroySnapshot(String dataset, String snap);

    /** Rolls the dataset's data back to {@code snap}, destroying newer snapshots. Properties stay as they are. */
    void rollback(String dataset, String snap);

    /** Every {@code com.zed:*} property that the dataset holds itself, whatever its name. */
    Map<String, String> zedState(String dataset);

    /**
     * The own {@code com.zed:*} state of every dataset at and under {@code root}, snapshots left out. ZFS answers it in
     * one read (where one {@link #zedState} per dataset would be a command each); this default asks each.
     */
    default Map<String, Map<String, String>> zedStates(String root) {
        Map<String, Map<String, String>> out = new java.util.TreeMap<>();
        for (String d : observe(root, Set.of()).keySet()) out.put(d, zedState(d));
        return out;
    }

    /** The snapshot names of every dataset at and under {@code root}, oldest first; ZFS in one read, this default per dataset. */
    default Map<String, List<String>> snapshotNames(String root) {
        Map<String, List<String>> out = new java.util.TreeMap<>();
        for (String d : observe(root, Set.of()).keySet()) out.put(d, snapshots(d).stream().map(Snapshot::name).toList());
        return out;
    }

    /** Where the dataset's files are, when it is mounted. */
    Path mountpoint(String dataset);
}
