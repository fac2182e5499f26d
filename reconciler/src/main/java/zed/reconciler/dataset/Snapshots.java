package zed.reconciler.dataset;

import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Deploy snapshots (STATE.md): taken before each new revision with the datasets' {@code com.zed:*} state set on
 * the snapshots themselves (a snapshot does not freeze user properties on its own), pruned to {@code keep}, and
 * rolled back to with data and state together.
 */
public final class Snapshots {
    /** Exactly Zed's names: {@code zed-deploy-<rev>-<yyyyMMdd'T'HHmmss'Z'>}. Nothing else is ever pruned, but {@link #ROLLOUT}. */
    public static final Pattern DEPLOY = Pattern.compile("zed-deploy-(\\d{1,18})-(\\d{8}T\\d{6}Z)");
    /** What a coordinated rollout takes on every host before it changes any: {@code zed-rollout-<rollout>-<time>}. */
    public static final Pattern ROLLOUT = Pattern.compile("zed-rollout-(\\d{1,18})-(\\d{8}T\\d{6}Z)");
    /**
     * On a deploy snapshot only, never on a dataset: the level's revision that its datasets held when it was taken (the
     * one desired before the deploy). A dataset that a revision did not change keeps the revision that last did in
     * {@code com.zed:rev}, and a host rolled back and pushed again takes a second snapshot of the same revision under
     * another revision's name: neither the dataset's state nor the name says what a snapshot holds; this does.
     */
    public static final String HOLDS = "com.zed:holds";
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    /** Snapshots that a rollback is using right now: retention never prunes them. */
    private static final Set<String> IN_USE = ConcurrentHashMap.newKeySet();

    private Snapshots() {
    }

    public static String deployName(long rev, Instant at) {
        return "zed-deploy-" + rev + "-" + STAMP.format(at);
    }

