package zed.reconciler.health;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.ServiceSpec;

/**
 * Builds the probes a service's {@code health} blocks declare. A check's name is its kind label, as in references
 * ({@code self.health.http}): the language allows one block per kind, so the name is unique within a service.
 */
public final class Probes {
    private Probes() {
    }

    /** The name the gate knows a check by: {@code health "http" {...}} is "http". */
    public static String name(HealthCheck check) {
        return check.kind();
    }

    public static Probe of(HealthCheck check) {
        return switch (check.kind()) {
            case "http" -> new HttpProbe(URI.create(required(check, check.url(), "url")),
                    check.expect() == null ? 200 : check.expect(), check.bodyContains(), check.timeout());
            case "tcp" -> new TcpProbe(check.host() == null ? "127.0.0.1" : check.host(),
                    required(check, check.port(), "port"), check.timeout());
            case "exec" -> new ExecProbe(required(check, check.command(), "command"), check.timeout());
            default -> throw new IllegalArgumentException(check.pos() + ": unknown health check kind \"" + check.kind()
                    + "\"; expected http, tcp or exec");
        };
    }

    /** Every probe of a service, by check name, in the order the Zedfile declares them. */
    public static Map<String, Probe> of(ServiceSpec service) {
        Map<String, Probe> probes = new LinkedHashMap<>();
        for (HealthCheck check : service.health()) probes.put(name(check), of(check));
        return probes;
    }

    /* Validation already requires these; a spec built by hand that lacks one fails here, naming it. */
    private static <T> T required(HealthCheck check, T value, String attribute) {
        if (value == null) throw new IllegalArgumentException(check.pos() + ": health \"" + check.kind() + "\" needs " + attribute);
        return value;
    }
}
