package zed.config.eval;

import java.nio.file.Path;
import java.util.Map;

/**
 * What an evaluation starts from besides the Zedfiles: the host, {@code $ZED_HOME}, the node's default pool (null:
 * the dir store), where the dir store lives, and the earlier port allocations.
 */
public record EvalInputs(Host host, Path zedHome, String defaultPool, Path dirStore, Map<String, Integer> ports) {
    public EvalInputs {
        ports = Map.copyOf(ports);
    }

    public static EvalInputs local(Path zedHome, Map<String, Integer> ports) {
        return new EvalInputs(new LocalHost(System.getenv(), new java.util.HashSet<>(ports.values())), zedHome, null, zedHome.resolve("store"), ports);
    }
}
