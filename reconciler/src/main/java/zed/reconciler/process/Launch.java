package zed.reconciler.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One start of a service: the command (already wrapped for its jail), its environment (already resolved, secrets
 * included: this record is never logged), its working directory and where its logs go.
 *
 * @param as the account it runs as; null for the node's own (root), and for a jailed command, which the jail's
 *           wrapper drops to the account inside the sandbox
 */
public record Launch(String service, List<String> argv, Map<String, String> env, Path workdir, Path logDir, RunAs as) {
    public Launch(String service, List<String> argv, Map<String, String> env, Path workdir, Path logDir) {
        this(service, argv, env, workdir, logDir, null);
    }

    public Launch {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** The same start with another environment (its launch token added). */
    public Launch withEnv(Map<String, String> other) {
        return new Launch(service, argv, other, workdir, logDir, as);
    }

    @Override
    public String toString() {
        return "Launch[" + service + " " + argv + " in " + workdir + (as == null ? "" : " as " + as.user()) + "]"; // never the environment: it may hold secrets
    }
}
