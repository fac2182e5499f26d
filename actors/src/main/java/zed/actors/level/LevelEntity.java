package zed.actors.level;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;
import zed.actors.JsonEvent;
import zed.actors.resource.LevelDatasets;
import zed.actors.resource.ServiceActor;
import zed.config.LevelSpec;
import zed.config.SpecJson;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A level's desired state, event-sourced, and the parent of its resource actors. Every accepted change of its
 * resolved spec is a new revision (an identical spec, the same drift hash, is a no-op). A revision converges: the
 * datasets are snapshotted and converged, then the services run until every health gate passes (Converged) or one
 * fails (ConvergeFailed, and with auto_revert a rollback to the stable revision, data and state together).
 */
public final class LevelEntity extends EventSourcedBehavior<LevelEntity.Command, LevelEntity.Event, LevelEntity.State> {
    public static final EntityTypeKey<Command> KEY = EntityTypeKey.create(Command.class, "level");
    public static final String TAG = "zed";

    // ---- protocol ------------------------------------------------------------------------------------------------

    public sealed interface Command extends JsonEvent {
    }

    /**
     * A Zedfile pushed for this level. The level evaluates it here, with the chain above as its parents accepted it,
     * and accepts the result as a new revision, or not at all (the same drift hash, or an error).
     *
     * @param restart restart the services even when the spec is the same ({@code zed up --restart})
     */
    public record Push(String source, String filename, String dir, String parent, boolean restart, ActorRef<Pushed> replyTo) implements Command {
    }

    /** The answer to a push. */
    public sealed interface Pushed extends JsonEvent {
    }

    public record Accepted(String level, long revision, String hash, boolean changed) implements Pushed {
    }

    /** Nothing was accepted, nor persisted. */
    public record Refused(Why why, String message, List<zed.config.Diagnostic> errors) implements Pushed {
        public enum Why { INVALID, NO_PARENT }
    }

    /** Local only: a push, evaluated. */
    record Evaluated(Push push, LevelEvaluator.Outcome outcome) implements Command {
    }

    /** From a level below: it reads this one's context and wants to hear when it changes. */
    record RegisterChild(String child) implements Command {
    }

    /** From the level above: its resolved context changed; evaluate again with the source accepted last. */
    record ParentChanged() implements Command {
    }

    public record Get(ActorRef<Status> replyTo) implements Command {
    }

    public record Stop(ActorRef<Status> replyTo) implements Command {
    }

    /** Stop, then destroy the datasets this level manages (DELETE ?destroy=true). */
    public record Destroy(ActorRef<LevelDatasets.Destroyed> replyTo) implements Command {
    }

    /** Local only: what the level's resource actors report. */
    record FromService(ServiceActor.Report report) implements Command {
    }

    record FromDatasets(LevelDatasets.Report report) implements Command {
    }

    record FromDataset(zed.actors.resource.DatasetActor.Report report) implements Command {
    }

    record FromJail(zed.actors.resource.JailActor.Report report) implements Command {
    }

    record Resume() implements Command {
    }

    /** An operator's rollback: the datasets go back to {@code target}, then the revision they carry converges again. */
    public record RollbackTo(String target, ActorRef<Status> replyTo) implements Command {
    }

    public sealed interface Event extends JsonEvent {
    }

    public record SpecAccepted(long revision, String hash, String source, String filename, String dir, String parent, String specJson,
                               Map<String, Integer> ports) implements Event {
    }

    public record ConvergeStarted(long revision) implements Event {
    }

    /** An operator forced the services of the revision to restart; {@code generation} counts such restarts. */
    public record RestartRequested(long revision, long generation) implements Event {
    }

    public record SnapshotTaken(long revision, String snapshot) implements Event {
    }

    public record Converged(long revision) implements Event {
    }

    public record ConvergeFailed(long revision, String why) implements Event {
    }

    public record RolledBack(long from, long to) implements Event {
    }

    public record DriftCorrected(long revision, String resource, String what) implements Event {
    }

    public record LevelStopped(long revision) implements Event {
    }

