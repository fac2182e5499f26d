package zed.actors.cluster;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import zed.actors.JsonEvent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The truth of where each level runs: level id → host name, journaled, one for the whole cluster (a cluster
 * singleton, its one writer). Sharding's external allocation is gossip and forgets everything at a full restart, so
 * the table writes it again whenever it starts and whenever a member comes up (a host that came back on another
 * address); {@link PinnedAllocation} then places each level's shard on its host's node, and nowhere else.
 */
public final class PlacementTable extends EventSourcedBehavior<PlacementTable.Command, PlacementTable.Event, PlacementTable.State> {
    public static final String NAME = "placements";

    public sealed interface Command {
    }

    /**
     * A push of {@code level} came to {@code receiving}; its Zedfile names {@code declared} (null: none), or
     * {@code hosts} for one instance per host (empty: a single-host level).
     */
    public record Place(String level, String declared, List<String> hosts, String receiving, ActorRef<Answer> replyTo) implements Command, JsonEvent {
    }

    /** The push that placed {@code level} was refused: a level that never got a revision has no place. */
    public record Unplace(String level, ActorRef<Placements> replyTo) implements Command, JsonEvent {
    }

    /**
     * The levels of the journal that {@code host} found at start: those with no place yet (journaled before the table
     * existed) are placed there. Answers every placement.
     */
    public record Adopt(List<String> levels, String host, ActorRef<Placements> replyTo) implements Command, JsonEvent {
    }

    public record Get(ActorRef<Placements> replyTo) implements Command, JsonEvent {
    }

    /** zed move: {@code level} runs on {@code host} from now on (its datasets are there, its services stopped here). */
    public record Move(String level, String host, ActorRef<Placements> replyTo) implements Command, JsonEvent {
    }

    /**
     * What the level's converged revision says of its standby: {@code standby} null for none, {@code auto} whether the
     * level moves there by itself once the cluster downs its host ({@link AutoFailover}). Kept only where auto is on.
     */
    public record Standby(String level, String standby, boolean auto) implements Command, JsonEvent {
    }

    /** Level id → its standby, of the levels with {@code failover { auto = true }}. */
    public record GetAuto(ActorRef<AutoStandbys> replyTo) implements Command, JsonEvent {
    }

    public record AutoStandbys(Map<String, String> standbys, Map<String, String> levels) implements JsonEvent {
    }

    private record MembersChanged() implements Command {
    }

    /**
     * Every node tells the table how the cluster removed a host ({@link AutoFailover} hears it): downed (the
     * split-brain resolver's other side, or a dead host: its node stood down) or left (its operator stopped its agent,
     * which leaves its services running). Kept until the host is a member again, so that {@code zed failover} can tell
     * the two apart after the fact, from any node, after a restart of the table's.
     */
    public record HostRemoved(String host, boolean downed) implements Command, JsonEvent {
    }

    /** How {@code host} left the cluster, as far as the table knows. */
    public record HowRemoved(String host, ActorRef<Removal> replyTo) implements Command, JsonEvent {
    }

    /** @param how {@link #DOWNED}, {@link #LEFT}, or null: no node told the table (or the host is a member again) */
    public record Removal(String host, String how) implements JsonEvent {
    }

    public static final String DOWNED = "downed", LEFT = "left";

    public sealed interface Answer extends JsonEvent {
    }

    /**
     * @param host  the level's host; null for a multi-host level
     * @param hosts the hosts of its instances ({@link Instances}), empty for a single-host level
     */
    public record Placed(String level, String host, List<String> hosts, boolean fresh) implements Answer {
    }

    public record Refused(PlacementRule.Refuse.Why why, String message) implements Answer {
    }

    /** @param levels level id → host name */
    public record Placements(Map<String, String> levels) implements JsonEvent {
    }

    public sealed interface Event extends JsonEvent {
    }

    public record LevelPlaced(String level, String host) implements Event {
    }

    public record LevelUnplaced(String level) implements Event {
    }

    /** {@code standby} null: the level fails over by itself no more. */
    public record AutoStandby(String level, String standby) implements Event {
    }

    /** @param how {@link #DOWNED} or {@link #LEFT}; null: the host is a member again */
    public record HostGone(String host, String how) implements Event {
    }

    /**
     * @param levels level id → host name
     * @param auto   level id → its standby, for the levels that fail over by themselves (absent in tables journaled
     *               before there was auto failover)
     * @param gone   host → how the cluster removed it ({@link #DOWNED}, {@link #LEFT}), while it is no member
     */
    public record State(Map<String, String> levels, Map<String, String> auto, Map<String, String> gone) implements JsonEvent {
        public State {
            auto = auto == null ? Map.of() : auto;
            gone = gone == null ? Map.of() : gone;
        }

        State withGone(String host, String how) {
            Map<String, String> g = new TreeMap<>(gone);
            if (how == null) g.remove(host);
            else g.put(host, how);
            return new State(levels, auto, g);
        }

