package zed.reconciler.store;

/**
 * A state-store call that failed, typed so that callers can react (retry a busy dataset, report a full pool) and
 * always naming the dataset it was about.
 */
public final class StoreError extends RuntimeException {
    public enum Kind {
        NO_SUCH_DATASET("no such dataset"),
        BUSY("dataset is busy"),
        NO_SPACE("out of space or quota"),
        PERMISSION("permission denied"),
        INVALID_PROPERTY("invalid property"),
        INVALID_NAME("invalid name"),
        NOT_MANAGED("not managed by Zed"),
        TIMEOUT("timed out"),
        OTHER("failed");

        public final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    private final Kind kind;
    private final String dataset;
    private final String detail;

    public StoreError(Kind kind, String dataset, String detail) {
        super(dataset + ": " + kind.words + (detail == null || detail.isBlank() ? "" : ": " + detail.strip()));
        this.kind = kind;
        this.dataset = dataset;
        this.detail = detail == null ? "" : detail.strip();
    }

    public Kind kind() {
        return kind;
    }

    public String dataset() {
        return dataset;
    }

    /** What the tool said (stderr), or our own explanation. */
    public String detail() {
        return detail;
    }

    /** Types a zfs/zpool error from its stderr; the texts are those of OpenZFS 2.x and zfs-fuse 0.7. */
    public static StoreError fromZfs(String dataset, String stderr) {
        String s = stderr == null ? "" : stderr.toLowerCase(java.util.Locale.ROOT);
        Kind k;
        if (s.contains("does not exist") || s.contains("could not find any snapshots") || s.contains("no such pool")) k = Kind.NO_SUCH_DATASET;
        else if (s.contains("is busy") || s.contains("device busy") || s.contains("has dependent clones") || s.contains("has children")) k = Kind.BUSY;
        else if (s.contains("out of space") || s.contains("no space") || s.contains("quota exceeded") || s.contains("disk quota")
                || s.contains("less than current used")) k = Kind.NO_SPACE;
        else if (s.contains("permission denied") || s.contains("operation not permitted")) k = Kind.PERMISSION;
        else if (s.contains("invalid property") || s.contains("must be one of") || s.contains("bad numeric value") || s.contains("invalid value")
                || s.contains("readonly") || s.contains("read-only property") || s.contains("property cannot be") || s.contains("is not a valid")
                || s.contains("too many arguments") || s.contains("unknown property")) k = Kind.INVALID_PROPERTY;
        else k = Kind.OTHER;
        return new StoreError(k, dataset, stderr);
    }
}
