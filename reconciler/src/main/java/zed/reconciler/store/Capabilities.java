package zed.reconciler.store;

/**
 * What the installed zfs can do, probed once. zfs-fuse (pool version 23) has none of these; OpenZFS 2.x has all.
 *
 * @param listParsable     {@code zfs list -p}
 * @param multiSet         several {@code prop=value} in one {@code zfs set}
 * @param multiSnapshot    several datasets in one {@code zfs snapshot} (atomic across the pool)
 * @param lz4              the lz4_compress pool feature
 * @param resumableReceive {@code zfs receive -s} and {@code zfs send -t}
 * @param holds            {@code zfs hold}/{@code release}
 */
public record Capabilities(boolean listParsable, boolean multiSet, boolean multiSnapshot, boolean lz4, boolean resumableReceive, boolean holds) {
    public static final Capabilities NONE = new Capabilities(false, false, false, false, false, false);
    public static final Capabilities OPENZFS = new Capabilities(true, true, true, true, true, true);
}
