package zed.reconciler.gpu;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a host is, as STATE.md stores it on {@code <pool>/zed}: {@code com.zed:host}, {@code com.zed:gpu.count} and
 * {@code com.zed:gpu.<i>.vendor|name|vram_mb|driver|uuid}. A field the source did not know is left out rather than
 * written empty.
 */
public record HostFacts(String host, List<Gpu> gpus) {
    public static final String HOST = "com.zed:host";
    public static final String GPU_COUNT = "com.zed:gpu.count";
    static final String GPU = "com.zed:gpu.";

    public HostFacts {
        gpus = List.copyOf(gpus);
    }

    /** The properties, in the order they are written: host, count, then each GPU's fields. */
    public Map<String, String> properties() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(HOST, host);
        m.put(GPU_COUNT, String.valueOf(gpus.size()));
        for (Gpu g : gpus) {
            String p = GPU + g.index() + ".";
            put(m, p + "vendor", g.vendor());
            put(m, p + "name", g.name());
            put(m, p + "vram_mb", g.vramMb() > 0 ? String.valueOf(g.vramMb()) : "");
            put(m, p + "driver", g.driver());
            put(m, p + "uuid", g.uuid());
        }
        return m;
    }

    private static void put(Map<String, String> m, String k, String v) {
        if (!v.isEmpty()) m.put(k, v);
    }

    /** Whether a property is a host fact (and so this class's to write and to clear). */
    public static boolean isFact(String property) {
        return property.equals(HOST) || property.startsWith(GPU);
    }

    /** What to write so that {@code observed} (a dataset's own properties) holds these facts. */
    public Changes diff(Map<String, String> observed) {
        Map<String, String> want = properties();
        Map<String, String> set = new LinkedHashMap<>();
        want.forEach((k, v) -> {
            if (!v.equals(observed.get(k))) set.put(k, v);
        });
        List<String> clear = new ArrayList<>();
        for (String k : new TreeSet<>(observed.keySet())) if (isFact(k) && !want.containsKey(k)) clear.add(k);
        return new Changes(set, clear);
    }

    /** Properties to set (in order) and properties to clear (facts of GPUs that are gone, fields now unknown). */
    public record Changes(Map<String, String> set, List<String> clear) {
        public Changes {
            set = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(set));
            clear = List.copyOf(clear);
        }

        public boolean none() {
            return set.isEmpty() && clear.isEmpty();
        }
    }
}
