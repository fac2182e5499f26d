package zed.reconciler.jail;

/**
 * A jail operation that failed, typed so that callers can react (back off on TIMEOUT, report INVALID to the operator
 * without retrying) and always naming the jail it was about.
 */
public final class JailError extends RuntimeException {
    public enum Kind {
        /** Refused before any command ran: a bad name, path, parameter or value. Retrying cannot help. */
        INVALID("refused"),
        /** Something the jail needs is not there: its root, a mount's host directory, the jail tool itself. */
        MISSING("missing"),
        /** The jail exists but Zed has no record of making it, so it will not change it. */
        NOT_MANAGED("not managed by Zed"),
        /** A command said no. */
        FAILED("failed"),
        TIMEOUT("timed out"),
        /** Stopped or destroyed, yet still listed. */
        STILL_THERE("still there");

        public final String words;

        Kind(String words) {
            this.words = words;
        }
    }

    private final String jail;
    private final Kind kind;
    private final String detail;

    public JailError(String jail, Kind kind, String detail) {
        super("jail " + jail + ": " + kind.words + (detail == null || detail.isBlank() ? "" : ": " + detail.strip()));
        this.jail = jail;
        this.kind = kind;
        this.detail = detail == null ? "" : detail.strip();
    }

    public String jail() {
        return jail;
    }

    public Kind kind() {
        return kind;
    }

    /** What the tool said (its stderr), or our own explanation. */
    public String detail() {
        return detail;
    }
}