    /**
     * @param revision       the newest accepted revision (0: never pushed)
     * @param desired        the revision being converged or held: the newest, or the stable one after a revert
     * @param phase          Converging, Converged, Failed or Stopped
     * @param stableRevision the newest revision that reached Converged (0: none yet)
     */
    public record State(String level, long revision, String hash, String source, String filename, String dir, String parent,
                        String specJson, Map<String, Integer> ports, long desired, String phase, long stableRevision,
                        String stableSpecJson, String lastError, Map<Long, String> specs, long generation) implements JsonEvent {
        /** How many recent revisions' specs are kept, for rollbacks to them. */
        static final int KEPT = 20;

        @JsonCreator
        public State {
            ports = ports == null ? Map.of() : Map.copyOf(ports);
            specs = specs == null ? Map.of() : Map.copyOf(specs);
        }

        Map<Long, String> plus(long rev, String json) {
            java.util.TreeMap<Long, String> m = new java.util.TreeMap<>(specs);
            m.put(rev, json);
            while (m.size() > KEPT) m.pollFirstEntry();
            return m;
        }

        public boolean exists() {
            return revision > 0;
        }

        public boolean stopped() {
            return "Stopped".equals(phase);
        }

        /** The spec being converged: the newest, or the stable one after a revert. */
        @JsonIgnore
        public LevelSpec desiredSpec() {
            String json = desired == revision ? specJson : specs.getOrDefault(desired, stableSpecJson);
            return json == null ? null : SpecJson.read(json, LevelSpec.class);
        }

        State with(long desired, String phase, long stable, String stableJson, String error) {
            return new State(level, revision, hash, source, filename, dir, parent, specJson, ports, desired, phase, stable, stableJson, error, specs, generation);
        }
    }

    /** What GET answers: the persisted state and what the resources said last. */
    public record Status(State state, List<ServiceActor.Report> services, List<zed.actors.resource.DatasetActor.Report> datasets,
                         List<zed.actors.resource.JailActor.Report> jails) implements JsonEvent {
    }

    // ---- behaviour -----------------------------------------------------------------------------------------------

    private final String level;
    private final ActorContext<Command> ctx;
    private final LevelHost host;
    private final Map<String, ActorRef<ServiceActor.Msg>> services = new LinkedHashMap<>();
    private final Map<String, ServiceActor.Report> reports = new LinkedHashMap<>();
    private ActorRef<LevelDatasets.Msg> datasets;
    /** The levels below that registered: told when this level's context changes. In memory; they register again at start. */
    private final Set<String> children = new java.util.TreeSet<>();
    /** Spawned children get a fresh name each: one stopped a moment ago may not be gone yet. */
    private long spawned;
    /** Keeps the per-dataset reconciles out of the level-wide operations' way. */
    private final zed.actors.resource.DatasetFence fence = new zed.actors.resource.DatasetFence();
    private final ResourceChildren<zed.actors.resource.DatasetActor.Msg, zed.actors.resource.DatasetActor.Report> datasetActors;
    private final ResourceChildren<zed.actors.resource.JailActor.Msg, zed.actors.resource.JailActor.Report> jailActors;
    /** The pool the dataset actors were started for ("" the dir store). */
    private String datasetsPool;
    private java.time.Instant convergeStarted = java.time.Instant.now();

    private LevelEntity(ActorContext<Command> ctx, String level, LevelHost host) {
        super(PersistenceId.of("level", level, "|"));
        this.ctx = ctx;
        this.level = level;
        this.host = host;
        this.datasetActors = new ResourceChildren<>(ctx, "dataset");
        this.jailActors = new ResourceChildren<>(ctx, "jail");
    }

