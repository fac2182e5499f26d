package zed.actors.telemetry;

import zed.reconciler.health.ExecProbe;
import zed.reconciler.health.HttpProbe;
import zed.reconciler.health.Probe;
import zed.reconciler.health.TcpProbe;

/** The kinds of health probe (a service's {@code health} blocks), as the {@code kind} label of the probe metrics. */
public enum ProbeKind {
    HTTP("http"),
    TCP("tcp"),
    EXEC("exec");

    private final String label;

    ProbeKind(String label) {
        this.label = label;
    }

    /** The label value Prometheus shows. */
    public String label() {
        return label;
    }

    /** The kind of a probe the reconciler built. */
    public static ProbeKind of(Probe probe) {
        if (probe instanceof HttpProbe) return HTTP;
        if (probe instanceof TcpProbe) return TCP;
        if (probe instanceof ExecProbe) return EXEC;
        throw new IllegalArgumentException("unknown probe " + probe);
    }
}
