package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PreRestart;
import org.apache.pekko.actor.typed.SupervisorStrategy;
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
import zed.actors.level.LevelCommand.Accepted;
import zed.actors.level.LevelCommand.Refused;
import zed.actors.level.LevelEvent.ConvergeFailed;
import zed.actors.level.LevelEvent.ConvergeStarted;
import zed.actors.level.LevelEvent.Converged;
import zed.actors.level.LevelEvent.DriftCorrected;
import zed.actors.level.LevelEvent.RollbackStarted;
import zed.actors.resource.DatasetActor;
import zed.actors.resource.JailActor;
import zed.actors.resource.LevelDatasets;
import zed.actors.resource.ServiceActor;
import zed.actors.telemetry.ConvergeResult;
import zed.actors.telemetry.ResourceKind;
import zed.actors.telemetry.ResourceState;
import zed.config.LevelSpec;
import zed.config.SpecJson;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A level, event-sourced: its revision log ({@link RevisionLog}, {@link LevelEvent}) and the parent of its resource
 * actors ({@link LevelResources}). Every accepted change of its resolved spec is a new revision; a revision
 * converges (datasets snapshotted and converged, then services handed the revision until every gate passes) or
 * fails, and with auto_revert goes back to the stable revision ({@link Rollbacks}). Its place among other levels is
 * {@link Federation}'s.
 *
 * <p>It never dies for good: a journal failure restarts it with backoff (and every resource actor is started again,
 * adopting what runs), an exception in a handler likewise, and {@link Wakeup} wakes it should it stop anyway.
 * Pushes are evaluated one at a time, in the order they came, and never while a rollback runs.
 */
public final class LevelEntity extends EventSourcedBehavior<LevelCommand, LevelEvent, RevisionLog> {
    public static final EntityTypeKey<LevelCommand> KEY = EntityTypeKey.create(LevelCommand.class, "level");
    public static final String TAG = "zed";
    /** The config path of how many events each level keeps at least, for {@code /v1/events} to resume from. */
    public static final String EVENTS_KEPT = "zed.journal.events-kept";
    static final Duration BACKOFF_MIN = Duration.ofSeconds(1);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

    private final String level;
    private final ActorContext<LevelCommand> ctx;
    private final LevelHost host;
    private final Runnable passivate;
    private final LevelResources resources;
    private final Federation federation;
    private final Rollbacks rollbacks;
    /** A push (or a parent's change) is being evaluated: the next ones wait, stashed, in order. */
    private boolean evaluating;
    /** This entity asked sharding to passivate it (it had no revision then); not set when it is handed off. */
    private boolean passivating;
    /** The last round of replication to the standby, since the level started on this node (null: none yet). */
    private LevelCommand.Replication replication;
    /** Recovery is over: an event applied from now on is one being journaled, and is announced ({@link Journaled}). */
    private boolean recovered;
    /** The revision whose interrupted first converge this entity resumed (-1: none): its deploy snapshot may exist already. */
    private long resumedDeploy = -1;
    /**
     * The revision the datasets held when the one being deployed was accepted (0: not known, after a start): its deploy
     * snapshot is marked with it, so that a rollback to that revision finds it by what it holds, not by its name.
     */
    private long heldBefore;

    /**
     * Published on the node's Pekko EventStream as each event of {@code level} is being journaled (not during
     * recovery), so that {@code /v1/events} can tell its followers at once instead of when its journal query next
     * polls (every second). A status asked for after it is answered after the write: the level stashes commands while
     * it persists.
     */
    public record Journaled(String level) {
    }

    private LevelEntity(ActorContext<LevelCommand> ctx, String level, LevelHost host, Runnable passivate) {
        super(PersistenceId.of("level", level, "|"), SupervisorStrategy.restartWithBackoff(BACKOFF_MIN, BACKOFF_MAX, 0.2));
        this.ctx = ctx;
        this.level = level;
        this.host = host;
        this.passivate = passivate;
        this.resources = new LevelResources(ctx, level, host);
        this.federation = new Federation(ctx, level, host.levels());
        this.rollbacks = new Rollbacks(ctx, resources);
    }

    /**
     * The ports the last plan of a push picked ({@code net::pickport()}), for its apply to pick the same. In memory:
     * after a restart the apply plans anew, and a changed port refuses it (409), never applies another plan.
     */
    private java.util.Map<String, Integer> previewedPorts = java.util.Map.of();

    /**
     * @param passivate asks sharding to stop this entity (a level that never got a revision does not live on)
     */
    public static Behavior<LevelCommand> create(String level, LevelHost host, java.util.function.Consumer<ActorRef<LevelCommand>> passivate) {
        // an exception in a handler restarts the whole entity; journal failures restart it from within (onPersistFailure)
        return Behaviors.supervise(Behaviors.<LevelCommand>setup(ctx -> new LevelEntity(ctx, level, host, () -> passivate.accept(ctx.getSelf()))))
                .onFailure(SupervisorStrategy.restartWithBackoff(BACKOFF_MIN, BACKOFF_MAX, 0.2));
    }

