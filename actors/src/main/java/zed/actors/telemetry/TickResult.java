package zed.actors.telemetry;

/** How one reconcile tick of a resource ended, as the {@code result} label of {@code zed_reconcile_ticks_total}. */
public enum TickResult {
    /** The tick observed, applied what differed and verified (nothing to do counts as ok too). */
    OK("ok"),
    /** A step or the verification failed; the resource backs off. */
    FAILED("failed");

    private final String label;

    TickResult(String label) {
        this.label = label;
    }

    /** The label value Prometheus shows. */
    public String label() {
        return label;
    }
}
