package zed.reconciler.dataset;

import zed.config.LevelSpec;
import zed.config.Value;
import zed.reconciler.store.Observation;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Diffs a level's declared datasets against what the store holds, and plans the steps: pure, no I/O. A dataset is
 * created (properties and stamp in one call), updated (changed properties, then the stamp), left alone, or refused
 * when Zed does not manage it.
 */
public final class Planner {
    public static final String MANAGED = Observation.MANAGED;
    public static final String LEVEL = Observation.LEVEL;
    public static final String REV = Observation.REV;
    public static final String SPEC_HASH = Observation.SPEC_HASH;
    public static final String DEPLOYED_AT = "com.zed:deployed_at";
    public static final String DEPLOYED_BY = "com.zed:deployed_by";
    /** Which native properties Zed set, so that one no longer declared can be given back to inheritance. */
    public static final String PROPERTIES = "com.zed:properties";
    /** {@link #PROPERTIES} when there are none ("-" reads as "unset" in zfs output). */
    public static final String NO_PROPERTIES = "none";

    /** ZFS reads these back in bytes ({@code zfs get -p}); a declared "1G" is compared as 1073741824. */
    static final Set<String> SIZES = Set.of("quota", "refquota", "reservation", "refreservation", "volsize", "recordsize");

    private Planner() {
    }

    /** The full dataset name: {@code <root>/<name>}, or the name alone in the dir store (root ""). */
    public static String full(String root, String name) {
        return root.isEmpty() ? name : root + "/" + name;
    }

    /** The native properties an observation must read for this level. */
    public static Set<String> observedProperties(LevelSpec spec) {
        Set<String> s = new TreeSet<>(Set.of("mountpoint"));
        for (LevelSpec.DatasetSpec d : spec.datasets()) s.addAll(d.properties().keySet());
        return s;
    }

    public static Plan plan(LevelSpec spec, String storeKind, String root, Map<String, Observation> observed, Stamp stamp) {
        List<Step> steps = new ArrayList<>();
        List<String> unchanged = new ArrayList<>();
        List<Plan.Refusal> refused = new ArrayList<>();
        Set<String> declared = new TreeSet<>();
        Set<String> containers = new TreeSet<>();

        for (LevelSpec.DatasetSpec d : spec.datasets()) {
            String name = full(root, d.name());
            declared.add(name);
            Map<String, String> natives = natives(d, storeKind);
            Observation o = observed.get(name);
            if (o == null) {
                steps.add(new Step.Create(name, natives, stampFor(spec, d, natives, stamp)));
                continue;
            }
            if (!o.managed()) {
                refused.add(new Plan.Refusal(name, "exists and is not managed by Zed (com.zed:managed is not set on it); Zed never modifies such a dataset"));
                continue;
            }
            String owner = o.own(LEVEL);
            if (owner != null && !owner.equals(spec.id())) {
                refused.add(new Plan.Refusal(name, "is managed by level " + owner + ", not by " + spec.id()));
                continue;
            }
            Step.Update u = update(spec, d, natives, o, stamp);
            if (u != null) steps.add(u);
            else unchanged.add(name);
            String mp = o.value("mountpoint");
            if ("no".equals(o.value("mounted")) && !"none".equals(mp) && !"legacy".equals(mp)) steps.add(new Step.Mount(name));
        }
        // missing parents, from the top: on ZFS the pool itself must exist; everything between is a container. A
        // dataset exists when anything below it does, so the ancestors of an observed root are never made again.
        Set<String> present = new TreeSet<>();
        for (String seen : observed.keySet()) {
            for (int slash = seen.indexOf('/'); slash >= 0; slash = seen.indexOf('/', slash + 1)) present.add(seen.substring(0, slash));
            present.add(seen);
        }
        for (String name : declared) {
            String[] parts = name.split("/");
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < parts.length - 1; i++) {
                prefix.append(i == 0 ? "" : "/").append(parts[i]);
                String p = prefix.toString();
                boolean pool = i == 0 && !root.isEmpty();
                if (!pool && !present.contains(p) && !declared.contains(p)) containers.add(p);
            }
        }
        for (String c : containers) steps.add(new Step.CreateContainer(c));
        steps.sort(Comparator.comparingInt((Step s) -> depth(s.dataset())).thenComparing(Step::dataset).thenComparing(s -> s instanceof Step.Mount ? 1 : 0));

