package zed.reconciler.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * What one batched read saw of one dataset: every property asked for, with its source. Only a property set on
 * the dataset itself ({@code local}) or arrived with it by {@code zfs send -p} ({@code received}) is the dataset's
 * own state; an inherited {@code com.zed:*} value belongs to an ancestor.
 */
public record Observation(String name, Map<String, Prop> properties) {
    public static final String MANAGED = "com.zed:managed";
    public static final String LEVEL = "com.zed:level";
    public static final String REV = "com.zed:rev";
    public static final String SPEC_HASH = "com.zed:spec-hash";

    public Observation {
        properties = Map.copyOf(properties);
    }

    public record Prop(String value, String source) {
        public boolean own() {
            return source.equals("local") || source.equals("received");
        }
    }

    /** The value when the dataset itself holds it, else null. */
    public String own(String property) {
        Prop p = properties.get(property);
        return p != null && p.own() && !p.value().equals("-") ? p.value() : null;
    }

    /** The effective value, whatever its source, else null. */
    public String value(String property) {
        Prop p = properties.get(property);
        return p == null || (p.value().equals("-") && p.source().equals("-")) ? null : p.value();
    }

    public boolean managed() {
        return "true".equals(own(MANAGED));
    }

    /** The dataset's own {@code com.zed:*} state. */
    public Map<String, String> zedState() {
        Map<String, String> m = new TreeMap<>();
        properties.forEach((k, v) -> {
            if (k.startsWith("com.zed:") && v.own()) m.put(k, v.value());
        });
        return m;
    }
}
