package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;

/** How one kind of service (the first label of {@code service "kind" "name"}) gets what it runs. */
sealed interface ServiceKind permits ExecKind, ReleaseKind, GoKind, JarKind {
    Prepared prepare(ServiceSpec spec, Paths paths, Host host);

    static ServiceKind of(ServiceSpec spec) {
        return switch (spec.kind()) {
            case "exec" -> new ExecKind();
            case "release" -> new ReleaseKind();
            case "go" -> new GoKind();
            case "jar" -> new JarKind();
            default -> throw new ServiceError(spec.ref(), "unknown service kind \"" + spec.kind() + "\"; kinds are exec, release, go and jar");
        };
    }
}
