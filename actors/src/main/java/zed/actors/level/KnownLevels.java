package zed.actors.level;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The levels of the cluster and their hosts, as this node last heard them from the placement table (refreshed at
 * start, by every wake, and when a request names a level it does not know), plus the levels this node's own
 * entities journaled a first revision of. The API asks it before it addresses a level, so that a request for an id
 * nobody pushed answers 404 and starts no entity (one would otherwise live on, idle, for every such request).
 */
public final class KnownLevels {
    private final ConcurrentMap<String, String> hosts = new ConcurrentHashMap<>();
    private final String self;
    private volatile org.apache.pekko.actor.typed.ActorRef<zed.actors.cluster.PlacementTable.Command> table;
    private volatile org.apache.pekko.actor.typed.ActorSystem<?> system;
    static final java.time.Duration ASK = java.time.Duration.ofSeconds(5);

    /** @param self this node's host name */
    public KnownLevels(String self) {
        this.self = self;
    }

    /** The cluster's placement table, which {@link #refresh()} reads (before it is attached: nothing is read). */
    public void attach(org.apache.pekko.actor.typed.ActorSystem<?> system, org.apache.pekko.actor.typed.ActorRef<zed.actors.cluster.PlacementTable.Command> table) {
        this.system = system;
        this.table = table;
    }

    /** The cluster's placement table, null before {@link #attach}. */
    public org.apache.pekko.actor.typed.ActorRef<zed.actors.cluster.PlacementTable.Command> table() {
        return table;
    }

    /** Reads the placement table into this; when it does not answer, what was known stays. */
    public java.util.concurrent.CompletionStage<KnownLevels> refresh() {
        var t = table;
        if (t == null) return java.util.concurrent.CompletableFuture.completedFuture(this);
        return org.apache.pekko.actor.typed.javadsl.AskPattern.<zed.actors.cluster.PlacementTable.Command, zed.actors.cluster.PlacementTable.Placements>ask(
                t, zed.actors.cluster.PlacementTable.Get::new, ASK, system.scheduler()).handle((p, e) -> {
            if (p != null) replace(p.levels());
            return this;
        });
    }

    /** Whether the cluster has placed {@code level} (or its instances): known here, or in the table when asked now. */
    public java.util.concurrent.CompletionStage<Boolean> knows(String level) {
        if (contains(level) || !instances(level).isEmpty()) return java.util.concurrent.CompletableFuture.completedFuture(true);
        return refresh().thenApply(k -> k.contains(level) || !k.instances(level).isEmpty());
    }

    /** The instance ids of a multi-host level ({@code level@host}), sorted; empty for any other level. */
    public List<String> instances(String level) {
        return new TreeMap<>(hosts).keySet().stream()
                .filter(id -> zed.actors.cluster.Instances.isInstance(id) && zed.actors.cluster.Instances.levelOf(id).equals(level)).toList();
    }

    /** Everything the placement table holds now: it is the truth, what it no longer holds is gone. */
    public void replace(Map<String, String> placements) {
        hosts.keySet().retainAll(placements.keySet());
        hosts.putAll(placements);
    }

    /** A level that journaled its first revision on this node. */
    public void add(String level) {
        hosts.putIfAbsent(level, self);
    }

    public void put(String level, String host) {
        hosts.put(level, host);
    }

    public void remove(String level) {
        hosts.remove(level);
    }

    public boolean contains(String level) {
        return hosts.containsKey(level);
    }

    /** The host a level runs on, null when unknown. */
    public String hostOf(String level) {
        return hosts.get(level);
    }

    /** Every known level → its host, now. */
    public Map<String, String> placements() {
        return Map.copyOf(hosts);
    }

    /** This node's host name. */
    public String self() {
        return self;
    }

    /** Every known level, sorted: a multi-host level once, by its name. */
    public List<String> all() {
        return new java.util.TreeSet<>(hosts.keySet().stream().map(zed.actors.cluster.Instances::levelOf).toList()).stream().toList();
    }

    /** The levels placed on {@code host}, sorted. */
    public List<String> on(String host) {
        return new TreeMap<>(hosts).entrySet().stream().filter(e -> e.getValue().equals(host)).map(Map.Entry::getKey).toList();
    }

    /** The known entities below {@code level} (ids are paths: {@code level/...}), each instance of a multi-host one. */
    public List<String> below(String level) {
        return new TreeMap<>(hosts).keySet().stream().filter(x -> x.startsWith(level + "/")).toList();
    }
}
