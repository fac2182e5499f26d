package zed.actors.telemetry;

/** The kinds of resource a level holds, as the {@code kind} label of the reconcile, drift and resource metrics. */
public enum ResourceKind {
    DATASET("dataset"),
    JAIL("jail"),
    SERVICE("service"),
    GPU("gpu");

    private final String label;

    ResourceKind(String label) {
        this.label = label;
    }

    /** The label value Prometheus shows. */
    public String label() {
        return label;
    }
}