    /** Every level id in the journal (persistence ids "level|<id>"). */
    public static java.util.concurrent.CompletionStage<List<String>> ids(org.apache.pekko.actor.typed.ActorSystem<?> system) {
        return org.apache.pekko.persistence.query.PersistenceQuery.get(system)
                .getReadJournalFor(org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.class,
                        org.apache.pekko.persistence.jdbc.query.javadsl.JdbcReadJournal.Identifier())
                .currentPersistenceIds().filter(p -> p.startsWith("level|")).map(p -> p.substring(6))
                .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system).thenApply(ArrayList::new);
    }

    @Override
    public RevisionLog emptyState() {
        return RevisionLog.empty(level);
    }

    @Override
    public CommandHandler<LevelCommand, LevelEvent, RevisionLog> commandHandler() {
        return newCommandHandlerBuilder().forAnyState()
                .onCommand(LevelCommand.Push.class, this::onPush)
                .onCommand(LevelCommand.Evaluated.class, this::onEvaluated)
                .onCommand(LevelCommand.ParentChanged.class, this::onParentChanged)
                .onCommand(LevelCommand.RegisterChild.class, (s, c) -> {
                    federation.childRegistered(c.child());
                    return Effect().none();
                })
                .onCommand(LevelCommand.Get.class, (s, c) -> Effect().none().thenRun(st -> c.replyTo().tell(status(st))))
                .onCommand(LevelCommand.Wake.class, (s, c) -> {
                    // a parent (or a parent's instance) that started again has forgotten its children: told again
                    if (s.exists() && !s.stopped()) federation.registerWithParent(s);
                    return Effect().none();
                })
                .onCommand(LevelCommand.Passivate.class, this::onPassivate)
                .onCommand(LevelCommand.Stop.class, this::onStop)
                .onCommand(LevelCommand.Destroy.class, this::onDestroy)
                .onCommand(LevelCommand.RollbackTo.class, this::onRollbackTo)
                .onCommand(LevelCommand.TargetResolved.class, this::onTargetResolved)
                .onCommand(LevelCommand.ServiceStopped.class, this::onServiceStopped)
                .onCommand(LevelCommand.RollbackDeadline.class, this::onRollbackDeadline)
                .onCommand(LevelCommand.Replicated.class, this::onReplicated)
                .onCommand(LevelCommand.MoveOut.class, this::onMoveOut)
                // a level that has no revision (destroyed meanwhile) runs no job: nothing to journal
                .onCommand(LevelCommand.JobCheckpointed.class, (s, c) -> !s.exists() ? Effect().none()
                        : Effect().persist(new LevelEvent.JobCheckpointed(s.desired(), c.job(), c.step(), c.snapshot(), c.metrics())))
                .onCommand(LevelCommand.FailedOver.class, (s, c) -> Effect().persist(new LevelEvent.FailedOver(s.desired(), c.from(), c.to(), c.snapshot(),
                        c.lostWindowSeconds(), c.consistent(), c.missing())).thenReply(c.replyTo(), st -> new LevelCommand.Done()))
                .onCommand(LevelCommand.WhereAreYou.class, (s, c) -> {
                    c.replyTo().tell(new LevelCommand.Here(host.config().cluster().host()));
                    return Effect().none();
                })
                .onCommand(LevelCommand.RunSudo.class, (s, c) -> {
                    LevelSudo.run(host, s, c.replyTo());
                    return Effect().none();
                })
                .onCommand(LevelCommand.PreviewPush.class, (s, c) -> {
                    ctx.pipeToSelf(evaluation(s, c.source(), c.filename(), c.dir(), c.parent(), true), (o, e) -> new LevelCommand.PushPreviewEvaluated(c, o));
                    return Effect().none();
                })
                .onCommand(LevelCommand.PushPreviewEvaluated.class, (s, c) -> {
                    LevelCommand.PreviewPush p = c.preview();
                    if (c.outcome() instanceof LevelEvaluator.Ok ok) previewedPorts = ok.ports();
                    p.replyTo().tell(c.outcome() instanceof LevelEvaluator.Ok ok
                            ? new LevelCommand.Previewed(LevelPlan.ofPush(level, s, ok.leaf(), p.source(), p.filename()).json().toString(), null, null)
                            : new LevelCommand.Previewed(null, refusal(c.outcome()), null));
                    return Effect().none();
                })
                .onCommand(LevelCommand.PreviewRollback.class, this::onPreviewRollback)
                .onCommand(LevelCommand.RollbackPreviewResolved.class, this::onRollbackPreviewResolved)
                .onCommand(LevelCommand.Plan.class, (s, c) -> {
                    LevelPlan.run(host, s, c.replyTo());
                    return Effect().none();
                })
                .onCommand(LevelCommand.ListSnapshots.class, (s, c) -> {
                    LevelSnapshots.run(host, s, c.replyTo());
                    return Effect().none();
                })
                .onCommand(LevelCommand.FromDatasets.class, (s, c) -> c.report().rollback() != null ? onRolledBack(s, c.report()) : onDatasets(s, c.report()))
                .onCommand(LevelCommand.FromService.class, (s, c) -> onService(s, c.report()))
                .onCommand(LevelCommand.FromJob.class, (s, c) -> onJob(s, c.report()))
                .onCommand(LevelCommand.RollBackJob.class, this::onRollBackJob)
                .onCommand(LevelCommand.RestartConsumer.class, this::onRestartConsumer)
                .onCommand(LevelCommand.ConsumerRestartDone.class, (s, c) -> s.exists()
                        ? Effect().persist(new LevelEvent.SecretConsumerRestarted(s.desired(), c.result().ref(), c.slot(), c.result().healthy(), c.result().why()))
                        .thenRun(st -> c.replyTo().tell(new LevelCommand.ConsumerRestarted(c.result().ref(), c.result().healthy(), false, c.result().why())))
                        : Effect().none().thenRun(st -> c.replyTo().tell(new LevelCommand.ConsumerRestarted(c.result().ref(), false, true, "the level has no revision"))))
                .onCommand(LevelCommand.JobRollbackDone.class, this::onJobRolledBack)
                .onCommand(LevelCommand.FromDataset.class, (s, c) -> onDataset(s, c.report()))
                .onCommand(LevelCommand.FromJail.class, (s, c) -> onJail(s, c.report()))
                .onCommand(LevelCommand.ParentIs.class, this::onParent)
                .onCommand(LevelCommand.AskParent.class, (s, c) -> {
                    if (c.rev() == s.desired() && !s.stopped() && s.parent() != null) federation.askParent(s.parent(), c.rev(), c.snapshot());
                    return Effect().none();
                })
                .onCommand(LevelCommand.Resume.class, this::onResume)
                .onCommand(LevelCommand.SnapshotForRollout.class, this::onSnapshotForRollout)
                .build();
    }

    @Override
    public EventHandler<RevisionLog, LevelEvent> eventHandler() {
        return newEventHandlerBuilder().forAnyState().onAnyEvent((s, e) -> {
            RevisionLog next = s.apply(e);
            if (recovered) ctx.getSystem().eventStream().tell(new org.apache.pekko.actor.typed.eventstream.EventStream.Publish<>(new Journaled(level)));
            return next;
        });
    }

    @Override
    public SignalHandler<RevisionLog> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(RecoveryCompleted.instance(), s -> {
                    recovered = true;
                    ctx.getSelf().tell(new LevelCommand.Resume());
                })
                // a journal failure restarts the behaviour in this very actor: its children are gone, so is what it knew
                .onSignal(PreRestart.instance(), s -> {
                    recovered = false; // the restarted behaviour replays the journal first
                    resources.forget();
                    stopping = null;
                    rollbacks.done();
                    evaluating = false;
                })
                .build();
    }

    @Override
    public Set<String> tagsFor(LevelEvent event) {
        return Set.of(TAG);
    }

    /**
     * A snapshot every half of {@value #EVENTS_KEPT} events, two kept, older events deleted: the journal stays bounded
     * and {@code /v1/events} can still resume from any of the newest events-kept.
     */
    @Override
    public RetentionCriteria retentionCriteria() {
        int kept = eventsKept(ctx.getSystem().settings().config());
        return RetentionCriteria.snapshotEvery(Math.max(1, kept / 2), 2).withDeleteEventsOnSnapshot();
    }

    /** {@value #EVENTS_KEPT} of the node's config, 1000 unless set. */
    public static int eventsKept(com.typesafe.config.Config c) {
        return c.hasPath(EVENTS_KEPT) ? c.getInt(EVENTS_KEPT) : 1000;
    }

    /** The level's status, posted on the node's board too: what the API shows should the level be unable to answer. */
    private LevelCommand.Status status(RevisionLog st) {
        LevelCommand.Status s = resources.status(st, federation.waiting()).withReplication(replication);
        if (st.exists()) host.board().post(level, s);
        return s;
    }

    // ---- revisions -----------------------------------------------------------------------------------------------

    private Effect<LevelEvent, RevisionLog> onPush(RevisionLog s, LevelCommand.Push p) {
        if (evaluating || s.rollingBack()) return Effect().stash(); // in the order they came, never during a rollback
        evaluating = true;
        evaluate(s, p);
        return Effect().none();
    }

    /**
     * Stops the entity, but never under a push being evaluated: that push is answered first (the stop waits,
     * stashed, as the next push would). When a push accepted meanwhile made a level of the one that asked to be
     * passivated, the level is woken through sharding, which starts it again once this incarnation stopped.
     */
    private Effect<LevelEvent, RevisionLog> onPassivate(RevisionLog s, LevelCommand.Passivate c) {
        if (evaluating) return Effect().stash();
        if (passivating && s.exists()) ClusterSharding.get(ctx.getSystem()).entityRefFor(KEY, level).tell(new LevelCommand.Wake());
        return Effect().stop();
    }

    /** A parent's context changed: the desired revision's Zedfile is evaluated again, as a push of it. */
    private Effect<LevelEvent, RevisionLog> onParentChanged(RevisionLog s, LevelCommand.ParentChanged c) {
        if (!s.exists() || s.stopped()) return Effect().none();
        if (evaluating || s.rollingBack()) return Effect().stash();
        RevisionLog.Revision r = s.source();
        evaluating = true;
        evaluate(s, new LevelCommand.Push(r.source(), r.filename(), r.dir(), r.parent(), false, ctx.getSystem().ignoreRef()));
        return Effect().none();
    }

    /** A push of a parent's change (onParentChanged): it answers no one. */
    private boolean cascade(LevelCommand.Push p) {
        return p.replyTo().equals(ctx.getSystem().ignoreRef());
    }

    /** Evaluation reads files and the chain above: off the entity's thread; the result comes back as Evaluated. */
    private void evaluate(RevisionLog s, LevelCommand.Push p) {
        long basedOn = s.desired();
        ctx.pipeToSelf(evaluation(s, p.source(), p.filename(), p.dir(), p.parent(), p.planHash() != null), (o, e) -> new LevelCommand.Evaluated(p, basedOn, o));
    }

    /**
     * A Zedfile evaluated as a push of it is, off the entity's thread; never fails: a failure is an Invalid outcome.
     *
     * @param asPlanned with the ports the last plan picked for allocations the level does not hold yet: a picked port
     *                  is random, and the apply of a plan, or the same plan asked again, would otherwise differ by it
     */
    private java.util.concurrent.CompletionStage<LevelEvaluator.Outcome> evaluation(RevisionLog s, String source, String filename, String dir, String parent,
                                                                                     boolean asPlanned) {
        java.util.Map<String, Integer> held = new java.util.HashMap<>(s.ports());
        if (asPlanned) previewedPorts.forEach(held::putIfAbsent);
        return LevelEvaluator.ancestors(ctx.getSystem(), host.levels(), parent).thenApplyAsync(chain -> chain == null
                        ? new LevelEvaluator.NoParent(parent)
                        : LevelEvaluator.placeJobs(LevelEvaluator.evaluate(host.config(), level, source, filename, dir, chain, held,
                        host.levels().placements(), zed.actors.cluster.PlacementTable.Members.hostAddresses(ctx.getSystem())), host.gpus()),
                        host.work().processes())
                .handle((o, e) -> e == null ? o : new LevelEvaluator.Invalid(List.of(new zed.config.Diagnostic(zed.config.Pos.NONE,
                        "the level could not be evaluated: " + (e.getCause() != null ? e.getCause() : e).getMessage()))));
    }

    /** Why an evaluated Zedfile is not accepted; null when it is (Ok). */
    private static Refused refusal(LevelEvaluator.Outcome o) {
        if (o instanceof LevelEvaluator.Invalid i) return new Refused(Refused.Why.INVALID, "the Zedfile has errors", i.errors());
        if (o instanceof LevelEvaluator.WrongId w) return new Refused(Refused.Why.INVALID, w.message(), List.of());
        if (o instanceof LevelEvaluator.NoParent n) return new Refused(Refused.Why.NO_PARENT, "the parent level " + n.parent() + " does not exist: push it first", List.of());
        return null;
    }

    private Effect<LevelEvent, RevisionLog> onEvaluated(RevisionLog s, LevelCommand.Evaluated ev) {
        LevelCommand.Push c = ev.push();
        if (ev.basedOn() != s.desired()) {
            // overtaken: what is desired changed while it was evaluated (a revert); evaluate it again against that
            evaluate(s, c);
            return Effect().none();
        }
        evaluating = false;
        Refused refused = refusal(ev.outcome());
        if (refused == null && c.planHash() != null) {
            // the plan the operator was shown, against what this push would do now, here, where nothing can come between
            String now = LevelPlan.ofPush(level, s, ((LevelEvaluator.Ok) ev.outcome()).leaf(), c.source(), c.filename()).hash();
            if (!now.equals(c.planHash())) {
                refused = new Refused(Refused.Why.PLAN_CHANGED, "the plan changed since it was shown (its hash is now " + now + ", not " + c.planHash()
                        + "): the level is at revision " + s.desired() + (s.stopped() ? ", stopped" : "") + "; nothing was applied: review the plan again", List.of());
            }
        }
        if (refused != null) {
            Refused no = refused;
            if (cascade(c)) federation.cascadeFailed(no.message() + (no.errors().isEmpty() ? "" : ": " + no.errors().get(0).render()));
            return Effect().none().thenRun(st -> {
                c.replyTo().tell(no);
                if (!st.exists()) { // a level that never got a revision does not live on
                    passivating = true;
                    passivate.run();
                }
            }).thenUnstashAll();
        }
        federation.cascadeEvaluated();
        LevelEvaluator.Ok ok = (LevelEvaluator.Ok) ev.outcome();
        String hash = ok.leaf().hash();
        if (hash.equals(s.desiredHash()) && !s.stopped()) {
            if (c.restart()) {
                return Effect().persist(new LevelEvent.RestartRequested(s.desired(), s.generation() + 1)).thenRun(st -> {
                    c.replyTo().tell(new Accepted(level, st.desired(), hash, false));
                    startResources(st, false);
                }).thenUnstashAll();
            }
            // what runs is what was pushed: the desired revision, which after a rollback is not the newest
            return Effect().none().thenRun(st -> c.replyTo().tell(new Accepted(level, st.desired(), hash, false))).thenUnstashAll();
        }
        long rev = s.revision() + 1;
        heldBefore = s.desired(); // pushes wait while a rollback runs: this is what the datasets hold
        return Effect().persist(List.of(new LevelEvent.SpecAccepted(rev, hash, c.source(), c.filename(), c.dir(), c.parent(), SpecJson.write(ok.leaf()), ok.ports()),
                        new ConvergeStarted(rev)))
                .thenRun(st -> {
                    host.levels().add(level);
                    status(st);
                    c.replyTo().tell(new Accepted(level, rev, hash, true));
                    federation.registerWithParent(st);
                    federation.tellChildren();
                    startResources(st, true);
                }).thenUnstashAll();
    }

    // ---- converging ----------------------------------------------------------------------------------------------

    /**
     * Hands the desired revision to the resource actors: the datasets first; the services once the datasets are
     * there. A child never converges before its parent is Converged: until then it asks again, and says so.
     */
    private void startResources(RevisionLog st, boolean snapshot) {
        if (st.desiredSpec() == null) return;
        if (st.parent() != null) {
            federation.askParent(st.parent(), st.desired(), snapshot);
            return;
        }
        resources.convergeDatasets(st.desiredSpec(), st.desired(), snapshot, st.desired() == resumedDeploy, heldBefore);
    }

    private Effect<LevelEvent, RevisionLog> onParent(RevisionLog s, LevelCommand.ParentIs p) {
        if (p.rev() != s.desired() || s.stopped() || s.rollingBack()) return Effect().none();
        if (federation.parentReady(s.parent(), p)) resources.convergeDatasets(s.desiredSpec(), s.desired(), p.snapshot(), s.desired() == resumedDeploy, heldBefore);
        return Effect().none();
    }

    private Effect<LevelEvent, RevisionLog> onResume(RevisionLog s, LevelCommand.Resume c) {
        // after a start of the node (or of this entity): converge what is desired again; running services are adopted
        if (!s.exists()) return Effect().none();
        host.levels().add(level);
        federation.registerWithParent(s);
        if (s.rollingBack() && elsewhere(rollbackScope(s, s.rollback())) != null) {
            // begun on the host the level left by a failover: its target is that host's data and revision, and the
            // failover's revision, evaluated here, waits behind it (stashed)
            RollbackStarted rb = s.rollback();
            String why = "rollback " + rb.rollback() + " was under way on host " + rollbackScope(s, rb).host() + " when the level failed over to "
                    + host.config().cluster().host() + ": it ends here, and the level converges the revision evaluated here; roll back again if you still want to";
            ctx.getLog().warn("level {}: {}", level, why);
            return Effect().persist(new LevelEvent.RollbackFailed(rb.rollback(), why)).thenRun(st -> rollbacks.done()).thenUnstashAll();
        } else if (s.rollingBack()) {
            rollbacks.act(s.rollback(), rollbackScope(s, s.rollback()));
        } else if (!s.stopped() && elsewhere(s.desiredSpec()) == null) {
            // a new revision whose first converge a node's death cut short: its deploy snapshot, unless it was taken
            // (before anything of it changed), so that a revert of it has something to go back to
            boolean deploying = "Converging".equals(s.phase()) && s.desired() == s.revision() && s.desired() > s.stableRevision();
            resumedDeploy = deploying ? s.desired() : -1;
            startResources(s, deploying);
            // a converged level's standby (what a downed node stops, what fails over by itself) and its replication hold
            // from its start on, not only from its next Converged
            if ("Converged".equals(s.phase())) replicate(s.desiredSpec());
        } else if (!s.stopped()) {
            ctx.getLog().warn("level {}: {}", level, elsewhere(s.desiredSpec()));
        }
        return Effect().none();
    }

    /**
     * Why the desired revision is not started here, null when it is: it was evaluated for another host (its pool, its
     * addresses), and the level came here by a failover, whose push of the revision evaluated here follows.
     */
    private String elsewhere(LevelSpec spec) {
        String here = host.config().cluster().host();
        if (spec == null || spec.host() == null || spec.host().equals(here)) return null;
        return "its revision was evaluated for host " + spec.host() + " and this is " + here + ": it starts here once it is evaluated here";
    }

    private Effect<LevelEvent, RevisionLog> onDatasets(RevisionLog s, LevelDatasets.Report r) {
        LevelSpec spec = s.desiredSpec();
        if (r.rev() != s.desired() || s.stopped() || s.rollingBack() || spec == null) return Effect().none();
        resources.metricsFor(spec, r.error() != null ? ResourceState.FAILED : ResourceState.CONVERGED);
        List<LevelEvent> events = new ArrayList<>();
        if (r.snapshot() != null) events.add(new LevelEvent.SnapshotTaken(r.rev(), r.snapshot()));
        for (LevelDatasets.ModelCopied m : r.models()) {
            events.add(new LevelEvent.ModelCopied(r.rev(), m.model(), m.dataset(), m.version(), m.snapshot(), m.why()));
        }
        boolean converging = "Converging".equals(s.phase());
        if (r.error() != null && r.applied() && converging) {
            LevelDatasets.Failure f = r.failure();
            return failed(s, events, "datasets: " + r.error(), f == null ? null : "dataset." + datasetName(spec, f.dataset()), f == null ? null : f.cause());
        }
        if (!r.applied()) return events.isEmpty() ? Effect().none() : Effect().persist(events);
        if (r.error() == null && converging && spec.services().isEmpty()) events.add(new Converged(r.rev()));
        return Effect().persist(events).thenRun(st -> {
            if (r.error() == null) resources.keep(spec, st.desired());
            resources.beginServices(spec, st.desired(), st.generation());
            if ("Converged".equals(st.phase()) && spec.services().isEmpty()) converged(st, spec);
        });
    }

    private Effect<LevelEvent, RevisionLog> onService(RevisionLog s, ServiceActor.Report r) {
        if (!resources.knows(r.ref())) return Effect().none(); // a service stopped meanwhile
        ServiceActor.Report before = resources.serviceReport(r);
        status(s);
        host.metrics().resourceState(level + "/" + r.ref(), ResourceKind.SERVICE, switch (r.gate()) {
            case "passed" -> ResourceState.CONVERGED;
            case "failed" -> ResourceState.FAILED;
            case "stopped" -> ResourceState.STOPPED;
            default -> ResourceState.CONVERGING;
        });
        List<LevelEvent> events = new ArrayList<>();
        boolean converging = "Converging".equals(s.phase());
        if (before != null && before.rev() == r.rev() && r.restarts() > before.restarts() && r.rev() == s.desired()
                && !(converging && r.gate().equals("failed"))) {
            // a killed or crashed service was restarted: that is drift corrected, and the event says why
            // (the drift metric counts what these events say)
            events.add(new DriftCorrected(r.rev(), r.ref(), "restarted (restart " + r.restarts() + ") after it " + r.lastExit()));
            host.metrics().driftCorrected(ResourceKind.SERVICE);
        }
        if (before != null && before.rev() == r.rev() && r.remakes() > before.remakes() && r.rev() == s.desired()) {
            // its dataset was destroyed behind Zed's back, and made again with the service's stamps
            events.add(new DriftCorrected(r.rev(), r.ref(), "made its dataset " + r.remade() + " again after it was destroyed"));
            host.metrics().driftCorrected(ResourceKind.SERVICE);
        }
        if (r.rev() != s.desired() || !converging || s.rollingBack()) return events.isEmpty() ? Effect().none() : Effect().persist(events);
        if (r.gate().equals("failed")) {
            String why = r.why() != null && r.why().startsWith(r.ref()) ? r.why() : r.ref() + ": " + r.why();
            return failed(s, events, why, r.ref(), "HEALTH_GATE");
        }
        resources.tellNext();
        LevelSpec spec = s.desiredSpec();
        if (resources.allPassed(spec, s.desired())) {
            events.add(new Converged(s.desired()));
            return Effect().persist(events).thenRun(st -> converged(st, spec));
        }
        return events.isEmpty() ? Effect().none() : Effect().persist(events);
    }

    /** A job's word: its state for status, and what became of its process as events. */
    private Effect<LevelEvent, RevisionLog> onJob(RevisionLog s, zed.actors.job.JobActor.Report r) {
        zed.actors.job.JobActor.Report before = resources.jobReport(r);
        if (!resources.knowsJob(r.job())) return Effect().none();
        status(s);
        List<LevelEvent> events = JobEvents.between(before, r);
        return events.isEmpty() ? Effect().none() : Effect().persist(events);
    }

    /**
     * A secret the consumer reads was rotated: its actor starts it again through a fresh gate ({@link ServiceActor.Restart},
     * a job's {@link zed.actors.job.JobActor.Restart}); the level journals what became of it. A consumer the level
     * no longer runs is answered {@code gone}: it reads the value when it starts, if it ever does.
     */
    private Effect<LevelEvent, RevisionLog> onRestartConsumer(RevisionLog s, LevelCommand.RestartConsumer c) {
        String why = "secret \"" + c.slot() + "\" was rotated";
        String[] kn = c.consumer().split("/", 2);
        boolean job = kn.length == 2 && kn[0].equals("job");
        String resource = job ? "job." + kn[1] : "service." + c.consumer().replace('/', '.');
        if (!s.exists() || s.stopped() || kn.length != 2) {
            c.replyTo().tell(new LevelCommand.ConsumerRestarted(resource, false, true, "level " + level + (s.stopped() ? " is stopped" : " does not run it")));
            return Effect().none();
        }
        // longer than any healthy_deadline is not known here: the HTTP side bounds the whole roll
        Duration wait = Duration.ofMinutes(9);
        if (job) {
            ActorRef<zed.actors.job.JobActor.Msg> a = resources.job(kn[1]);
            if (a == null) return gone(c, resource);
            ctx.ask(ServiceActor.Restarted.class, a, wait, reply -> new zed.actors.job.JobActor.Restart(why, reply),
                    (r, e) -> new LevelCommand.ConsumerRestartDone(r != null ? r : new ServiceActor.Restarted(resource, false, "it did not answer in time"), c.slot(), c.replyTo()));
        } else {
            ActorRef<ServiceActor.Msg> a = resources.service(resource);
            if (a == null) return gone(c, resource);
            ctx.ask(ServiceActor.Restarted.class, a, wait, reply -> new ServiceActor.Restart(why, reply),
                    (r, e) -> new LevelCommand.ConsumerRestartDone(r != null ? r : new ServiceActor.Restarted(resource, false, "its health gate did not decide in time"), c.slot(), c.replyTo()));
        }
        return Effect().none();
    }

    private Effect<LevelEvent, RevisionLog> gone(LevelCommand.RestartConsumer c, String resource) {
        c.replyTo().tell(new LevelCommand.ConsumerRestarted(resource, false, true, "level " + level + " does not run it now"));
        return Effect().none();
    }

    /** An operator's rollback of a job: its actor does it (JobSupervisor#rollback); the level journals it. */
    private Effect<LevelEvent, RevisionLog> onRollBackJob(RevisionLog s, LevelCommand.RollBackJob c) {
        ActorRef<zed.actors.job.JobActor.Msg> job = s.stopped() ? null : resources.job(c.job());
        if (job == null) {
            c.replyTo().tell(new LevelCommand.JobRollbackAnswer("NO_SUCH_JOB", "level " + level + " has no job " + c.job()
                    + (s.stopped() ? " running: it is stopped" : resources.jobNames().isEmpty() ? "; it has no jobs" : "; its jobs are " + String.join(", ", resources.jobNames())),
                    null, null, List.of()));
            return Effect().none();
        }
        // longer than the job's stop grace: a running job is stopped first
        ctx.ask(zed.actors.job.JobActor.RolledBack.class, job, Duration.ofSeconds(60), reply -> new zed.actors.job.JobActor.RollBack(c.checkpoint(), reply),
                (r, e) -> new LevelCommand.JobRollbackDone(r != null ? r : new zed.actors.job.JobActor.RolledBack(c.job(), null, null, List.of(), null,
                        "the job did not answer in time: " + e.getMessage()), c.replyTo()));
        return Effect().none();
    }

    private Effect<LevelEvent, RevisionLog> onJobRolledBack(RevisionLog s, LevelCommand.JobRollbackDone c) {
        zed.actors.job.JobActor.RolledBack r = c.result();
        if (r.refused() != null || r.error() != null) {
            c.replyTo().tell(new LevelCommand.JobRollbackAnswer(r.refused() != null ? "NOT_A_CHECKPOINT" : "CONFLICT",
                    r.refused() != null ? r.refused() : r.error(), null, null, List.of()));
            return Effect().none();
        }
        return Effect().persist(new LevelEvent.JobRolledBack(s.desired(), r.job(), r.snapshot(), r.step(), r.destroyed()))
                .thenRun(st -> c.replyTo().tell(new LevelCommand.JobRollbackAnswer(null, null, r.snapshot(), r.step(), r.destroyed())));
    }

    private void converged(RevisionLog st, LevelSpec spec) {
        status(st);
        replicate(spec);
        host.metrics().converge(level, ConvergeResult.CONVERGED, Duration.between(resources.convergeStarted(), java.time.Instant.now()));
        // retention runs after each successful deploy, never before: a failed one may still need its snapshot
        resources.prune(spec.snapshots().keep());
    }

    /**
     * The desired revision failed. With auto_revert and a stable revision to go back to, the revert is journaled in
     * the same write (so a node killed now finishes it after its restart) and its steps begin: the datasets go back to
     * the stable revision's snapshot, never to "the revision before", which may itself never have converged.
     */
    private Effect<LevelEvent, RevisionLog> failed(RevisionLog s, List<LevelEvent> before, String why, String resource, String cause) {
        List<LevelEvent> events = new ArrayList<>(before);
        events.add(new ConvergeFailed(s.desired(), why, resource, cause));
        LevelSpec failing = s.desiredSpec();
        // never to a revision evaluated for another host (the level failed over or moved here since): its pool is not here
        boolean revert = failing.update().autoRevert() && s.stableRevision() > 0 && s.stableRevision() != s.desired() && s.kept(s.stableRevision())
                && elsewhere(s.spec(s.stableRevision())) == null;
        if (revert) {
            events.add(new RollbackStarted(Rollbacks.newId(), s.stableSnapshot() == null ? null : "@" + s.stableSnapshot(), s.desired(),
                    s.stableRevision(), true, rollbacks.deadline()));
        }
        return Effect().persist(events).thenRun(st -> {
            status(st);
            host.metrics().converge(level, ConvergeResult.FAILED, Duration.between(resources.convergeStarted(), java.time.Instant.now()));
            if (st.rollingBack()) rollbacks.act(st.rollback(), rollbackScope(st, st.rollback()));
        });
    }

    /** After each Converged: a level with a standby replicates to it from now on, one without stops. */
    private void replicate(LevelSpec spec) {
        if (spec.failover() != null) host.withStandby().add(level);
        else host.withStandby().remove(level);
        // the table keeps the standbys of the levels that fail over by themselves (it writes only a change)
        var table = host.levels().table();
        if (table != null) {
            table.tell(new zed.actors.cluster.PlacementTable.Standby(level, spec.failover() == null ? null : spec.failover().standby(),
                    spec.failover() != null && spec.failover().auto()));
        }
        var sender = host.replication();
        if (sender == null) return;
        if (spec.failover() != null) sender.tell(new zed.actors.replica.ReplicaSender.Converged(spec, ctx.getSelf()));
        else sender.tell(new zed.actors.replica.ReplicaSender.Forget(level));
    }

    /** A round of replication ended: journaled (one event each, for /v1/events), and kept for status. */
    private Effect<LevelEvent, RevisionLog> onReplicated(RevisionLog s, LevelCommand.Replicated r) {
        LevelEvent e;
        if (r.error() == null) {
            replication = new LevelCommand.Replication(r.standby(), r.snapshot(), r.at(), null, null);
            e = new LevelEvent.Replicated(s.desired(), r.standby(), r.snapshot(), r.datasets());
        } else {
            LevelCommand.Replication before = replication;
            replication = new LevelCommand.Replication(r.standby(), before == null ? null : before.snapshot(), before == null ? null : before.at(), r.error(), r.at());
            e = new LevelEvent.ReplicationFailed(s.desired(), r.standby(), r.error());
        }
        return Effect().persist(e).thenRun(this::status);
    }

    /** Only a stopped level moves: its data is still, so the last increment holds all of it. */
    private Effect<LevelEvent, RevisionLog> onMoveOut(RevisionLog s, LevelCommand.MoveOut c) {
        LevelSpec spec = s.desiredSpec();
        String why = !s.stopped() ? "level " + level + " is " + s.phase() + ": a move stops it first"
                : spec == null || spec.pool() == null ? "level " + level + " keeps its datasets in the dir store: only a level on a ZFS pool moves"
                : host.replication() == null ? "this node does not replicate yet (it is starting)" : null;
        if (why != null) c.replyTo().tell(new zed.actors.replica.ReplicaSender.Moved(null, why));
        else host.replication().tell(new zed.actors.replica.ReplicaSender.Final(spec, c.to(), c.replyTo()));
        return Effect().none();
    }

    /** A dataset's name in the level ({@code apps/web}) from its full name under the level's pool. */
    private String datasetName(LevelSpec spec, String full) {
        String root = host.root(spec);
        return root.isEmpty() || !full.startsWith(root + "/") ? full : full.substring(root.length() + 1);
    }

    /** The datasets a rollback takes back: those of the revision it goes to (a revert), or of the one desired now. */
    private static LevelSpec rollbackScope(RevisionLog s, RollbackStarted r) {
        LevelSpec to = r.automatic() ? s.spec(r.to()) : null;
        return to != null ? to : s.spec(r.from()) != null ? s.spec(r.from()) : s.desiredSpec();
    }

    private Effect<LevelEvent, RevisionLog> onSnapshotForRollout(RevisionLog s, LevelCommand.SnapshotForRollout c) {
        if (s.rollingBack()) {
            return Effect().none().thenRun(st -> c.replyTo().tell(new zed.actors.resource.LevelDatasets.Snapshotted(null, "level " + level + " is rolling back", true)));
        }
        // nothing declared yet: nothing to go back to, and nothing to snapshot; a stopped level's data is snapshotted too
        if (s.desiredSpec() == null) return Effect().none().thenRun(st -> c.replyTo().tell(new zed.actors.resource.LevelDatasets.Snapshotted(null, null, false)));
        resources.snapshotForRollout(s.desiredSpec(), c.rollout(), c.replyTo());
        return Effect().none();
    }

    // ---- rollback ------------------------------------------------------------------------------------------------

    /** An operator's rollback: refused when it cannot act (409), else resolved on every dataset before it is journaled. */
    private Effect<LevelEvent, RevisionLog> onRollbackTo(RevisionLog s, LevelCommand.RollbackTo c) {
        LevelCommand.RollbackRefused refused = refuseRollback(s);
        if (refused == null && rollbacks.resolving()) {
            refused = new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.CONFLICT, "another rollback of " + level + " is being resolved");
        }
        if (refused != null) {
            LevelCommand.RollbackRefused no = refused;
            return Effect().none().thenRun(st -> c.replyTo().tell(no));
        }
        rollbacks.resolving(true);
        long from = s.desired();
        ctx.pipeToSelf(resolve(s, c.target()), (r, e) -> new LevelCommand.TargetResolved(c, from, r, why(e)));
        return Effect().none();
    }

    /** A rollback's target resolved on the desired spec's datasets, off the entity's thread (zfs reads). */
    private java.util.concurrent.CompletableFuture<LevelPlan.Resolved> resolve(RevisionLog s, String target) {
        LevelSpec spec = s.desiredSpec();
        return java.util.concurrent.CompletableFuture.supplyAsync(() -> LevelPlan.resolve(host, spec, target), host.work().zfs());
    }

    private static String why(Throwable e) {
        return e == null ? null : (e.getCause() != null ? e.getCause() : e).getMessage();
    }

    /** What a rollback to the target would do: resolved as the rollback resolves it, answered against the level as it is then. */
    private Effect<LevelEvent, RevisionLog> onPreviewRollback(RevisionLog s, LevelCommand.PreviewRollback c) {
        LevelCommand.RollbackRefused refused = refuseRollback(s);
        if (refused != null) return Effect().none().thenRun(st -> c.replyTo().tell(new LevelCommand.Previewed(null, null, refused)));
        long from = s.desired();
        ctx.pipeToSelf(resolve(s, c.target()), (r, e) -> new LevelCommand.RollbackPreviewResolved(c, from, r, why(e)));
        return Effect().none();
    }

    private Effect<LevelEvent, RevisionLog> onRollbackPreviewResolved(RevisionLog s, LevelCommand.RollbackPreviewResolved r) {
        LevelCommand.RollbackRefused refused = r.error() != null ? new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.NO_SUCH_TARGET, r.error())
                : refuseRollback(s);
        if (refused == null && s.desired() != r.from()) {
            refused = new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.CONFLICT, "level " + level + " moved to revision " + s.desired()
                    + " while the target was resolved; ask again");
        }
        zed.actors.plan.LevelDiff plan = refused == null ? LevelPlan.ofRollback(level, s, r.preview().target(), r.resolved()) : null;
        if (refused == null && plan == null) refused = notKept(r.preview().target(), r.resolved());
        r.preview().replyTo().tell(refused != null ? new LevelCommand.Previewed(null, null, refused) : new LevelCommand.Previewed(plan.json().toString(), null, null));
        return Effect().none();
    }

    private LevelCommand.RollbackRefused notKept(String target, LevelPlan.Resolved r) {
        return new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.CONFLICT, "the datasets at " + target + " hold revision " + r.revision()
                + ", whose spec is no longer kept: nothing would converge it; push its Zedfile again instead");
    }

    private LevelCommand.RollbackRefused refuseRollback(RevisionLog s) {
        LevelCommand.RollbackRefused.Why conflict = LevelCommand.RollbackRefused.Why.CONFLICT;
        if (!s.exists()) return new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.NO_SUCH_LEVEL, "no such level: " + level);
        if (s.stopped()) return new LevelCommand.RollbackRefused(conflict, "level " + level + " is stopped: push it before you roll it back");
        if (s.rollingBack()) {
            RollbackStarted r = s.rollback();
            return new LevelCommand.RollbackRefused(conflict, "rollback " + r.rollback() + " of " + level + " (to " + (r.target() == null ? "revision " + r.to() : r.target())
                    + ") is under way until " + r.deadline() + "; nothing was done");
        }
        if (s.desiredSpec() == null || s.desiredSpec().datasets().isEmpty()) {
            return new LevelCommand.RollbackRefused(conflict, "level " + level + " has no datasets: there is nothing to roll back");
        }
        return null;
    }

    private Effect<LevelEvent, RevisionLog> onTargetResolved(RevisionLog s, LevelCommand.TargetResolved t) {
        rollbacks.resolving(false);
        ActorRef<LevelCommand.RollbackAnswer> reply = t.request().replyTo();
        if (t.error() != null) {
            return Effect().none().thenRun(st -> reply.tell(new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.NO_SUCH_TARGET, t.error())));
        }
        LevelCommand.RollbackRefused refused = refuseRollback(s);
        if (refused == null && s.desired() != t.from()) {
            refused = new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.CONFLICT,
                    "level " + level + " moved to revision " + s.desired() + " while the target was resolved; nothing was done");
        }
        if (refused == null && t.request().planHash() != null) {
            // the rollback's plan the operator was shown, against what it would do now
            zed.actors.plan.LevelDiff plan = LevelPlan.ofRollback(level, s, t.request().target(), t.resolved());
            if (plan == null) refused = notKept(t.request().target(), t.resolved());
            else if (!plan.hash().equals(t.request().planHash())) {
                refused = new LevelCommand.RollbackRefused(LevelCommand.RollbackRefused.Why.PLAN_CHANGED, "the rollback's plan changed since it was shown (its hash is now "
                        + plan.hash() + ", not " + t.request().planHash() + "): the level is at revision " + s.desired() + "; nothing was done: review it again");
            }
        }
        if (refused != null) {
            LevelCommand.RollbackRefused no = refused;
            return Effect().none().thenRun(st -> reply.tell(no));
        }
        RollbackStarted started = new RollbackStarted(Rollbacks.newId(), t.request().target(), s.desired(), 0, false, rollbacks.deadline());
        return Effect().persist(started).thenRun(st -> {
            reply.tell(new LevelCommand.RollbackAccepted(started.rollback(), started.target(), started.from()));
            rollbacks.act(started, rollbackScope(st, started));
        });
    }

    /** The datasets of a rollback are back (or not): the level converges the revision they carry. */
    private Effect<LevelEvent, RevisionLog> onRolledBack(RevisionLog s, LevelDatasets.Report r) {
        RollbackStarted rb = s.rollback();
        if (rb == null || !rb.rollback().equals(r.rollback()) || !rollbacks.current(r.rollback())) return Effect().none(); // stale
        if (r.error() != null) {
            return Effect().persist(new LevelEvent.RollbackFailed(rb.rollback(), "rolling back to " + rb.target() + " failed: " + r.error()))
                    .thenRun(st -> rollbacks.done()).thenUnstashAll();
        }
        long to = rb.automatic() ? rb.to() : r.restoredRevision() != null ? r.restoredRevision() : rb.from();
        if (!s.kept(to)) {
            return Effect().persist(new LevelEvent.RollbackFailed(rb.rollback(), "the datasets are back at " + rb.target() + ", which holds revision " + to
                    + "; its spec is no longer kept, so nothing converges it: push its Zedfile again")).thenRun(st -> rollbacks.done()).thenUnstashAll();
        }
        return Effect().persist(List.of(new LevelEvent.RolledBack(rb.from(), to, rb.rollback()), new ConvergeStarted(to))).thenRun(st -> {
            rollbacks.done();
            startResources(st, false);
        }).thenUnstashAll();
    }

    private Effect<LevelEvent, RevisionLog> onRollbackDeadline(RevisionLog s, LevelCommand.RollbackDeadline d) {
        if (s.rollback() == null || !s.rollback().rollback().equals(d.id())) return Effect().none();
        return Effect().persist(new LevelEvent.RollbackFailed(d.id(), "rollback " + d.id() + " did not finish within " + rollbacks.timeout().toSeconds() + "s"
                        + "; its datasets may be partly rolled back: look at them, then roll back again"))
                .thenRun(st -> rollbacks.done()).thenUnstashAll();
    }

    // ---- stop ----------------------------------------------------------------------------------------------------

    /** A stop answers once every service has stopped: {@code zed down} returns when nothing runs any more. */
    private Effect<LevelEvent, RevisionLog> onStop(RevisionLog s, LevelCommand.Stop c) {
        if (s.stopped() || !s.exists()) {
            if (stopping != null) stopping.replies().add(c.replyTo()); // the stop under way answers it too
            else return Effect().none().thenRun(st -> c.replyTo().tell(status(st)));
            return Effect().none();
        }
        return Effect().persist(new LevelEvent.LevelStopped(s.revision())).thenRun(st -> {
            rollbacks.done();
            if (host.replication() != null) host.replication().tell(new zed.actors.replica.ReplicaSender.Forget(level));
            federation.stopWaiting();
            String id = "stop-" + java.util.UUID.randomUUID();
            int services = resources.stopAll(ctx.messageAdapter(ServiceActor.Stopped.class, x -> new LevelCommand.ServiceStopped(id, x)));
            // a stop still under way (a push restarted the level meanwhile) is answered by this one: its id is stale now
            List<ActorRef<LevelCommand.Status>> replies = stopping == null ? new ArrayList<>() : stopping.replies();
            replies.add(c.replyTo());
            stopping = new Stopping(id, services, replies);
            if (services == 0) stopped(st);
        }).thenUnstashAll();
    }

    /** A stop under way: its id, how many services have yet to say they stopped, and who waits for it. */
    private record Stopping(String id, int pending, List<ActorRef<LevelCommand.Status>> replies) {
    }

    private Stopping stopping;

    private Effect<LevelEvent, RevisionLog> onServiceStopped(RevisionLog s, LevelCommand.ServiceStopped c) {
        if (stopping != null && stopping.id().equals(c.id())) {
            stopping = new Stopping(stopping.id(), stopping.pending() - 1, stopping.replies());
            if (stopping.pending() <= 0) stopped(s);
        } else {
            rollbacks.serviceStopped(c.id());
        }
        return Effect().none();
    }

    private void stopped(RevisionLog st) {
        for (ActorRef<LevelCommand.Status> r : stopping.replies()) r.tell(status(st));
        stopping = null;
    }

    private Effect<LevelEvent, RevisionLog> onDestroy(RevisionLog s, LevelCommand.Destroy c) {
        if (!s.stopped() || s.desiredSpec() == null) {
            return Effect().none().thenRun(st -> c.replyTo().tell(new LevelDatasets.Destroyed(List.of(), "stop the level first")));
        }
        resources.destroy(s.desiredSpec(), c.replyTo());
        return Effect().none();
    }

    // ---- what the keepers say ------------------------------------------------------------------------------------

    /** A jail actor's word: its state for status, and a repair after it had converged as drift. */
    private Effect<LevelEvent, RevisionLog> onJail(RevisionLog s, JailActor.Report r) {
        if (!resources.jailReport(r)) return Effect().none();
        host.metrics().resourceState(level + "/jail/" + r.name(), ResourceKind.JAIL, r.error() != null ? ResourceState.FAILED : ResourceState.CONVERGED);
        if (r.drift() == null || r.rev() != s.desired() || s.stopped()) return Effect().none();
        return Effect().persist(new DriftCorrected(r.rev(), "jail." + r.name(), r.drift()));
    }

    /** A dataset actor's word: its state for status, and a correction of drift as an event. */
    private Effect<LevelEvent, RevisionLog> onDataset(RevisionLog s, DatasetActor.Report r) {
        if (!resources.datasetReport(r)) return Effect().none();
        status(s);
        // the pool going and coming back is one event each, whatever the number of datasets that saw it
        LevelSpec spec = s.desiredSpec();
        String pool = spec == null || spec.pool() == null ? "(the dir store)" : spec.pool();
        if (r.state().equals("unavailable") && resources.poolTrouble() == null) {
            resources.poolTrouble(r.error());
            return Effect().persist(new LevelEvent.PoolUnavailable(s.desired(), pool, r.error()));
        }
        if (!r.state().equals("unavailable") && resources.poolTrouble() != null && !resources.anyDataset("unavailable")) {
            resources.poolTrouble(null);
            return Effect().persist(new LevelEvent.PoolAvailable(s.desired(), pool));
        }
        ResourceState rs = switch (r.state()) {
            case "failed" -> ResourceState.FAILED;
            case "converged" -> ResourceState.CONVERGED;
            default -> ResourceState.CONVERGING;
        };
        host.metrics().resourceState(level + "/dataset/" + r.name(), ResourceKind.DATASET, rs);
        if (r.drift().isEmpty() || r.rev() != s.desired() || s.stopped()) return Effect().none();
        return Effect().persist(new DriftCorrected(r.rev(), "dataset." + r.name(), String.join("; ", r.drift())));
    }
}
