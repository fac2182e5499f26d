package zed.reconciler.process;

import zed.config.LevelSpec;
import zed.config.Value;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A service's environment: a small whitelist of the host's variables, those the level names in {@code sysenv},
 * then the service's own {@code env} (secrets resolved here, at start time). Nothing else of the node leaks in.
 */
public final class Environment {
    public static final List<String> DEFAULT_WHITELIST = List.of("PATH", "HOME", "LANG", "TZ");

    private Environment() {
    }

    public static Map<String, String> of(LevelSpec level, LevelSpec.ServiceSpec service, Function<String, String> host, Secrets secrets) {
        return of(level, service.env(), host, secrets);
    }

    /** The same for any process of the level with an {@code env} of its own (a service's, a job's). */
    public static Map<String, String> of(LevelSpec level, Map<String, Value> own, Function<String, String> host, Secrets secrets) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String name : DEFAULT_WHITELIST) put(env, name, host.apply(name));
        for (String name : level.sysenv()) put(env, name, host.apply(name));
        if (!env.containsKey("PATH")) env.put("PATH", "/usr/local/bin:/usr/bin:/bin");
        for (Map.Entry<String, Value> e : own.entrySet()) env.put(e.getKey(), secrets.text(e.getValue()));
        return env;
    }

    private static void put(Map<String, String> env, String name, String value) {
        if (value != null) env.put(name, value);
    }
}
