package zed.reconciler.stream;

import zed.reconciler.store.Names;

import java.util.Set;

/**
 * What the properties of a received stream may set, checked before {@code zfs receive} applies them: a stream made
 * by {@code zfs send -p} sets on the replica whatever the sender's dataset had, and a sender that is not to be
 * trusted (another host's agent, or the agent talking to {@code zed ops}) could make the replica a way to root.
 */
@FunctionalInterface
public interface StreamRules {
    /**
     * The native properties a received stream may set: those a Zedfile may set (as {@code zed ops} allows them), and
     * a few inert ones a sender's dataset may carry (set once at its creation, or of no effect here).
     */
    Set<String> NATIVE = java.util.stream.Stream.concat(zed.reconciler.ops.OpsRules.NATIVE.stream(),
            Set.of("vscan", "nbmand", "utf8only", "normalization", "casesensitivity").stream()).collect(java.util.stream.Collectors.toUnmodifiableSet());
    /** Properties that give a dataset powers (a setuid binary, a device node, an export, a zone's hand): only "off". */
    Set<String> ONLY_OFF = Set.of("setuid", "devices", "zoned", "jailed", "sharenfs", "sharesmb", "shareiscsi", "mlslabel");

    /**
     * The rules of a node that runs as root: user properties, the native ones above, and the powers only off. Its
     * mountpoints are its own Zedfiles' (a standby mounts a replica where its primary did).
     */
    StreamRules OF_A_ROOT_NODE = StreamRules::common;

    /** @throws BadStream naming the property and why it is refused */
    void check(String name, Object value);

    static void common(String name, Object value) {
        if (!(value instanceof String) && !(value instanceof Long)) throw new BadStream("the stream sets " + name + " to a value of neither a string nor a number");
        try {
            Names.property(name);
            if (value instanceof String s) Names.value(name, s);
        } catch (RuntimeException e) {
            throw new BadStream("the stream sets a property that is not one: " + e.getMessage());
        }
        if (Names.isUserProperty(name)) {
            if (!(value instanceof String)) throw new BadStream("the stream sets the user property " + name + " to a number");
            return;
        }
        if (ONLY_OFF.contains(name)) {
            if (value instanceof Long l && l == 0) return;
            if (value instanceof String s && (s.equals("off") || s.equals("none"))) return;
            throw new BadStream("the stream sets " + name + "=" + value + ": a received dataset may have it only off (it could hold a setuid binary or a device node of the sender's choosing)");
        }
        if (!NATIVE.contains(name)) throw new BadStream("the stream sets " + name + ", which a received dataset may not have set by its sender");
    }
}