        List<String> orphans = new ArrayList<>();
        observed.forEach((name, o) -> {
            if (!declared.contains(name) && o.managed() && spec.id().equals(o.own(LEVEL))) orphans.add(name);
        });
        return new Plan(spec.id(), storeKind, root, stamp.rev(), steps, unchanged, refused, orphans);
    }

    private static int depth(String name) {
        int n = 0;
        for (char c : name.toCharArray()) if (c == '/') n++;
        return n;
    }

    /** The declared native properties; the dir store keeps no mountpoint (its directory is where it is). */
    static Map<String, String> natives(LevelSpec.DatasetSpec d, String storeKind) {
        Map<String, String> m = new TreeMap<>(d.properties());
        if (storeKind.equals("dir")) m.remove("mountpoint");
        return m;
    }

    static Map<String, String> stampFor(LevelSpec spec, LevelSpec.DatasetSpec d, Map<String, String> natives, Stamp stamp) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MANAGED, "true");
        m.put(LEVEL, spec.id());
        m.put(PROPERTIES, natives.isEmpty() ? NO_PROPERTIES : String.join(",", new TreeSet<>(natives.keySet())));
        m.put(DEPLOYED_AT, stamp.at());
        m.put(DEPLOYED_BY, stamp.by());
        m.put(REV, String.valueOf(stamp.rev()));
        // last: the planner takes a dataset whose spec hash is current for stamped; a stamp cut short before it (a
        // node killed where zfs writes one property per call) keeps the old hash, and the next converge completes it
        m.put(SPEC_HASH, specHash(d.name(), natives));
        return m;
    }

    /** First 16 hex of sha256 of the dataset's resolved spec in canonical JSON (normalised values). */
    public static String specHash(String name, Map<String, String> natives) {
        Map<String, Object> canon = new TreeMap<>();
        Map<String, String> norm = new TreeMap<>();
        natives.forEach((k, v) -> norm.put(k, normalise(k, v)));
        canon.put("name", name);
        canon.put("properties", norm);
        String json = Value.of(canon).toJson();
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Step.Update update(LevelSpec spec, LevelSpec.DatasetSpec d, Map<String, String> natives, Observation o, Stamp stamp) {
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> before = new TreeMap<>();
        natives.forEach((k, v) -> {
            String have = o.value(k);
            if (have == null || !normalise(k, have).equals(normalise(k, v))) {
                set.put(k, v);
                before.put(k, have == null ? "-" : have);
            }
        });
        List<String> inherit = new ArrayList<>();
        String prev = o.own(PROPERTIES);
        if (prev != null && !prev.equals(NO_PROPERTIES)) {
            for (String k : prev.split(",")) {
                if (!natives.containsKey(k)) {
                    // not read by this observation (no longer declared); inheriting an inherited value is harmless
                    inherit.add(k);
                    before.put(k, o.own(k) == null ? "(set by Zed)" : o.own(k));
                }
            }
        }
        Map<String, String> newStamp = stampFor(spec, d, natives, stamp);
        boolean stampCurrent = newStamp.get(SPEC_HASH).equals(o.own(SPEC_HASH)) && spec.id().equals(o.own(LEVEL))
                && newStamp.get(PROPERTIES).equals(o.own(PROPERTIES)) && o.own(REV) != null;
        if (set.isEmpty() && inherit.isEmpty() && stampCurrent) return null;
        // only what differs is written: a property write is a transaction
        Map<String, String> changed = new LinkedHashMap<>();
        Map<String, String> previous = new LinkedHashMap<>();
        newStamp.forEach((k, v) -> {
            if (!v.equals(o.own(k))) {
                changed.put(k, v);
                previous.put(k, o.own(k));
            }
        });
        return new Step.Update(o.name(), set, inherit, before, changed, previous);
    }

    /** Values as ZFS reads them back: sizes in bytes, "none" as 0 for sizes, words in lower case. */
    static String normalise(String prop, String v) {
        String s = v.trim();
        if (SIZES.contains(prop)) {
            if (s.equalsIgnoreCase("none")) return "0";
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)([KMGTPE]?)B?").matcher(s);
            if (m.matches()) {
                int exp = m.group(2).isEmpty() ? 0 : "KMGTPE".indexOf(m.group(2).toUpperCase(Locale.ROOT)) + 1;
                return new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(1024).pow(exp)).toBigInteger().toString();
            }
        }
        return prop.contains(":") ? s : s.toLowerCase(Locale.ROOT);
    }
}
