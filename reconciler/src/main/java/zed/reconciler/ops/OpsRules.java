package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import zed.reconciler.store.Names;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * What {@code zed ops} accepts of a request, decided before anything runs: a known operation, datasets at or under
 * the managed roots, plain snapshot names, and only the properties the node sets (user properties such as
 * {@code com.zed:*}, and the native ones a Zedfile may declare, a mountpoint only under the allowed directories). Pure: no I/O.
 *
 * @param roots      the managed roots (e.g. {@code tank/zed}, a level's pool dataset)
 * @param mountUnder directories a mountpoint may be set under (besides {@code none} and {@code legacy})
 */
public record OpsRules(List<String> roots, List<Path> mountUnder) {
    /** Operations that change a dataset. */
    public static final Set<String> WRITES = Set.of("create", "set", "inherit", "mount", "snapshot");
    /** Operations that lose data: each is written to the audit log, whatever its result. */
    public static final Set<String> DESTRUCTIVE = Set.of("destroy", "destroySnapshot", "rollback");
    /** Operations that only read. */
    public static final Set<String> READS = Set.of("capabilities", "observe", "exists", "snapshots", "zedState", "zedStates", "snapshotNames", "mountpoint");

    /**
     * The native properties a Zedfile may set. Not setuid, devices, sharenfs, sharesmb, zoned or jailed: a dataset
     * the agent controls must not become a way to a setuid binary, a device node or an export.
     */
    public static final Set<String> NATIVE = Set.of("quota", "refquota", "reservation", "refreservation", "recordsize", "volsize",
            "compression", "atime", "relatime", "readonly", "canmount", "mountpoint", "sync", "logbias", "primarycache", "secondarycache",
            "copies", "checksum", "dedup", "snapdir", "xattr", "exec", "acltype", "aclinherit", "aclmode");

    public OpsRules {
        if (roots.isEmpty()) throw new IllegalArgumentException("zed ops needs at least one managed root (--root DATASET)");
        for (String r : roots) Names.dataset(r);
        roots = List.copyOf(roots);
        mountUnder = mountUnder.stream().map(p -> p.toAbsolutePath().normalize()).toList();
    }

    public static boolean known(String op) {
        return WRITES.contains(op) || DESTRUCTIVE.contains(op) || READS.contains(op);
    }

    /** @throws StoreError naming what is refused and why */
    public void check(JsonNode request) {
        String op = text(request, "op", "");
        if (!known(op)) throw new StoreError(StoreError.Kind.OTHER, "-", "unknown operation \"" + op + "\"");
        switch (op) {
            case "capabilities" -> pool(text(request, "dataset", op));
            case "snapshot" -> {
                JsonNode ds = request.get("datasets");
                if (ds == null || !ds.isArray() || ds.isEmpty()) throw missing(op, "datasets");
                for (JsonNode d : ds) managed(d.asText());
                Names.snapshot(text(request, "snap", op));
                JsonNode props = request.get("properties");
                if (props != null) props.fields().forEachRemaining(e -> {
                    if (!contains(ds, e.getKey())) throw new StoreError(StoreError.Kind.INVALID_NAME, e.getKey(), "has properties but is not one of the snapshot's datasets");
                    properties(e.getKey(), e.getValue(), true);
                });
            }
            default -> {
                String d = managed(text(request, "dataset", op));
                if (op.equals("destroySnapshot") || op.equals("rollback")) Names.snapshot(text(request, "snap", op));
                if (op.equals("create") || op.equals("set")) properties(d, request.get("properties"), false);
                if (op.equals("inherit")) settable(d, text(request, "property", op));
                if (op.equals("observe") && request.has("native")) for (JsonNode p : request.get("native")) Names.property(p.asText());
            }
        }
    }

    /** A valid dataset name at or under one of the roots. */
    public String managed(String dataset) {
        Names.dataset(dataset);
        for (String r : roots) if (dataset.equals(r) || dataset.startsWith(r + "/")) return dataset;
        throw new StoreError(StoreError.Kind.NOT_MANAGED, dataset, "is outside the managed roots " + roots);
    }

    /** What the zfs of a managed root's pool can do is no secret: asked of the pool (or any dataset) of a root. */
    private void pool(String dataset) {
        Names.dataset(dataset);
        String pool = dataset.split("/")[0];
        for (String r : roots) if (r.split("/")[0].equals(pool)) return;
        throw new StoreError(StoreError.Kind.NOT_MANAGED, dataset, "is not in the pool of a managed root " + roots);
    }

    private void properties(String dataset, JsonNode props, boolean zedOnly) {
        if (props == null) return;
        if (!props.isObject()) throw new StoreError(StoreError.Kind.INVALID_PROPERTY, dataset, "properties are an object of names to strings");
        props.fields().forEachRemaining(e -> {
            if (zedOnly && !e.getKey().startsWith("com.zed:")) throw new StoreError(StoreError.Kind.INVALID_PROPERTY, e.getKey(), "a snapshot carries com.zed:* properties only");
            settable(dataset, e.getKey());
            if (!e.getValue().isTextual()) throw new StoreError(StoreError.Kind.INVALID_PROPERTY, e.getKey(), "a property value is a string");
            Names.value(e.getKey(), e.getValue().asText());
            if (e.getKey().equals("mountpoint")) mountpoint(e.getValue().asText());
        });
    }

    private void settable(String dataset, String prop) {
        Names.property(prop);
        // a user property (module:name) is inert metadata to the kernel; a native one may change what the host does
        if (!Names.isUserProperty(prop) && !NATIVE.contains(prop)) {
            throw new StoreError(StoreError.Kind.INVALID_PROPERTY, prop, "is not a property the node sets on " + dataset + " (a user property such as com.zed:* or one of " + new java.util.TreeSet<>(NATIVE) + ")");
        }
    }

    private void mountpoint(String value) {
        if (value.equals("none") || value.equals("legacy")) return;
        Path p = Path.of(value);
        if (p.isAbsolute() && !value.contains("..") && !value.contains("//")) {
            for (Path under : mountUnder) if (p.normalize().startsWith(under) && !p.normalize().equals(under)) return;
        }
        throw new StoreError(StoreError.Kind.INVALID_PROPERTY, "mountpoint", "\"" + value + "\" is not under the allowed directories " + mountUnder);
    }

    private static boolean contains(JsonNode array, String value) {
        for (JsonNode n : array) if (n.asText().equals(value)) return true;
        return false;
    }

    static String text(JsonNode request, String field, String op) {
        JsonNode n = request.get(field);
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            if (field.equals("op")) return "";
            throw missing(op, field);
        }
        return n.asText();
    }

    private static StoreError missing(String op, String field) {
        return new StoreError(StoreError.Kind.INVALID_NAME, op, "needs \"" + field + "\"");
    }
}