        State with(String level, String host) {
            Map<String, String> m = new TreeMap<>(levels);
            Map<String, String> a = new TreeMap<>(auto);
            if (host == null) {
                m.remove(level);
                a.remove(level);
            } else {
                m.put(level, host);
            }
            return new State(m, a, gone);
        }

        State withAuto(String level, String standby) {
            Map<String, String> a = new TreeMap<>(auto);
            if (standby == null) a.remove(level);
            else a.put(level, standby);
            return new State(levels, a, gone);
        }
    }

    private final ActorContext<Command> ctx;
    private final Cluster cluster;

    private PlacementTable(ActorContext<Command> ctx) {
        super(PersistenceId.ofUniqueId("zed-placements"), SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
        this.ctx = ctx;
        this.cluster = Cluster.get(ctx.getSystem());
        ActorRef<ClusterEvent.MemberEvent> members = ctx.messageAdapter(ClusterEvent.MemberEvent.class, e -> new MembersChanged());
        cluster.subscriptions().tell(Subscribe.create(members, ClusterEvent.MemberEvent.class));
    }

    public static Behavior<Command> create() {
        return Behaviors.supervise(Behaviors.<Command>setup(PlacementTable::new))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    }

    @Override
    public State emptyState() {
        return new State(Map.of(), Map.of(), Map.of());
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(100, 2);
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), this::allocate).build();
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Place.class, this::place)
                .onCommand(Unplace.class, this::unplace)
                .onCommand(Adopt.class, this::adopt)
                .onCommand(Get.class, (s, c) -> Effect().reply(c.replyTo(), new Placements(s.levels())))
                .onCommand(Move.class, (s, c) -> Effect().persist(new LevelPlaced(c.level(), c.host())).thenRun(this::allocate)
                        .thenReply(c.replyTo(), st -> new Placements(st.levels())))
                .onCommand(Standby.class, (s, c) -> {
                    String want = c.auto() && c.standby() != null && s.levels().containsKey(c.level()) ? c.standby() : null;
                    return java.util.Objects.equals(want, s.auto().get(c.level())) ? Effect().none() : Effect().persist(new AutoStandby(c.level(), want));
                })
                .onCommand(GetAuto.class, (s, c) -> Effect().reply(c.replyTo(), new AutoStandbys(s.auto(), s.levels())))
                .onCommand(MembersChanged.class, (s, c) -> {
                    allocate(s);
                    // a host back in the cluster: how it went before says nothing any more
                    List<Event> back = s.gone().keySet().stream().filter(h -> Members.joined(cluster, h)).<Event>map(h -> new HostGone(h, null)).toList();
                    return back.isEmpty() ? Effect().none() : Effect().persist(back);
                })
                .onCommand(HostRemoved.class, (s, c) -> {
                    String how = c.downed() ? DOWNED : LEFT;
                    // late news of a host that joined again since, or the same news from another node: nothing to write
                    if (Members.joined(cluster, c.host()) || how.equals(s.gone().get(c.host()))) return Effect().none();
                    return Effect().persist(new HostGone(c.host(), how));
                })
                .onCommand(HowRemoved.class, (s, c) -> Effect().reply(c.replyTo(),
                        new Removal(c.host(), Members.of(cluster, c.host()) != null ? null : s.gone().get(c.host()))))
                .build();
    }

    private Effect<Event, State> place(State s, Place c) {
        List<String> instances = instanceHosts(s, c.level());
        PlacementRule.Decision d = c.hosts().isEmpty()
                ? PlacementRule.decide(c.level(), s.levels().get(c.level()), instances, c.declared(), c.receiving(), Members.hostNames(cluster))
                : PlacementRule.decideEach(c.level(), s.levels().get(c.level()), instances, c.hosts(), Members.hostNames(cluster));
        if (d instanceof PlacementRule.Refuse r) return Effect().reply(c.replyTo(), new Refused(r.why(), r.message()));
        boolean fresh;
        Placed placed;
        List<Event> events;
        if (d instanceof PlacementRule.PlaceEach p) {
            fresh = p.fresh();
            placed = new Placed(c.level(), null, p.hosts(), fresh);
            events = p.hosts().stream().<Event>map(h -> new LevelPlaced(Instances.id(c.level(), h), h)).toList();
        } else {
            PlacementRule.Place p = (PlacementRule.Place) d;
            fresh = p.fresh();
            placed = new Placed(c.level(), p.host(), List.of(), fresh);
            events = List.of(new LevelPlaced(c.level(), p.host()));
        }
        if (!fresh) {
            allocate(s); // the location may have been lost (a restart of every node): written again before the push goes on
            return Effect().reply(c.replyTo(), placed);
        }
        return Effect().persist(events).thenRun(this::allocate).thenReply(c.replyTo(), st -> placed);
    }

    /** The hosts of {@code level}'s instances, sorted; empty for a single-host level or one never placed. */
    static List<String> instanceHosts(State s, String level) {
        return s.levels().keySet().stream().filter(id -> Instances.isInstance(id) && Instances.levelOf(id).equals(level))
                .map(Instances::hostOf).sorted().toList();
    }

    /** Takes back the level's place, and each of its instances' (a multi-host level's first push was refused). */
    private Effect<Event, State> unplace(State s, Unplace c) {
        List<Event> gone = s.levels().keySet().stream().filter(id -> id.equals(c.level()) || Instances.isInstance(id) && Instances.levelOf(id).equals(c.level()))
                .<Event>map(LevelUnplaced::new).toList();
        if (gone.isEmpty()) return Effect().reply(c.replyTo(), new Placements(s.levels()));
        return Effect().persist(gone).thenReply(c.replyTo(), st -> new Placements(st.levels()));
    }

    private Effect<Event, State> adopt(State s, Adopt c) {
        // an instance of a multi-host level belongs to the host it names, whichever node found it
        List<Event> fresh = c.levels().stream().filter(l -> !s.levels().containsKey(l))
                .<Event>map(l -> new LevelPlaced(l, Instances.isInstance(l) ? Instances.hostOf(l) : c.host())).toList();
        if (fresh.isEmpty()) return Effect().reply(c.replyTo(), new Placements(s.levels()));
        return Effect().persist(fresh).thenRun(this::allocate).thenReply(c.replyTo(), st -> new Placements(st.levels()));
    }

    /** Writes the shard location of every level whose host is a member now (the others have no address to give). */
    private void allocate(State s) {
        Map<String, Address> hosts = Members.addresses(cluster);
        Map<String, Address> locations = new TreeMap<>();
        s.levels().forEach((level, host) -> {
            Address a = hosts.get(host);
            if (a != null) locations.put(level, a);
        });
        if (locations.isEmpty()) return;
        ExternalShardAllocation.get(ctx.getSystem()).getClient(zed.actors.level.LevelEntity.KEY.name()).setShardLocations(locations)
                .whenComplete((done, e) -> {
                    if (e != null) ctx.getSystem().log().warn("placements: writing {} shard locations failed ({}); written again at the next change", locations.size(), e.toString());
                });
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(LevelPlaced.class, (s, e) -> s.with(e.level(), e.host()))
                .onEvent(LevelUnplaced.class, (s, e) -> s.with(e.level(), null))
                .onEvent(AutoStandby.class, (s, e) -> s.withAuto(e.level(), e.standby()))
                .onEvent(HostGone.class, (s, e) -> s.withGone(e.host(), e.how()))
                .build();
    }

    /** What the cluster's membership says about hosts. */
    public static final class Members {
        private Members() {
        }

        /** The host name a member carries in its roles, null for none. */
        public static String hostOf(org.apache.pekko.cluster.Member m) {
            for (String r : m.getRoles()) if (r.startsWith(ClusterConfig.HOST_ROLE)) return r.substring(ClusterConfig.HOST_ROLE.length());
            return null;
        }

        /** Whether a member still is one: joining, up, leaving (unreachable too), not downed nor removed. */
        static boolean current(org.apache.pekko.cluster.Member m) {
            return m.status() != MemberStatus.down() && m.status() != MemberStatus.removed();
        }

        /**
         * Whether {@code host} is a member joining or up: back after it went. Not {@link #of}: this node's view of the
         * membership trails the events other actors hear, so a host whose removal was just heard may still show as
         * exiting (left) here, which is no return.
         */
        static boolean joined(Cluster cluster, String host) {
            for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
                if (host.equals(hostOf(m)) && (m.status() == MemberStatus.up() || m.status() == MemberStatus.joining()
                        || m.status() == MemberStatus.weaklyUp())) return true;
            }
            return false;
        }

        /** The member that runs as {@code host} now, null when none does. */
        public static org.apache.pekko.cluster.Member of(Cluster cluster, String host) {
            for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) if (current(m) && host.equals(hostOf(m))) return m;
            return null;
        }

        /** Every host that is a member now (joining, up, leaving; unreachable ones too), by name → its node's address. */
        public static Map<String, Address> addresses(Cluster cluster) {
            Map<String, Address> out = new TreeMap<>();
            for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
                String h = hostOf(m);
                if (current(m) && h != null) out.put(h, m.address());
            }
            return out;
        }

        /** As {@link #hostAddresses(Cluster)}; none for an actor system that is no cluster node (a test of one level). */
        public static Map<String, String> hostAddresses(org.apache.pekko.actor.typed.ActorSystem<?> system) {
            if (!(system.classicSystem() instanceof org.apache.pekko.actor.ExtendedActorSystem e)
                    || !(e.provider() instanceof org.apache.pekko.cluster.ClusterActorRefProvider)) return Map.of();
            return hostAddresses(Cluster.get(system));
        }

        /** Every member host by name → the address others reach it at (its Artery host). */
        public static Map<String, String> hostAddresses(Cluster cluster) {
            Map<String, String> out = new TreeMap<>();
            addresses(cluster).forEach((h, a) -> out.put(h, a.host().getOrElse(() -> "127.0.0.1")));
            return out;
        }

        public static Set<String> hostNames(Cluster cluster) {
            return addresses(cluster).keySet();
        }
    }
}