    /** Every level id in the journal (persistence ids "level|<id>"). */
    public static java.util.concurrent.CompletionStage<List<String>> ids(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return org.apache.pekko.persistence.query.PersistenceQuery.get(system)
                .getReadJournalFor(org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
                        org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier())
                .currentPersistenceIds().filter(p -> p.startsWith("level|")).map(p -> p.substring(6))
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system).thenApply(ArrayList::new);
    }

    public static Behavior<Command> create(String level, LevelHost host) {
        return Behaviors.setup(ctx -> new LevelEntity(ctx, level, host));
    }

    @Override
    public State emptyState() {
        return new State(level, 0, null, null, null, null, null, null, Map.of(), 0, "None", 0, null, null, Map.of(), 0);
    }

    @Override
    public CommandHandler<Command, Event, State> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(Push.class, this::onPush)
                .onCommand(Evaluated.class, this::onEvaluated)
                .onCommand(RegisterChild.class, (s, c) -> {
                    children.add(c.child());
                    return Effect().none();
                })
                .onCommand(ParentChanged.class, (s, c) -> {
                    if (s.exists() && !s.stopped()) {
                        ctx.getSelf().tell(new Push(s.source(), s.filename(), s.dir(), s.parent(), false, ctx.getSystem().ignoreRef()));
                    }
                    return Effect().none();
                })
                .onCommand(Get.class, (s, c) -> Effect().none().thenRun(st -> c.replyTo().tell(status(st))))
                .onCommand(Stop.class, this::onStop)
                .onCommand(Destroy.class, (s, c) -> {
                    if (!s.stopped() || s.desiredSpec() == null) {
                        return Effect().none().thenRun(st -> c.replyTo().tell(new LevelDatasets.Destroyed(List.of(), "stop the level first")));
                    }
                    stopResourceActors();
                    fence.bump();
                    ActorRef<LevelDatasets.Msg> d = ctx.spawnAnonymous(LevelDatasets.create(host, fence, ctx.getSystem().ignoreRef()));
                    d.tell(new LevelDatasets.Destroy(s.desiredSpec(), c.replyTo()));
                    return Effect().none();
                })
                .onCommand(FromDatasets.class, (s, c) -> onDatasets(s, c.report()))
                .onCommand(FromService.class, (s, c) -> onService(s, c.report()))
                .onCommand(FromDataset.class, (s, c) -> onDataset(s, c.report()))
                .onCommand(FromJail.class, (s, c) -> onJail(s, c.report()))
                .onCommand(Reverting.class, this::onReverting)
                .onCommand(RollbackTo.class, this::onRollbackTo)
                .onCommand(ParentIs.class, this::onParent)
                .onCommand(Retry.class, (s, c) -> {
                    if (c.rev() == s.desired() && !s.stopped()) startResources(s, s.desiredSpec(), c.rev(), c.snapshot());
                    return Effect().none();
                })
                .onCommand(ServiceStopped.class, (s, c) -> {
                    if (--pendingStops <= 0) rollbackNow();
                    return Effect().none();
                })
                .onCommand(Resume.class, (s, c) -> {
                    // after a restart of the node: converge what is desired again; running services are adopted
                    if (s.exists()) registerWithParent(s);
                    if (s.exists() && !s.stopped()) startResources(s, s.desiredSpec(), s.desired(), false);
                    return Effect().none();
                })
                .build();
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder().onSignal(RecoveryCompleted.instance(), s -> ctx.getSelf().tell(new Resume())).build();
    }

    private Status status(State st) {
        return new Status(st, new ArrayList<>(reports.values()), datasetActors.reports(), jailActors.reports());
    }

    /** Evaluation reads files and the chain above: off the entity's thread; the result comes back as Evaluated. */
    private Effect<Event, State> onPush(State s, Push p) {
        Map<String, Integer> held = s.ports();
        ctx.pipeToSelf(LevelEvaluator.ancestors(ctx.getSystem(), p.parent()).thenApplyAsync(chain -> chain == null
                        ? new LevelEvaluator.NoParent(p.parent())
                        : LevelEvaluator.evaluate(host.config(), level, p.source(), p.filename(), p.dir(), chain, held), host.blocking()),
                (o, e) -> new Evaluated(p, e == null ? o : new LevelEvaluator.Invalid(List.of(new zed.config.Diagnostic(zed.config.Pos.NONE,
                        "the level could not be evaluated: " + (e.getCause() != null ? e.getCause() : e).getMessage())))));
        return Effect().none();
    }

    private Effect<Event, State> onEvaluated(State s, Evaluated ev) {
        Push c = ev.push();
        if (ev.outcome() instanceof LevelEvaluator.Invalid i) {
            return Effect().none().thenRun(st -> c.replyTo().tell(new Refused(Refused.Why.INVALID, "the Zedfile has errors", i.errors())));
        }
        if (ev.outcome() instanceof LevelEvaluator.WrongId w) {
            return Effect().none().thenRun(st -> c.replyTo().tell(new Refused(Refused.Why.INVALID, w.message(), List.of())));
        }
        if (ev.outcome() instanceof LevelEvaluator.NoParent n) {
            return Effect().none().thenRun(st -> c.replyTo().tell(new Refused(Refused.Why.NO_PARENT,
                    "the parent level " + n.parent() + " does not exist: push it first", List.of())));
        }
        LevelEvaluator.Ok ok = (LevelEvaluator.Ok) ev.outcome();
        String hash = ok.leaf().hash();
        if (hash.equals(s.hash()) && !s.stopped()) {
            if (c.restart()) {
                return Effect().persist(new RestartRequested(s.desired(), s.generation() + 1)).thenRun(st -> {
                    c.replyTo().tell(new Accepted(level, st.revision(), st.hash(), false));
                    startResources(st, st.desiredSpec(), st.desired(), false);
                });
            }
            return Effect().none().thenRun(st -> c.replyTo().tell(new Accepted(level, st.revision(), st.hash(), false)));
        }
        long rev = s.revision() + 1;
        return Effect().persist(List.of(new SpecAccepted(rev, hash, c.source(), c.filename(), c.dir(), c.parent(), SpecJson.write(ok.leaf()), ok.ports()),
                        new ConvergeStarted(rev)))
                .thenRun(st -> {
                    c.replyTo().tell(new Accepted(level, st.revision(), st.hash(), true));
                    registerWithParent(st);
                    // the context below changed: each child evaluates again, and gets a revision if what it read changed
                    for (String child : children) {
                        ClusterSharding.get(ctx.getSystem()).entityRefFor(KEY, child).tell(new ParentChanged());
                    }
                    startResources(st, st.desiredSpec(), st.desired(), true);
                });
    }

    /** Tells the level above that this one reads its context (again after every start of the node). */
    private void registerWithParent(State st) {
        if (st.parent() != null) ClusterSharding.get(ctx.getSystem()).entityRefFor(KEY, st.parent()).tell(new RegisterChild(level));
    }

    private Effect<Event, State> onStop(State s, Stop c) {
        if (s.stopped() || !s.exists()) return Effect().none().thenRun(st -> c.replyTo().tell(status(st)));
        return Effect().persist(new LevelStopped(s.revision())).thenRun(st -> {
            ActorRef<ServiceActor.Stopped> ignore = ctx.getSystem().ignoreRef();
            for (ActorRef<ServiceActor.Msg> a : services.values()) a.tell(new ServiceActor.Stop(ignore));
            reports.replaceAll((k, r) -> new ServiceActor.Report(r.ref(), r.rev(), "stopped", null, "STOPPED", 0, r.print(), "stopped", 0, null));
            if (datasets != null) ctx.stop(datasets);
            datasets = null;
            stopResourceActors();
            c.replyTo().tell(status(st));
        });
    }

    private Effect<Event, State> onRollbackTo(State s, RollbackTo c) {
        if (!s.exists() || s.stopped()) return Effect().none().thenRun(st -> c.replyTo().tell(status(st)));
        reports.clear();
        stopServicesThenRollBack(new LevelDatasets.Rollback(c.target(), s.desired(), s.desiredSpec(), null));
        return Effect().none().thenRun(st -> c.replyTo().tell(status(st)));
    }

    /** Local only: the parent's answer while this level waits for it to converge. */
    record ParentIs(String phase, long rev, boolean snapshot) implements Command {
    }

    /**
     * Hands the spec to the resource actors: the datasets first; the services once the datasets are there. A child
     * never converges before its parent is Converged: until then it asks again.
     */
    private void startResources(State st, LevelSpec spec, long rev, boolean snapshot) {
        if (spec == null) return;
        if (st.parent() != null) {
            org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef<Command> parent =
                    org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding.get(ctx.getSystem()).entityRefFor(KEY, st.parent());
            ctx.pipeToSelf(parent.<Status>ask(Get::new, java.time.Duration.ofSeconds(10)),
                    (s, e) -> new ParentIs(e == null ? s.state().phase() : "unknown", rev, snapshot));
            return;
        }
        convergeNow(spec, rev, snapshot);
    }

    private Effect<Event, State> onParent(State s, ParentIs p) {
        if (p.rev() != s.desired() || s.stopped()) return Effect().none();
        if ("Converged".equals(p.phase())) {
            convergeNow(s.desiredSpec(), s.desired(), p.snapshot());
        } else {
            ctx.scheduleOnce(java.time.Duration.ofMillis(500), ctx.getSelf(), new Retry(p.rev(), p.snapshot()));
        }
        return Effect().none();
    }

    record Retry(long rev, boolean snapshot) implements Command {
    }

    private void convergeNow(LevelSpec spec, long rev, boolean snapshot) {

        reports.clear();
        convergeStarted = java.time.Instant.now();
        fence.bump(); // a dataset tick planned for the revision before must not write now
        datasets().tell(new LevelDatasets.Apply(rev, spec, snapshot));
    }

    private void startServices(LevelSpec spec, long rev, long generation) {
        Set<String> wanted = new java.util.HashSet<>();
        for (LevelSpec.ServiceSpec svc : spec.services()) {
            String name = svc.kind() + "." + svc.name();
            wanted.add(name);
            ActorRef<ServiceActor.Msg> a = services.computeIfAbsent(name, n -> ctx.spawn(
                    ServiceActor.create(host, ctx.messageAdapter(ServiceActor.Report.class, FromService::new)), "service-" + n + "-" + (++spawned)));
            a.tell(new ServiceActor.Run(rev, spec, svc, generation));
        }
        for (Map.Entry<String, ActorRef<ServiceActor.Msg>> e : new ArrayList<>(services.entrySet())) {
            if (!wanted.contains(e.getKey())) {
                e.getValue().tell(new ServiceActor.Stop(ctx.getSystem().ignoreRef()));
                services.remove(e.getKey());
            }
        }
    }

    private Effect<Event, State> onDatasets(State s, LevelDatasets.Report r) {
        LevelSpec current = s.desiredSpec();
        if (current != null) {
            zed.actors.telemetry.ResourceState rs = r.error() != null ? zed.actors.telemetry.ResourceState.FAILED : zed.actors.telemetry.ResourceState.CONVERGED;
            for (LevelSpec.DatasetSpec d : current.datasets()) host.metrics().resourceState(level + "/dataset/" + d.name(), zed.actors.telemetry.ResourceKind.DATASET, rs);
        }
        if (!r.applied() && !r.rolledBack().isEmpty() && !s.stopped()) {
            // an operator's rollback finished: the datasets carry revision `to` now; converge its spec again
            long to = r.restoredRevision() == null ? s.desired() : r.restoredRevision();
            if (!s.specs().containsKey(to) && to != s.revision()) {
                return Effect().persist(new ConvergeFailed(s.desired(), "rolled back to revision " + to + ", whose spec is no longer kept"));
            }
            return Effect().persist(List.of(new RolledBack(s.desired(), to), new ConvergeStarted(to)))
                    .thenRun(st -> convergeNow(st.desiredSpec(), st.desired(), false));
        }
        if (r.rev() != s.desired() || s.stopped()) return Effect().none();
        List<Event> events = new ArrayList<>();
        if (r.snapshot() != null) events.add(new SnapshotTaken(r.rev(), r.snapshot()));
        if (r.error() != null && r.applied() && "Converging".equals(s.phase())) {
            events.add(new ConvergeFailed(r.rev(), "datasets: " + r.error()));
            return Effect().persist(events).thenRun(st -> revert(st));
        }
        if (r.applied()) {
            LevelSpec spec = s.desiredSpec();
            return Effect().persist(events).thenRun(st -> {
                if (r.error() == null) {
                    keepDatasets(spec, st.desired());
                    keepJails(spec, st.desired()); // a jail's root is one of the datasets: after them
                }
                if (spec.services().isEmpty()) {
                    ctx.getSelf().tell(new FromService(new ServiceActor.Report("", st.desired(), "passed", null, "", 0, null, null, 0, null)));
                } else {
                    startServices(spec, st.desired(), st.generation());
                }
            });
        }
        return events.isEmpty() ? Effect().none() : Effect().persist(events);
    }

    private Effect<Event, State> onService(State s, ServiceActor.Report r) {
        ServiceActor.Report before = r.ref().isEmpty() ? null : reports.put(r.ref(), r);
        if (!r.ref().isEmpty()) {
            zed.actors.telemetry.ResourceState rs = switch (r.gate()) {
                case "passed" -> zed.actors.telemetry.ResourceState.CONVERGED;
                case "failed" -> zed.actors.telemetry.ResourceState.FAILED;
                case "stopped" -> zed.actors.telemetry.ResourceState.STOPPED;
                default -> zed.actors.telemetry.ResourceState.CONVERGING;
            };
            host.metrics().resourceState(level + "/" + r.ref(), zed.actors.telemetry.ResourceKind.SERVICE, rs);
        }
        if (before != null && before.rev() == r.rev() && r.restarts() > before.restarts() && r.rev() == s.desired()) {
            // a killed or crashed service was restarted: that is drift corrected, and the event says why
            Event restarted = new DriftCorrected(r.rev(), r.ref(), "restarted (restart " + r.restarts() + ") after it " + r.lastExit());
            if (!"Converging".equals(s.phase()) || !r.gate().equals("failed")) return Effect().persist(restarted);
        }
        if (r.rev() != s.desired() || !"Converging".equals(s.phase())) return Effect().none();
        if (r.gate().equals("failed")) {
            String why = r.why() != null && r.why().startsWith(r.ref()) ? r.why() : r.ref() + ": " + r.why();
            return Effect().persist(new ConvergeFailed(r.rev(), why)).thenRun(this::revert);
        }
        LevelSpec spec = s.desiredSpec();
        boolean all = spec.services().stream().allMatch(svc -> {
            ServiceActor.Report rep = reports.get(svc.ref());
            return rep != null && rep.rev() == s.desired() && rep.gate().equals("passed");
        });
        if (all) {
            return Effect().persist(new Converged(s.desired())).thenRun(st -> {
                host.metrics().converge(level, zed.actors.telemetry.ConvergeResult.CONVERGED, java.time.Duration.between(convergeStarted, java.time.Instant.now()));
                // retention runs after each successful deploy, never before: a failed one may still need its snapshot
                if (datasets != null) datasets.tell(new LevelDatasets.Prune(spec.snapshots().keep()));
            });
        }
        return Effect().none();
    }

    /** After a failure: with auto_revert and a stable revision to go back to, roll the datasets back and run it. */
    private void revert(State st) {
        host.metrics().converge(level, zed.actors.telemetry.ConvergeResult.FAILED, java.time.Duration.between(convergeStarted, java.time.Instant.now()));
        LevelSpec failed = SpecJson.read(st.specJson(), LevelSpec.class);
        if (!failed.update().autoRevert() || st.stableRevision() == 0 || st.stableRevision() == st.desired()) return;
        ctx.getSelf().tell(new Reverting(st.desired(), st.stableRevision()));
    }

    /** The revert is its own command, so that RolledBack is persisted before the datasets move. */
    record Reverting(long from, long to) implements Command {
    }

    private Effect<Event, State> onReverting(State s, Reverting r) {
        if (s.desired() != r.from() || s.stopped()) return Effect().none();
        return Effect().persist(new RolledBack(r.from(), r.to())).thenRun(st -> {
            reports.clear();
            // the snapshot taken before deploying the failed revision holds the state it replaced
            stopServicesThenRollBack(new LevelDatasets.Rollback("@rev:" + (r.from() - 1), r.to(), st.desiredSpec()));
        });
    }

    record ServiceStopped(ServiceActor.Stopped stopped) implements Command {
    }

    private int pendingStops;
    private LevelDatasets.Rollback rollbackAfterStops;

    /**
     * STATE.md: stop the level's services, then roll the data back (a running service would hold its files and its
     * ports, and its stamps would be rolled away from under it). The rollback waits for every Stopped.
     */
    private void stopServicesThenRollBack(LevelDatasets.Rollback rollback) {
        fence.bump(); // no dataset tick may write between here and the rollback
        pendingStops = services.size();
        rollbackAfterStops = rollback;
        if (pendingStops == 0) rollbackNow();
        ActorRef<ServiceActor.Stopped> replies = ctx.messageAdapter(ServiceActor.Stopped.class, ServiceStopped::new);
        for (ActorRef<ServiceActor.Msg> a : services.values()) a.tell(new ServiceActor.Stop(replies));
    }

    private void rollbackNow() {
        if (rollbackAfterStops != null) datasets().tell(rollbackAfterStops);
        rollbackAfterStops = null;
    }

    /** The level's datasets actor, spawned when first needed. */
    private ActorRef<LevelDatasets.Msg> datasets() {
        if (datasets == null) {
            // a fresh name each time: the one stopped a moment ago (a DELETE during a revert) may not be gone yet
            datasets = ctx.spawn(LevelDatasets.create(host, fence, ctx.messageAdapter(LevelDatasets.Report.class, FromDatasets::new)),
                    "datasets-" + (++spawned));
        }
        return datasets;
    }

    /**
     * After a revision's datasets converged: one {@link zed.actors.resource.DatasetActor} per declared dataset keeps
     * it so, fed by the pool's observer; those no longer declared stop.
     */
    private void keepDatasets(LevelSpec spec, long rev) {
        String pool = spec.pool() == null ? "" : spec.pool();
        if (!pool.equals(datasetsPool)) stopResourceActors();
        datasetsPool = pool;
        ActorRef<zed.actors.resource.PoolObserver.Msg> observer = host.observer(ctx.getSystem(), spec);
        ActorRef<zed.actors.resource.DatasetActor.Report> replies = ctx.messageAdapter(zed.actors.resource.DatasetActor.Report.class, FromDataset::new);
        long epoch = fence.epoch();
        Map<String, LevelSpec.DatasetSpec> declared = new LinkedHashMap<>();
        for (LevelSpec.DatasetSpec d : spec.datasets()) declared.put(d.name(), d);
        for (String gone : datasetActors.keep(declared.keySet(),
                n -> zed.actors.resource.DatasetActor.create(host.store(spec), host.root(spec), host.blocking(), observer, fence, replies, host.metrics()),
                (n, a) -> a.tell(new zed.actors.resource.DatasetActor.Desired(rev, spec, declared.get(n), epoch)))) {
            host.metrics().resourceRemoved(level + "/dataset/" + gone);
        }
    }

    private void stopResourceActors() {
        datasetActors.stopAll();
        jailActors.stopAll();
    }

    /** One {@link zed.actors.resource.JailActor} per declared jail keeps it running as declared. */
    private void keepJails(LevelSpec spec, long rev) {
        Map<String, LevelSpec.JailSpec> declared = new LinkedHashMap<>();
        for (LevelSpec.JailSpec j : spec.jails()) declared.put(j.name(), j);
        for (String gone : jailActors.keep(declared.keySet(),
                n -> zed.actors.resource.JailActor.create(host.jails(), host.blocking(), zed.actors.resource.JailActor.INTERVAL,
                        ctx.messageAdapter(zed.actors.resource.JailActor.Report.class, FromJail::new), host.metrics()),
                (n, a) -> a.tell(new zed.actors.resource.JailActor.Desired(rev, spec, declared.get(n))))) {
            host.metrics().resourceRemoved(level + "/jail/" + gone);
        }
    }

    /** A jail actor's word: its state for status, and a repair after it had converged as drift. */
    private Effect<Event, State> onJail(State s, zed.actors.resource.JailActor.Report r) {
        if (!jailActors.report(r.name(), r)) return Effect().none();
        host.metrics().resourceState(level + "/jail/" + r.name(), zed.actors.telemetry.ResourceKind.JAIL,
                r.error() != null ? zed.actors.telemetry.ResourceState.FAILED : zed.actors.telemetry.ResourceState.CONVERGED);
        if (r.drift() == null || r.rev() != s.desired() || s.stopped()) return Effect().none();
        return Effect().persist(new DriftCorrected(r.rev(), "jail." + r.name(), r.drift()));
    }

    /** A dataset actor's word: its state for status, and a correction of drift as an event. */
    private Effect<Event, State> onDataset(State s, zed.actors.resource.DatasetActor.Report r) {
        if (!datasetActors.report(r.name(), r)) return Effect().none();
        zed.actors.telemetry.ResourceState rs = switch (r.state()) {
            case "failed" -> zed.actors.telemetry.ResourceState.FAILED;
            case "converged" -> zed.actors.telemetry.ResourceState.CONVERGED;
            default -> zed.actors.telemetry.ResourceState.CONVERGING;
        };
        host.metrics().resourceState(level + "/dataset/" + r.name(), zed.actors.telemetry.ResourceKind.DATASET, rs);
        if (r.drift().isEmpty() || r.rev() != s.desired() || s.stopped()) return Effect().none();
        return Effect().persist(new DriftCorrected(r.rev(), "dataset." + r.name(), String.join("; ", r.drift())));
    }

    @Override
    public EventHandler<State, Event> eventHandler() {
        return newEventHandlerBuilder().forAnyState()
                .onEvent(SpecAccepted.class, (s, e) -> new State(level, e.revision(), e.hash(), e.source(), e.filename(), e.dir(), e.parent(),
                        e.specJson(), e.ports(), e.revision(), "Converging", s.stableRevision(), s.stableSpecJson(), null, s.plus(e.revision(), e.specJson()),
                        s.generation()))
                .onEvent(RestartRequested.class, (s, e) -> new State(level, s.revision(), s.hash(), s.source(), s.filename(), s.dir(), s.parent(),
                        s.specJson(), s.ports(), s.desired(), "Converging", s.stableRevision(), s.stableSpecJson(), null, s.specs(), e.generation()))
                .onEvent(ConvergeStarted.class, (s, e) -> s.with(e.revision(), "Converging", s.stableRevision(), s.stableSpecJson(), null))
                .onEvent(SnapshotTaken.class, (s, e) -> s)
                .onEvent(DriftCorrected.class, (s, e) -> s)
                // converged back on an older revision after a revert: the newest one's failure stays on record
                .onEvent(Converged.class, (s, e) -> s.with(e.revision(), "Converged", e.revision(),
                        e.revision() == s.revision() ? s.specJson() : s.stableSpecJson(), e.revision() == s.revision() ? null : s.lastError()))
                .onEvent(ConvergeFailed.class, (s, e) -> s.with(s.desired(), "Failed", s.stableRevision(), s.stableSpecJson(), e.why()))
                .onEvent(RolledBack.class, (s, e) -> s.with(e.to(), "Converging", s.stableRevision(), s.stableSpecJson(), s.lastError()))
                .onEvent(LevelStopped.class, (s, e) -> s.with(s.desired(), "Stopped", s.stableRevision(), s.stableSpecJson(), s.lastError()))
                .build();
    }

    @Override
    public Set<String> tagsFor(Event event) {
        return Set.of(TAG);
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(50, 2);
    }
}
