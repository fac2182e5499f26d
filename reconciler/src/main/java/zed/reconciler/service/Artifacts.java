package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Gets what a service runs ready before the supervisor starts it: checks an exec service's command, unpacks a
 * release, builds a go service, finds java for a jar. Preparing again with nothing changed does no work and returns
 * the same {@link Prepared#sourceRevision()}; a failed prepare leaves nothing behind and the previous artifacts as
 * they were, so the running service is never disturbed by a bad input.
 * <p>
 * Not safe to call twice at once for one service; the reconciler runs one tick per resource at a time.
 */
public final class Artifacts {
    private Artifacts() {
    }

    /** @throws ServiceError naming the service and what is wrong */
    public static Prepared prepare(ServiceSpec spec, Paths paths) {
        return prepare(spec, paths, Host.current());
    }

    /** With the node's environment given: what PATH and JAVA_HOME say, and what the build tools inherit. */
    static Prepared prepare(ServiceSpec spec, Paths paths, Map<String, String> hostEnv) {
        return prepare(spec, paths, new Host(hostEnv));
    }

    private static Prepared prepare(ServiceSpec spec, Paths paths, Host host) {
        try {
            return ServiceKind.of(spec).prepare(spec, paths, host);
        } catch (UncheckedIOException e) {
            throw new ServiceError(spec.ref(), describe(e.getCause()), e);
        }
    }

    static String describe(IOException e) {
        String what = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? what : what + ": " + e.getMessage();
    }
}
