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
    public static final Set<String> WRITES = Set.of("create", "set", "inherit", "mount", "snapshot", "replicaSnapshot", "promote");
    /**
     * Operations that lose data: each is written to the audit log before it runs and again with its result. A receive
     * is one: it rolls its target back over what it held after the common snapshot, or destroys it for a full one.
     */
    public static final Set<String> DESTRUCTIVE = Set.of("destroy", "destroySnapshot", "rollback", "prune", "takeOver", "demote", "receive", "receiveModel");
    /** Operations that only read. */
    public static final Set<String> READS = Set.of("capabilities", "observe", "exists", "snapshots", "zedState", "zedStates", "snapshotNames", "mountpoint",
            "replicaSnapshots", "replicaTarget", "replicasOf", "toTakeOver", "send");
    /** Operations whose request is followed by a replication stream on the connection ({@link Chunks}), one a connection. */
    public static final Set<String> STREAMS = Set.of("send", "receive", "receiveModel");
    /** A cluster member's name, as a Zedfile's {@code host} (what {@code com.zed:replica-of} holds). */
    private static final java.util.regex.Pattern HOST = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    /** A level's name as its datasets' {@code com.zed:level} holds it. */
    static final java.util.regex.Pattern LEVEL = java.util.regex.Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.:/-]{0,254}");

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
            case "replicaSnapshot" -> {
                JsonNode ds = request.get("datasets");
                if (ds == null || !ds.isArray() || ds.isEmpty()) throw missing(op, "datasets");
                for (JsonNode d : ds) managed(d.asText());
                try {
                    java.time.Instant.parse(text(request, "at", op));
                } catch (java.time.format.DateTimeParseException e) {
                    throw new StoreError(StoreError.Kind.INVALID_NAME, op, "\"at\" is an instant (e.g. 2026-12-06T00:00:00Z), which names the round");
                }
            }
            default -> {
                String d = managed(text(request, "dataset", op));
                replica(op, d, request);
                if (op.equals("destroySnapshot") || op.equals("rollback")) Names.snapshot(text(request, "snap", op));
                if (op.equals("create") || op.equals("set")) properties(d, request.get("properties"), false);
                if (op.equals("inherit")) settable(d, text(request, "property", op));
                if (op.equals("observe") && request.has("native")) for (JsonNode p : request.get("native")) Names.property(p.asText());
            }
        }
    }

    /** The arguments of a replication operation besides its dataset: rounds by their naming rule, hosts, levels, steps. */
    private static void replica(String op, String dataset, JsonNode request) {
        switch (op) {
            case "prune" -> round(text(request, "keep", op));
            case "takeOver" -> round(text(request, "snap", op));
            case "demote" -> host(text(request, "of", op));
            case "replicasOf", "toTakeOver" -> {
                if (!LEVEL.matcher(text(request, "level", op)).matches() || request.get("level").asText().contains("..")) {
                    throw new StoreError(StoreError.Kind.INVALID_NAME, request.get("level").asText(), "is not a level's name");
                }
                JsonNode origin = request.get("origin");
                if (op.equals("toTakeOver") || (origin != null && !origin.isNull())) host(text(request, "origin", op));
            }
            case "send" -> ReplicaSteps.of(request.get("step"), dataset, false);
            case "receive", "receiveModel" -> {
                ReplicaSteps.of(request.get("step"), dataset, op.equals("receiveModel"));
                host(text(request, "origin", op));
            }
            default -> {
                // not a replication operation: its arguments are checked where the store's are
            }
        }
    }

    /** A replication round's snapshot ({@code zed-replica-<UTC time>}): the only ones prune destroys or a failover goes back to. */
    private static void round(String snap) {
        Names.snapshot(snap);
        if (zed.reconciler.replica.FailoverPoint.takenAt(snap) == null) {
            throw new StoreError(StoreError.Kind.INVALID_NAME, snap, "is not a replication round's snapshot (" + zed.reconciler.replica.Replicas.PREFIX + "<UTC time>)");
        }
    }

    private static void host(String host) {
        if (!HOST.matcher(host).matches()) throw new StoreError(StoreError.Kind.INVALID_NAME, host, "is not a cluster member's name");
    }

    /** A valid dataset name at or under one of the roots. */
    public String managed(String dataset) {
        Names.dataset(dataset);
        for (String r : roots) if (dataset.equals(r) || dataset.startsWith(r + "/")) return dataset;
        throw new StoreError(StoreError.Kind.NOT_MANAGED, dataset, "is outside the managed roots " + roots);
    }

    /** The managed root a dataset is at or under (the longest, where roots nest). */
    public String rootOf(String dataset) {
        String found = null;
        for (String r : roots) if ((dataset.equals(r) || dataset.startsWith(r + "/")) && (found == null || r.length() > found.length())) found = r;
        if (found == null) throw new StoreError(StoreError.Kind.NOT_MANAGED, dataset, "is outside the managed roots " + roots);
        return found;
    }

    /**
     * What a received stream's properties may set through ops: what a root node's may
     * ({@link zed.reconciler.stream.StreamRules#common}), and a mountpoint only where {@code set} may put one.
     */
    public void received(String name, Object value) {
        zed.reconciler.stream.StreamRules.common(name, value);
        if (name.equals("mountpoint") && value instanceof String s) {
            try {
                mountpoint(s);
            } catch (StoreError e) {
                throw new zed.reconciler.stream.BadStream("the stream sets mountpoint=" + s + ", which is not under the allowed directories " + mountUnder);
            }
        }
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
