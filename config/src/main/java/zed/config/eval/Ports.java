package zed.config.eval;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stable {@code net::pickport()}: earlier allocations go in, every allocation used by this evaluation comes out,
 * so that the caller can persist them. Keys are {@code level|service.kind.name|attribute[#n]}.
 */
public final class Ports {
    private final Map<String, Integer> earlier;
    private final Map<String, Integer> used = new TreeMap<>();
    private final Host host;

    public Ports(Map<String, Integer> earlier, Host host) {
        this.earlier = Map.copyOf(earlier);
        this.host = host;
    }

    public int pick(String key) {
        Integer have = used.get(key);
        if (have != null) return have;
        Integer prev = earlier.get(key);
        Set<Integer> taken = new HashSet<>(used.values());
        earlier.forEach((k, v) -> {
            if (!k.equals(key)) taken.add(v);
        });
        int port;
        if (prev != null && !taken.contains(prev) && host.portAvailable(prev)) {
            port = prev;
        } else {
            port = host.freePort(taken);
        }
        used.put(key, port);
        return port;
    }

    /** Every allocation this evaluation used, earlier ones kept and new ones added. */
    public Map<String, Integer> used() {
        return Map.copyOf(used);
    }

    /** The allocations to persist: the earlier table with this evaluation's picks merged in. */
    public Map<String, Integer> merged() {
        Map<String, Integer> m = new TreeMap<>(earlier);
        m.putAll(used);
        return m;
    }
}
