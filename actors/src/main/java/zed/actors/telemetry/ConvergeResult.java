package zed.actors.telemetry;

/** How one converge of a level ended, as the {@code result} label of {@code zed_converges_total}. */
public enum ConvergeResult {
    /** The level reached Converged(rev). */
    CONVERGED("converged"),
    /** ConvergeFailed(rev): past the healthy deadline or a step failed. */
    FAILED("failed"),
    /** A newer revision was accepted before this one converged. */
    SUPERSEDED("superseded");

    private final String label;

    ConvergeResult(String label) {
        this.label = label;
    }

    /** The label value Prometheus shows. */
    public String label() {
        return label;
    }
}
