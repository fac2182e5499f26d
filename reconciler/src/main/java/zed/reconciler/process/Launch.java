package zed.reconciler.process;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One start of a service: the command (already wrapped for its jail), its environment (already resolved, secrets
 * included: this record is never logged), its working directory and where its logs go.
 */
public record Launch(String service, List<String> argv, Map<String, String> env, Path workdir, Path logDir) {
    public Launch {
        argv = List.copyOf(argv);
        env = Map.copyOf(env);
    }

    @Override
    public String toString() {
        return "Launch[" + service + " " + argv + " in " + workdir + "]"; // never the environment: it may hold secrets
    }
}
