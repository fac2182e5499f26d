package zed.reconciler.ops;

import zed.reconciler.store.Observation;
import zed.reconciler.store.StoreError;
import zed.reconciler.store.ZfsStore;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where zed ops lets a replication stream land: under a managed root with {@code setuid} and {@code devices} off. The
 * stream's files are its sender's to choose (a setuid-root binary, a device node), so they land where neither works;
 * the stream's own properties cannot turn either on ({@link zed.reconciler.stream.SendStream} refuses that).
 */
final class ReceivedPowers {
    static final List<String> POWERS = List.of("setuid", "devices");
    /** Each of {@link #POWERS} off. */
    private static final Map<String, String> OFF = POWERS.stream().collect(java.util.stream.Collectors.toUnmodifiableMap(p -> p, p -> "off"));
    private final OpsRules rules;

    ReceivedPowers(OpsRules rules) {
        this.rules = rules;
    }

    /**
     * Turns the powers off on the target's managed root where they are on (the root is ops's to keep; {@code changed}
     * hears what was done), then refuses a target that would still have one on, set below the root.
     */
    void ensure(ZfsStore store, String target, Consumer<String> changed) {
        String root = rules.rootOf(target);
        if (!store.exists(root)) {
            store.create(root, OFF);
            changed.accept("created managed root " + root + " with setuid=off devices=off, where received files land");
        }
        Map<String, Observation> seen = store.observe(root, Set.copyOf(POWERS));
        Observation atRoot = seen.get(root);
        if (atRoot == null || POWERS.stream().anyMatch(p -> !off(atRoot, p))) {
            store.set(root, OFF);
            changed.accept("set setuid=off devices=off on managed root " + root + ", where received files land");
            seen = store.observe(root, Set.copyOf(POWERS));
        }
        String landing = target;
        while (!seen.containsKey(landing)) landing = landing.substring(0, landing.lastIndexOf('/'));
        Observation at = seen.get(landing);
        for (String p : POWERS) {
            if (!off(at, p)) {
                Observation.Prop v = at.properties().get(p);
                throw new StoreError(StoreError.Kind.PERMISSION, landing, "has " + p + "=" + (v == null ? "?" : v.value() + " (" + v.source() + ")")
                        + ": a replica's files could hold a setuid binary or a device node, so ops receives only where " + POWERS + " are off (zfs inherit " + p + " " + landing + ")");
            }
        }
    }

    private static boolean off(Observation o, String p) {
        Observation.Prop v = o.properties().get(p);
        return v != null && v.value().equals("off");
    }
}
