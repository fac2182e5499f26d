package zed.actors.rollout;

import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import zed.actors.cluster.Instances;
import zed.actors.level.LevelCommand;
import zed.actors.level.LevelEntity;
import zed.actors.rollout.RolloutEvent.HostStepped;
import zed.actors.rollout.RolloutState.Host;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A multi-host level's rollouts, one entity per level (id: the level's name), event-sourced: it journals each step
 * and sends what {@link RolloutState#next()} names to the level's instances ({@code level@host}), with the messages
 * they already take (Push, Get, RollbackTo). It watches each instance's gate by reading its status every second. A
 * node's crash replays the journal: hosts that were being changed are asked again (a push of the same Zedfile is the
 * same revision), and a failure reverts them; nothing ends with hosts silently on different revisions.
 */
public final class RolloutEntity extends EventSourcedBehavior<RolloutCommand, RolloutEvent, RolloutLog> {
    public static final EntityTypeKey<RolloutCommand> KEY = EntityTypeKey.create(RolloutCommand.class, "rollout");
    static final Duration ASK = Duration.ofSeconds(5);
    static final Duration EVERY = Duration.ofSeconds(1);
    /**
     * An instance that does not answer this long while it is being changed, or after it passed and before the rollout
     * ends, is taken as lost: the rollout fails.
     */
    static final Duration LOST = Duration.ofSeconds(30);

    private final String level;
    private final ActorContext<RolloutCommand> ctx;
    /** Hosts whose status is being read now: one read each at a time. */
    private final Set<String> reading = new HashSet<>();
    /** Hosts being asked for the first round's snapshot now: one ask each at a time. */
    private final Set<String> snapshotting = new HashSet<>();
    /** Hosts being asked to go back now: one ask each at a time. */
    private final Set<String> reverting = new HashSet<>();
    /** Since when a host has not answered. */
    private final Map<String, Instant> silent = new HashMap<>();
    /** When each host was last read Converged at the revision it passed: the rollout is Stable only on fresh answers. */
    private final Map<String, Instant> convergedAt = new HashMap<>();

    private RolloutEntity(ActorContext<RolloutCommand> ctx, TimerScheduler<RolloutCommand> timers, String level) {
        super(PersistenceId.of("rollout", level, "|"), SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
        this.ctx = ctx;
        this.level = level;
        timers.startTimerWithFixedDelay(new RolloutCommand.Tick(), EVERY);
    }

    public static Entity<RolloutCommand, org.apache.pekko.cluster.sharding.typed.ShardingEnvelope<RolloutCommand>> entity(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        // a rollout waiting for zed promote receives nothing for as long as it waits: never passivated
        return Entity.of(KEY, c -> create(c.getEntityId()))
                .withSettings(org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings.create(system).withNoPassivationStrategy());
    }

    public static Behavior<RolloutCommand> create(String level) {
        return Behaviors.supervise(Behaviors.<RolloutCommand>setup(ctx -> Behaviors.<RolloutCommand>withTimers(t -> new RolloutEntity(ctx, t, level))))
                .onFailure(SupervisorStrategy.restartWithBackoff(Duration.ofSeconds(1), Duration.ofSeconds(30), 0.2));
    }

    @Override
    public RolloutLog emptyState() {
        return RolloutLog.empty(level);
    }

    @Override
    public Set<String> tagsFor(RolloutEvent event) {
        return Set.of(LevelEntity.TAG); // on /v1/events with the level's own
    }

    @Override
    public EventHandler<RolloutLog, RolloutEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent(RolloutLog::apply);
    }

