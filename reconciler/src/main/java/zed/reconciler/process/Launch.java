package zed.reconciler.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One start of a service: the command (already wrapped for its jail), its environment (already resolved, secrets
 * included: this record is never logged), its working directory and where its logs go.
 *
 * @param as   the account it runs as; null for the node's own (root), and for a jailed command, which the jail's
 *             wrapper drops to the account inside the sandbox
 * @param jail through zed ops: the jail the command runs in, which ops wraps it for itself (the agent's own wrap would be
 *             a command line ops runs as root); {@code as} is then the account inside. Null otherwise
 */
public record Launch(String service, List<String> argv, Map<String, String> env, Path workdir, Path logDir, RunAs as, Jailed jail) {
    /** A jail and the working directory inside it. */
    public record Jailed(zed.reconciler.jail.JailSetup setup, String workdir) {
    }

    public Launch(String service, List<String> argv, Map<String, String> env, Path workdir, Path logDir) {
        this(service, argv, env, workdir, logDir, null, null);
    }

    public Launch(String service, List<String> argv, Map<String, String> env, Path workdir, Path logDir, RunAs as) {
        this(service, argv, env, workdir, logDir, as, null);
    }

    public Launch {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    /** The same start with another environment (its launch token added). */
    public Launch withEnv(Map<String, String> other) {
        return new Launch(service, argv, other, workdir, logDir, as, jail);
    }

    @Override
    public String toString() {
        return "Launch[" + service + " " + argv + " in " + workdir + (as == null ? "" : " as " + as.user()) + (jail == null ? "" : " in jail " + jail.setup().name()) + "]"; // never the environment: it may hold secrets
    }
}
