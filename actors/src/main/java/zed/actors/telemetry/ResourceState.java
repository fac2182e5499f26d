package zed.actors.telemetry;

/** Where a resource stands, as the {@code state} label of {@code zed_resources}. */
public enum ResourceState {
    /** Matches its level's revision (and, for a service, passes its health gate). */
    CONVERGED("converged"),
    /** Being brought to its level's revision. */
    CONVERGING("converging"),
    /** Its last converge failed; it backs off and retries. */
    FAILED("failed"),
    /** Stopped on purpose (its level was stopped). */
    STOPPED("stopped");

    private final String label;

    ResourceState(String label) {
        this.label = label;
    }

    /** The label value Prometheus shows. */
    public String label() {
        return label;
    }
}