    @Override
    public SignalHandler<RolloutLog> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> {
            if (!s.running()) return;
            // what was under way when the node died is asked again: a push of the same Zedfile is the same revision
            for (String h : s.state().in(Host.APPLYING)) if (!s.applied().containsKey(h)) push(s, h);
            for (String h : s.state().in(Host.REVERTING)) revert(s, h);
            ctx.getSelf().tell(new RolloutCommand.Wake());
        }).build();
    }

    @Override
    public CommandHandler<RolloutCommand, RolloutEvent, RolloutLog> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(RolloutCommand.Start.class, this::onStart)
                .onCommand(RolloutCommand.Read.class, this::onRead)
                .onCommand(RolloutCommand.Get.class, (s, c) -> Effect().none().thenRun(st -> c.replyTo().tell(st)))
                .onCommand(RolloutCommand.Wake.class, (s, c) -> act(s))
                .onCommand(RolloutCommand.Tick.class, this::onTick)
                .onCommand(RolloutCommand.Heard.class, this::onHeard)
                .onCommand(RolloutCommand.Pushed.class, this::onPushed)
                .onCommand(RolloutCommand.RevertAsked.class, this::onRevertAsked)
                .onCommand(RolloutCommand.Snapshotted.class, this::onSnapshotted)
                .onCommand(RolloutCommand.Promote.class, this::onPromote)
                .build();
    }

    private EntityRef<LevelCommand> instance(String host) {
        return ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, Instances.id(level, host));
    }

    private static Instant now() {
        return Instant.now();
    }

    // ---- a new revision --------------------------------------------------------------------------------------------

    /** Every host's stable revision is read first: a host that does not answer now is not changed, and nothing is. */
    private Effect<RolloutEvent, RolloutLog> onStart(RolloutLog s, RolloutCommand.Start c) {
        if (s.running()) {
            return Effect().none().thenRun(st -> c.replyTo().tell(new RolloutCommand.NotBegun("rollout " + s.number() + " of " + level + " is under way ("
                    + s.phase() + "): wait for it, or end it with zed promote " + level + " --abort")));
        }
        List<CompletableFuture<LevelCommand.Status>> each = new ArrayList<>();
        for (String h : c.hosts()) each.add(instance(h).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK).toCompletableFuture());
        ctx.pipeToSelf(CompletableFuture.allOf(each.toArray(CompletableFuture[]::new)), (x, e) -> {
            if (e != null) return new RolloutCommand.Read(c, Map.of(), "a host of " + level + " does not answer (" + (e.getCause() != null ? e.getCause() : e).getMessage()
                    + "): a rollout changes no host until every one answers");
            Map<String, Long> stable = new LinkedHashMap<>();
            for (int i = 0; i < c.hosts().size(); i++) stable.put(c.hosts().get(i), each.get(i).join().state().stableRevision());
            return new RolloutCommand.Read(c, stable, null);
        });
        return Effect().none();
    }

    private Effect<RolloutEvent, RolloutLog> onRead(RolloutLog s, RolloutCommand.Read r) {
        RolloutCommand.Start c = r.start();
        if (r.error() != null || s.running()) {
            String why = r.error() != null ? r.error() : "rollout " + s.number() + " of " + level + " began meanwhile";
            return Effect().none().thenRun(st -> c.replyTo().tell(new RolloutCommand.NotBegun(why)));
        }
        var p = c.policy();
        RolloutEvent.RolloutStarted started = new RolloutEvent.RolloutStarted(s.number() + 1, c.source(), c.filename(), c.dir(), c.parent(), c.restart(),
                p.strategy(), p.maxParallel(), p.canary(), p.autoPromote(), p.autoRevert(), p.progressDeadline(), c.hosts(), r.stable(), now());
        return Effect().persist(started).thenRun(st -> c.replyTo().tell(new RolloutCommand.Begun(started.rollout(), p.strategy(), c.hosts())))
                .thenRun(this::next);
    }

    // ---- what the rollout does next ------------------------------------------------------------------------------

    private void next(RolloutLog s) {
        ctx.getSelf().tell(new RolloutCommand.Wake());
    }

    /** Carries out the step the state names; each step is journaled before anything is sent. */
    private Effect<RolloutEvent, RolloutLog> act(RolloutLog s) {
        if (!s.running()) return Effect().none();
        RolloutState.Step step = s.state().next();
        long n = s.number();
        if (step instanceof RolloutState.Snapshot snap) {
            return Effect().persist(steps(n, snap.hosts(), Host.SNAPSHOTTING, s)).thenRun(st -> snap.hosts().forEach(h -> snapshot(st, h))).thenRun(this::next);
        }
        if (step instanceof RolloutState.Apply apply) {
            return Effect().persist(steps(n, apply.hosts(), Host.APPLYING, s)).thenRun(st -> apply.hosts().forEach(h -> push(st, h))).thenRun(this::next);
        }
        if (step instanceof RolloutState.Revert revert) {
            List<String> hosts = revert.hosts().stream().filter(h -> s.state().hostStep().get(h) != Host.REVERTING).toList();
            List<RolloutEvent> events = new ArrayList<>();
            for (String h : hosts) events.add(new HostStepped(n, h, Host.REVERTING.name(), s.stable().getOrDefault(h, 0L), null, now()));
            return Effect().persist(events).thenRun(st -> hosts.forEach(h -> revert(st, h))).thenRun(this::next);
        }
        if (step instanceof RolloutState.AwaitPromotion && s.started().autoPromote()) {
            return Effect().persist(new RolloutEvent.Promoted(n, false, true, now())).thenRun(this::next);
        }
        if (step instanceof RolloutState.Confirm) {
            // every host passed: stable once each answered again since (the tick reads them), never on the word of a lost one
            if (!s.confirmed(convergedAt)) return Effect().none();
            Map<String, Long> stable = new LinkedHashMap<>(s.applied());
            return Effect().persist(new RolloutEvent.RolloutEnded(n, "Stable", stable, List.of(), List.of(), now()));
        }
        if (step instanceof RolloutState.Failed f) {
            Map<String, Long> stable = new LinkedHashMap<>();
            return Effect().persist(new RolloutEvent.RolloutEnded(n, f.outcome(), stable, f.reverted(), f.leftOn(), now()));
        }
        return Effect().none(); // Wait, or AwaitPromotion of zed promote
    }

    private static List<RolloutEvent> steps(long n, List<String> hosts, Host step, RolloutLog s) {
        List<RolloutEvent> out = new ArrayList<>();
        for (String h : hosts) out.add(new HostStepped(n, h, step.name(), 0, null, now()));
        return out;
    }

    /**
     * The first round of a coordinated rollout: every host snapshots its instance's datasets before any host is
     * changed, so that a host that cannot (its pool full or away) fails the rollout before anything changed anywhere.
     * A revert still goes back to each host's deploy snapshot, taken just before its own change: nothing written on a
     * later host between the round and its turn is lost.
     */
    private void snapshot(RolloutLog s, String host) {
        long n = s.number();
        if (!snapshotting.add(host)) return;
        ctx.pipeToSelf(instance(host).<zed.actors.resource.LevelDatasets.Snapshotted>ask(reply -> new LevelCommand.SnapshotForRollout(n, reply), ASK.multipliedBy(3)),
                (a, e) -> e != null ? new RolloutCommand.Snapshotted(n, host, null, "host " + host + " did not answer: " + (e.getMessage() == null ? e.toString() : e.getMessage()), true)
                        : new RolloutCommand.Snapshotted(n, host, a.snapshot(), a.error(), a.busy()));
    }

    private Effect<RolloutEvent, RolloutLog> onSnapshotted(RolloutLog s, RolloutCommand.Snapshotted a) {
        snapshotting.remove(a.host());
        if (!s.running() || a.rollout() != s.number() || s.state().hostStep().get(a.host()) != Host.SNAPSHOTTING) return Effect().none();
        if (a.error() == null) {
            silent.remove(a.host());
            return Effect().persist(new RolloutEvent.HostSnapshotted(a.rollout(), a.host(), a.snapshot(), now())).thenRun(this::next);
        }
        if (a.busy()) {
            // rolling back (the next tick asks again), or no answer
            return a.error().startsWith("host " + a.host() + " did not answer") ? unanswered(a.rollout(), a.host(), a.error()) : Effect().none();
        }
        return Effect().persist(new HostStepped(a.rollout(), a.host(), Host.FAILED.name(), 0, "host " + a.host() + " could not take the rollout's snapshot, "
                + "so no host was changed: " + a.error(), now())).thenRun(this::next);
    }

    /**
     * A host did not answer: the next tick asks again, and once it has been silent for {@link #LOST} it is lost, a
     * failure of the rollout like any other (the hosts it changed go back). A host the cluster has removed (downed by
     * the split-brain resolver, or left) is lost at once: its instance cannot run anywhere until it joins again, and
     * the downing already waited out a host that only paused.
     */
    private Effect<RolloutEvent, RolloutLog> unanswered(long rollout, String host, String error) {
        Instant first = silent.computeIfAbsent(host, x -> now());
        Duration quiet = Duration.between(first, now());
        boolean removed = removed(host);
        if (!removed && quiet.compareTo(LOST) < 0) return Effect().none();
        String why = removed ? "host " + host + " lost: the cluster removed it, and it has not answered for " + quiet.toSeconds() + " s (" + error + ")"
                : "host " + host + " lost: it has not answered for " + LOST.toSeconds() + " s (" + error + ")";
        return Effect().persist(new HostStepped(rollout, host, Host.FAILED.name(), 0, why, now())).thenRun(this::next);
    }

    /** Whether {@code host} is no member of the cluster now (a system that is no cluster: never). */
    private boolean removed(String host) {
        if (zed.actors.cluster.PlacementTable.Members.hostAddresses(ctx.getSystem()).isEmpty()) return false;
        return zed.actors.cluster.PlacementTable.Members.of(org.apache.pekko.cluster.typed.Cluster.get(ctx.getSystem()), host) == null;
    }

    /** The rollout's Zedfile to one host: the instance evaluates it as that host runs it, and accepts it or not. */
    private void push(RolloutLog s, String host) {
        var st = s.started();
        long n = s.number();
        ctx.pipeToSelf(instance(host).<LevelCommand.Pushed>ask(reply -> new LevelCommand.Push(st.source(), st.filename(), st.dir(), st.parent(), st.restart(), reply), ASK.multipliedBy(3)),
                (a, e) -> new RolloutCommand.Pushed(n, host, a, e == null ? null : "host " + host + " did not answer the push: " + e.getMessage()));
    }

    private Effect<RolloutEvent, RolloutLog> onPushed(RolloutLog s, RolloutCommand.Pushed p) {
        if (!s.running() || p.rollout() != s.number() || s.state().hostStep().get(p.host()) != Host.APPLYING) return Effect().none();
        if (p.error() != null) return Effect().persist(new HostStepped(p.rollout(), p.host(), Host.FAILED.name(), 0, p.error(), now())).thenRun(this::next);
        if (p.answer() instanceof LevelCommand.Refused r) {
            return Effect().persist(new HostStepped(p.rollout(), p.host(), Host.FAILED.name(), 0, "host " + p.host() + " refused the revision: " + r.message()
                    + (r.errors().isEmpty() ? "" : " " + r.errors().stream().map(zed.config.Diagnostic::render).toList()), now())).thenRun(this::next);
        }
        LevelCommand.Accepted a = (LevelCommand.Accepted) p.answer();
        return Effect().persist(new HostStepped(p.rollout(), p.host(), Host.APPLYING.name(), a.revision(), null, now()));
    }

    /**
     * A host goes back to the rollout's stable revision, data and properties: unless it is there already, or on its
     * way (its own auto_revert after its gate failed), it is rolled back to the snapshot taken before the revision
     * after the stable one was deployed, and converges the revision that snapshot carries.
     */
    private void revert(RolloutLog s, String host) {
        long n = s.number();
        long stable = s.stable().getOrDefault(host, 0L);
        if (!reverting.add(host)) return;
        ctx.pipeToSelf(instance(host).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK).thenCompose(st -> {
            if (st.state().rollingBack() || st.state().desired() == stable) return CompletableFuture.completedFuture((String) null);
            if (stable == 0) return CompletableFuture.completedFuture("host " + host + " had no stable revision before the rollout: there is nothing to go back to");
            return instance(host).<LevelCommand.RollbackAnswer>ask(reply -> new LevelCommand.RollbackTo("@rev:" + stable, reply), ASK)
                    .thenApply(a -> a instanceof LevelCommand.RollbackRefused r ? r.message() : null);
        }), (err, e) -> new RolloutCommand.RevertAsked(n, host, e != null ? "host " + host + " did not answer: " + e.getMessage() : err));
    }

    private Effect<RolloutEvent, RolloutLog> onRevertAsked(RolloutLog s, RolloutCommand.RevertAsked r) {
        reverting.remove(r.host());
        if (!s.running() || r.rollout() != s.number() || r.error() == null) return Effect().none();
        // journaled for status; the tick reads the host again, and a host that answers later is asked again then
        if (r.error().equals(s.why().get(r.host()))) return Effect().none();
        return Effect().persist(new HostStepped(r.rollout(), r.host(), Host.REVERTING.name(), 0, r.error(), now()));
    }

    // ---- each host's gate ------------------------------------------------------------------------------------------

    private Effect<RolloutEvent, RolloutLog> onTick(RolloutLog s, RolloutCommand.Tick t) {
        if (!s.running()) return Effect().none();
        for (String h : s.hosts()) {
            Host step = s.state().hostStep().get(h);
            if (step == Host.SNAPSHOTTING) {
                snapshot(s, h); // asked again until it answers (a node's crash, a rollback under way there)
                continue;
            }
            // a host that passed is read too: until every host passed, it may still be lost or go back
            boolean watched = step == Host.REVERTING || step == Host.PASSED || (step == Host.APPLYING && s.applied().containsKey(h));
            if (!watched || !reading.add(h)) continue;
            ctx.pipeToSelf(instance(h).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK),
                    (st, e) -> new RolloutCommand.Heard(h, st, e == null ? null : e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        return Effect().none();
    }

    private Effect<RolloutEvent, RolloutLog> onHeard(RolloutLog s, RolloutCommand.Heard h) {
        reading.remove(h.host());
        if (!s.running()) return Effect().none();
        String host = h.host();
        Host step = s.state().hostStep().get(host);
        long n = s.number();
        // a host on its way back is asked until it answers: it is already out of the rollout
        if (h.error() != null) return step == Host.REVERTING ? Effect().none() : unanswered(n, host, h.error());
        silent.remove(host);
        var st = h.status().state();
        if (step == Host.APPLYING) {
            long rev = s.applied().get(host);
            if (st.desired() == rev && "Converged".equals(st.phase())) {
                return Effect().persist(new HostStepped(n, host, Host.PASSED.name(), rev, null, now())).thenRun(this::next);
            }
            String failed = st.desired() == rev && "Failed".equals(st.phase()) ? st.lastError()
                    : st.desired() != rev || st.rollingBack() ? "its gate failed and it went back by itself: " + st.lastError()
                    : Duration.between(s.since().getOrDefault(host, now()), now()).compareTo(s.started().progressDeadline()) > 0
                    ? "it did not pass its gate within progress_deadline (" + s.started().progressDeadline().toSeconds() + " s)" : null;
            if (failed == null) return Effect().none();
            return Effect().persist(new HostStepped(n, host, Host.FAILED.name(), rev, "host " + host + ", revision " + rev + ": " + failed, now())).thenRun(this::next);
        }
        if (step == Host.PASSED) {
            long rev = s.applied().get(host);
            String failed = RolloutState.passedNoLonger(rev, st.desired(), st.phase(), st.rollingBack(), st.lastError());
            if (failed != null) {
                return Effect().persist(new HostStepped(n, host, Host.FAILED.name(), rev, "host " + host + ", revision " + rev + ": " + failed, now())).thenRun(this::next);
            }
            if ("Converged".equals(st.phase())) convergedAt.put(host, now());
            return s.confirmed(convergedAt) ? act(s) : Effect().none();
        }
        if (step == Host.REVERTING) {
            long stable = s.stable().getOrDefault(host, 0L);
            if (!st.rollingBack() && st.desired() == stable && "Converged".equals(st.phase())) {
                return Effect().persist(new HostStepped(n, host, Host.REVERTED.name(), stable, null, now())).thenRun(this::next);
            }
            if (!st.rollingBack() && st.desired() != stable && !"Converging".equals(st.phase())) revert(s, host); // not asked yet, or refused before
        }
        return Effect().none();
    }

    // ---- zed promote ---------------------------------------------------------------------------------------------

    private Effect<RolloutEvent, RolloutLog> onPromote(RolloutLog s, RolloutCommand.Promote c) {
        String error = !s.running() ? "no rollout of " + level + " is under way (" + (s.started() == null ? "there was none yet" : "the last, " + s.number() + ", is " + s.phase()) + ")"
                : !c.abort() && !(s.state().next() instanceof RolloutState.AwaitPromotion)
                ? "rollout " + s.number() + " of " + level + " does not wait for a promotion: it is " + s.phase() : null;
        if (error != null) return Effect().none().thenRun(st -> c.replyTo().tell(new RolloutCommand.PromoteAnswer(s.number(), s.phase(), error)));
        return Effect().persist(new RolloutEvent.Promoted(s.number(), c.abort(), false, now()))
                .thenRun(st -> c.replyTo().tell(new RolloutCommand.PromoteAnswer(st.number(), st.phase(), null))).thenRun(this::next);
    }
}