    /** The revision a deploy snapshot was taken before, or -1 for any other snapshot. */
    public static long deployRev(String snapshot) {
        Matcher m = DEPLOY.matcher(snapshot);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /**
     * Snapshots every dataset before deploying {@code rev} (one call for all where the platform allows it), each
     * snapshot carrying its dataset's {@code com.zed:*} values of this moment.
     *
     * @return the snapshot name
     */
    public static String beforeDeploy(Store store, List<String> datasets, long rev, Instant at) {
        Map<String, Map<String, String>> props = new LinkedHashMap<>();
        for (String d : datasets) props.put(d, store.zedState(d));
        return beforeDeploy(store, datasets, rev, at, props, 0);
    }

    /**
     * The same, with each dataset's state already read (one recursive read: {@link Store#zedStates}).
     *
     * @param holds the level's revision the datasets hold now ({@link #HOLDS}); 0: not known, the name says it
     */
    public static String beforeDeploy(Store store, List<String> datasets, long rev, Instant at, Map<String, Map<String, String>> states, long holds) {
        if (holds <= 0) return take(store, datasets, deployName(rev, at), states);
        Map<String, Map<String, String>> marked = new LinkedHashMap<>();
        for (String d : datasets) {
            Map<String, String> m = new LinkedHashMap<>(states.getOrDefault(d, Map.of()));
            m.put(HOLDS, String.valueOf(holds));
            marked.put(d, m);
        }
        return take(store, datasets, deployName(rev, at), marked);
    }

    /**
     * Snapshots every dataset under one name before rollout {@code rollout} changes any host, each carrying its
     * {@code com.zed:*} values of this moment, as a deploy snapshot does.
     */
    public static String beforeRollout(Store store, List<String> datasets, long rollout, Instant at, Map<String, Map<String, String>> states) {
        return take(store, datasets, "zed-rollout-" + rollout + "-" + STAMP.format(at), states);
    }

    private static String take(Store store, List<String> datasets, String name, Map<String, Map<String, String>> states) {
        Map<String, Map<String, String>> props = new LinkedHashMap<>();
        for (String d : datasets) props.put(d, states.getOrDefault(d, Map.of()));
        store.snapshot(datasets, name, props);
        return name;
    }

    /** @param skipped snapshots that had to stay: protected, in use by a rollback, or held */
    public record Pruned(List<String> destroyed, List<String> skipped) {
    }

    /**
     * Keeps the newest {@code keep} deploy snapshots of a dataset and destroys the older ones, except those in
     * {@code protect} (e.g. the newest snapshot common with a replication target), those a rollback is using, and
     * those the platform refuses to destroy because they are held. Snapshots Zed did not make are never touched.
     */
    public static Pruned prune(Store store, String dataset, int keep, Set<String> protect) {
        return prune(store, dataset, store.snapshots(dataset).stream().map(Snapshot::name).toList(), keep, protect);
    }

    /**
     * The same, with the dataset's snapshot names (oldest first) already read: {@link Store#snapshotNames} reads a
     * whole level's in one call, where one listing per dataset was a command each.
     */
    public static Pruned prune(Store store, String dataset, List<String> snapshots, int keep, Set<String> protect) {
        List<String> destroyed = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        // deploy snapshots and rollout snapshots each keep their newest keep
        for (Pattern kind : List.of(DEPLOY, ROLLOUT)) prune(store, dataset, snapshots.stream().filter(s -> kind.matcher(s).matches()).toList(), keep, protect, destroyed, skipped);
        return new Pruned(destroyed, skipped);
    }

    private static void prune(Store store, String dataset, List<String> deploys, int keep, Set<String> protect, List<String> destroyed, List<String> skipped) {
        for (int i = 0; i < deploys.size() - keep; i++) {
            String s = deploys.get(i);
            if (protect.contains(s) || IN_USE.contains(dataset + "@" + s)) {
                skipped.add(s);
                continue;
            }
            try {
                store.destroySnapshot(dataset, s);
                destroyed.add(s);
            } catch (StoreError e) {
                if (e.kind() != StoreError.Kind.BUSY) throw e;
                skipped.add(s); // held (e.g. by a replication), or a clone depends on it
            }
        }
    }

    /**
     * Resolves a rollback target for one dataset: {@code @latest} (the newest deploy snapshot), {@code @rev:N} (the
     * state of revision N: the newest deploy snapshot, by creation, that holds it ({@link #holds}), or an exact
     * snapshot name (with or without "@"). Revisions compare as numbers and names exactly: never a prefix.
     */
    public static Snapshot resolve(Store store, String dataset, String target) {
        List<Snapshot> all = store.snapshots(dataset);
        Snapshot found = null;
        if (target.equals("@latest")) {
            for (Snapshot s : all) if (DEPLOY.matcher(s.name()).matches()) found = s;
        } else if (target.startsWith("@rev:")) {
            long n;
            try {
                n = Long.parseLong(target.substring(5));
            } catch (NumberFormatException e) {
                throw new StoreError(StoreError.Kind.INVALID_NAME, target, "a revision target reads @rev:N, N a number");
            }
            // the newest by creation: a host rolled back and pushed again holds the revision in a later snapshot too
            for (Snapshot s : all) if (holds(s, n) && (found == null || s.order() >= found.order())) found = s;
        } else {
            String name = target.startsWith("@") ? target.substring(1) : target;
            for (Snapshot s : all) if (s.name().equals(name)) found = s;
        }
        if (found == null) throw new StoreError(StoreError.Kind.NO_SUCH_DATASET, dataset, "no snapshot matches " + target);
        return found;
    }

    /**
     * Whether a deploy snapshot holds revision {@code n}: as its {@link #HOLDS} says, or, taken before snapshots said
     * it, as its name does (taken before deploying n+1).
     */
    static boolean holds(Snapshot s, long n) {
        long next = deployRev(s.name());
        if (next < 0) return false;
        String held = s.zedState().get(HOLDS);
        return held != null ? held.equals(String.valueOf(n)) : next == n + 1;
    }

    /** @param revision the level's revision the dataset holds now (the snapshot's {@link #HOLDS}, else its state's), or null */
    public record Rolled(String dataset, String snapshot, Long revision) {
    }

    /**
     * Rolls every dataset back to its target: all targets are resolved first, so that a dataset without one stops
     * the rollback before anything changes. Then per dataset: {@code zfs rollback -r}, and every {@code com.zed:*}
     * property set back to the snapshot's value; one the snapshot did not have is removed.
     */
    public static List<Rolled> rollback(Store store, List<String> datasets, String target) {
        List<Snapshot> targets = new ArrayList<>();
        for (String d : datasets) targets.add(resolve(store, d, target));
        for (Snapshot s : targets) IN_USE.add(s.full());
        try {
            List<Rolled> out = new ArrayList<>();
            for (Snapshot s : targets) out.add(rollback(store, s));
            return out;
        } finally {
            for (Snapshot s : targets) IN_USE.remove(s.full());
        }
    }

    private static java.util.Set<String> declared(String list) {
        if (list == null || list.equals(Planner.NO_PROPERTIES) || list.isBlank()) return java.util.Set.of();
        return java.util.Set.of(list.split(","));
    }

    public static Rolled rollback(Store store, Snapshot s) {
        store.rollback(s.dataset(), s.name());
        Map<String, String> now = store.zedState(s.dataset());
        Map<String, String> then = new LinkedHashMap<>(s.zedState());
        then.remove(HOLDS); // the snapshot's, not the dataset's
        // properties that the rolled-back revision declared, and the snapshot's did not, go back to inheritance;
        // the next converge of the restored revision sets its own declared values again
        java.util.Set<String> before = declared(then.get(Planner.PROPERTIES));
        for (String p : declared(now.get(Planner.PROPERTIES))) if (!before.contains(p)) store.inherit(s.dataset(), p);
        for (String k : now.keySet()) if (!then.containsKey(k)) store.inherit(s.dataset(), k);
        Map<String, String> set = new LinkedHashMap<>();
        then.forEach((k, v) -> {
            if (!k.equals(Planner.REV) && !v.equals(now.get(k))) set.put(k, v);
        });
        String rev = then.get(Planner.REV);
        if (rev != null && !rev.equals(now.get(Planner.REV))) set.put(Planner.REV, rev);
        store.set(s.dataset(), set);
        return new Rolled(s.dataset(), s.name(), revision(s));
    }

    /**
     * The revision a snapshot's dataset carries, which a rollback to it converges: as its {@link #HOLDS} says, else
     * its stamp's {@code com.zed:rev}; null when it says none (or a hand-made value).
     */
    public static Long revision(Snapshot s) {
        String held = s.zedState().get(HOLDS);
        String rev = s.zedState().get(Planner.REV);
        try {
            return held != null ? Long.valueOf(held) : rev == null ? null : Long.valueOf(rev);
        } catch (NumberFormatException ignored) {
            return null;
        }
    }
}
