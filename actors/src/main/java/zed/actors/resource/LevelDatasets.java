package zed.actors.resource;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import zed.actors.level.LevelHost;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Snapshots;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.model.ModelWeights;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * The operations on a level's datasets as a whole: before a new revision, the deploy snapshot (every dataset under
 * one name) and the ordered first converge (parents before children); a rollback of every dataset to one snapshot;
 * retention; destroy. Between those, each dataset is kept converged by its own {@link DatasetActor}; the
 * {@link DatasetFence} keeps the two apart.
 */
public final class LevelDatasets extends AbstractBehavior<LevelDatasets.Msg> {
    public sealed interface Msg {
    }

    /**
     * Converge to this revision; {@code snapshot}: take the before-deploy snapshots first; {@code resumed}: a deploy
     * a node's death interrupted, whose snapshot is taken only if it was not taken before the death (it precedes every
     * change, so without it nothing of the revision was applied yet).
     */
    /**
     * @param holds   the level's revision the datasets hold before this one (0: not known), marked on the deploy snapshot
     * @param readers stops the running jobs on a model's dataset before a copy replaces its weights
     */
    public record Apply(long rev, LevelSpec spec, boolean snapshot, boolean resumed, long holds, WeightsReaders readers) implements Msg {
        public Apply(long rev, LevelSpec spec, boolean snapshot, boolean resumed, long holds) {
            this(rev, spec, snapshot, resumed, holds, (dataset, why) -> { });
        }
    }

    /**
     * The jobs that read a model's weights: {@link #stop} returns once those on {@code modelDataset} (its name in the
     * level) have stopped, {@code why} in their events, and throws when one did not: the copy then does not begin.
     */
    public interface WeightsReaders {
        void stop(String modelDataset, String why);
    }

    /**
     * The rollback {@code id}: every dataset of {@code scope} that exists goes back to {@code target} (data, and its
     * com.zed:* state from the snapshot); the report says which revision they carry now. Converging after it is the
     * level's next step.
     */
    public record Rollback(String id, String target, LevelSpec scope) implements Msg {
    }

    /** After Converged: keep the newest {@code keep} deploy snapshots of each dataset (held ones stay). */
    public record Prune(int keep) implements Msg {
    }

    /** The level is deleted with ?destroy=true: its managed datasets go, children before parents, snapshots first. */
    public record Destroy(LevelSpec spec, ActorRef<Destroyed> replyTo) implements Msg {
    }

    /**
     * A coordinated rollout's first round: every dataset of the level under one name ({@code zed-rollout-N-...}),
     * before any host changes. Answered to the rollout, which may be on another host.
     */
    public record SnapshotAll(long rollout, LevelSpec spec, ActorRef<Snapshotted> replyTo) implements Msg {
    }

    /**
     * @param snapshot its name, null where the level has no dataset
     * @param error    why it was not taken, else null
     * @param busy     the level is rolling back: asked again later
     */
    public record Snapshotted(String snapshot, String error, boolean busy) implements zed.actors.JsonEvent {
    }

    /** Serializable: the node that asked may be another host's (a level destroyed through any node). */
    public record Destroyed(List<String> destroyed, String error) implements zed.actors.JsonEvent {
    }

    private record Done(Report report) implements Msg {
    }

    /**
     * @param applied          the first converge of a revision finished
     * @param snapshot         the before-deploy snapshot taken, if any
     * @param drift            steps a tick had to take because something changed behind Zed's back
     * @param rollback         the id of the rollback this reports on (null: a converge)
     * @param restoredRevision the revision the rolled-back datasets carry, from the snapshot's state
     */
    /** @param models the models whose source was copied in (a model whose dataset held it already is not listed) */
    public record Report(long rev, boolean applied, String snapshot, List<String> drift, String error, List<String> rolledBack,
                         Long restoredRevision, String rollback, Failure failure, List<ModelCopied> models) {
        public Report(long rev, boolean applied, String snapshot, List<String> drift, String error, List<String> rolledBack,
                      Long restoredRevision, String rollback, Failure failure) {
            this(rev, applied, snapshot, drift, error, rolledBack, restoredRevision, rollback, failure, List.of());
        }

        public Report(long rev, boolean applied, String snapshot, List<String> drift, String error, List<String> rolledBack, Long restoredRevision,
                      String rollback) {
            this(rev, applied, snapshot, drift, error, rolledBack, restoredRevision, rollback, null);
        }

        Report(long rev, boolean applied, String snapshot, List<String> drift, String error, List<String> rolledBack) {
            this(rev, applied, snapshot, drift, error, rolledBack, null, null);
        }
    }

    /** A model's weights copied into its dataset, as {@code version}; {@code snapshot} keeps the version before. */
    public record ModelCopied(String model, String dataset, long version, String snapshot, String why) {
    }

    /**
     * What failed, typed: the dataset (its full name) and the cause as the store typed it (NO_SPACE, BUSY, NOT_MANAGED,
     * TIMEOUT, ...), so that the level's event names both.
     */
    public record Failure(String dataset, String cause) {
        static Failure of(Throwable t) {
            Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
            return c instanceof zed.reconciler.store.StoreError e ? new Failure(e.dataset(), e.kind().name()) : null;
        }
    }

    private final LevelHost host;
    private final ActorRef<Report> level;
    private final DatasetFence fence;
    private LevelSpec spec;
    private long rev;

    private LevelDatasets(ActorContext<Msg> ctx, LevelHost host, DatasetFence fence, ActorRef<Report> level) {
        super(ctx);
        this.fence = fence;
        this.host = host;
        this.level = level;
    }

    public static Behavior<Msg> create(LevelHost host, DatasetFence fence, ActorRef<Report> level) {
        return Behaviors.supervise(Behaviors.<Msg>setup(ctx -> new LevelDatasets(ctx, host, fence, level)))
                .onFailure(org.apache.pekko.actor.typed.SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(10), 0.2));
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Apply.class, this::onApply)
                .onMessage(Rollback.class, this::onRollback)
                .onMessage(Prune.class, this::onPrune)
                .onMessage(Destroy.class, this::onDestroy)
                .onMessage(SnapshotAll.class, this::onSnapshotAll)
                .onMessage(Done.class, d -> {
                    level.tell(d.report());
                    return this;
                })
                .build();
    }

    private List<String> names(LevelSpec s) {
        List<String> out = new ArrayList<>();
        for (LevelSpec.DatasetSpec d : s.datasets()) out.add(Planner.full(host.root(s), d.name()));
        return out;
    }

    /**
     * The datasets of the level that exist: those this revision declares, and those only an earlier one declared (still
     * stamped as the level's), so that a revert to it finds them in the deploy snapshot. Not the implicit datasets of
     * services, which hold stamps only.
     */
    private List<String> declaredByLevel(Map<String, Observation> seen, LevelSpec s) {
        String implicit = Planner.full(host.root(s), zed.reconciler.service.ServiceRun.IMPLICIT);
        List<String> out = new ArrayList<>();
        seen.forEach((n, o) -> {
            boolean service = n.equals(implicit) || n.startsWith(implicit + "/");
            if (!service && o.managed() && s.id().equals(o.own(Planner.LEVEL))) out.add(n);
        });
        return out;
    }

    /**
     * One read of the pool serves the deploy snapshot and the plan (a snapshot changes no dataset's properties); no
     * read after the steps: the datasets' own actors take over at once, and their first sweep verifies.
     */
    private Behavior<Msg> onApply(Apply a) {
        org.apache.pekko.actor.typed.ActorSystem<Void> system = getContext().getSystem();
        spec = a.spec();
        rev = a.rev();
        run(() -> {
            Store store = host.store(a.spec());
            String root = host.root(a.spec());
            Map<String, Observation> seen = Convergence.observe(store, root, a.spec());
            String snap = null;
            if (a.snapshot() && a.spec().snapshots().beforeDeploy()) {
                List<String> existing = declaredByLevel(seen, a.spec());
                snap = a.resumed() ? takenBefore(store, root, existing, a.rev()) : null;
                if (!existing.isEmpty() && snap == null) snap = Snapshots.beforeDeploy(store, existing, a.rev(), Instant.now(), store.zedStates(root), a.holds());
            }
            zed.reconciler.dataset.Plan plan = Planner.plan(a.spec(), store.kind(), root, seen, Stamp.now(a.rev()));
            if (!plan.refused().isEmpty()) {
                zed.reconciler.dataset.Plan.Refusal no = plan.refused().get(0);
                return new Report(a.rev(), true, snap, List.of(), no.dataset() + " " + no.reason(), List.of(), null, null,
                        new Failure(no.dataset(), zed.reconciler.store.StoreError.Kind.NOT_MANAGED.name()));
            }
            zed.reconciler.dataset.PlanRunner.Report r = zed.reconciler.dataset.PlanRunner.apply(plan, store);
            if (!r.ok()) return new Report(a.rev(), true, snap, List.of(), r.failure().getMessage(), List.of(), null, null, Failure.of(r.failure()));
            implicitServices(store, a.spec(), seen);
            // the weights before the jobs: the level hands the revision to its jobs only after this report
            List<ModelCopied> models = new ArrayList<>();
            for (LevelSpec.ModelSpec m : a.spec().models()) {
                if (m.source() == null) continue;
                String ds = Planner.full(root, m.dataset());
                // a job that reads these weights stops before the copy empties the dataset; it resumes on the new ones
                ModelWeights.BeforeCopy before = (from, to) -> stopReaders(a.readers(), ds, m, from, to);
                ModelWeights.Done d = m.source().path() != null ? ModelWeights.converge(store, ds, java.nio.file.Path.of(m.source().path()), before)
                        : fromHost(system, store, host::replicas, a.spec().pool(), ds, m.source(), before);
                if (d != null && d.copied()) models.add(new ModelCopied(m.name(), ds, d.version(), d.snapshot() == null ? null : ds + "@" + d.snapshot(), d.why()));
            }
            return new Report(a.rev(), true, snap, List.of(), null, List.of(), null, null, null, models);
        });
        return this;
    }

    /**
     * A model's {@code source { host, snapshot }}: received into {@code <pool>/zed-received/...} first, then copied in
     * as a path is. A dataset that holds this source already (and no copy cut short) asks nothing of the source host,
     * so that restarts and pushes go on while it is away. Null: nothing done.
     */
    private static ModelWeights.Done fromHost(org.apache.pekko.actor.typed.ActorSystem<?> system, Store store, java.util.function.Function<String, zed.reconciler.replica.Replicas> replicas,
                                              String pool, String ds, LevelSpec.ModelSource src, ModelWeights.BeforeCopy before) {
        String name = zed.reconciler.model.ModelReceive.name(src.host(), src.snapshot());
        Map<String, String> state = store.zedState(ds);
        if (name.equals(state.get(zed.reconciler.model.ModelCopy.SOURCE)) && state.get(zed.reconciler.model.ModelCopy.COPYING) == null) return null;
        if (pool == null) {
            throw new zed.reconciler.store.StoreError(zed.reconciler.store.StoreError.Kind.OTHER, ds, "its model source " + name
                    + " is a ZFS snapshot, and this level keeps its datasets in the dir store: use source { path = ... }");
        }
        String received = pool + "/" + zed.reconciler.model.ModelReceive.received(src.host(), src.snapshot());
        String guid;
        try {
            guid = zed.actors.replica.ModelFromHost.receive(system, src.host(), src.snapshot(), replicas.apply(pool), received);
        } catch (RuntimeException e) {
            // the model's dataset is untouched: it is copied into only after a complete receive
            // typed as the receive's pool typed it (NO_SPACE, TIMEOUT), else OTHER: the source host away, or without the snapshot
            zed.reconciler.store.StoreError.Kind kind = e instanceof zed.reconciler.store.StoreError se ? se.kind() : zed.reconciler.store.StoreError.Kind.OTHER;
            throw new zed.reconciler.store.StoreError(kind, ds, "cannot receive its model source " + name + ": " + zed.actors.replica.ReplicaReceiver.cause(e));
        }
        return ModelWeights.converge(store, ds, store.mountpoint(received), name, zed.reconciler.model.ModelReceive.fingerprint(guid),
                Map.of(zed.reconciler.model.ModelReceive.RECEIVED_AT, Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString()), before);
    }

    /** A job that did not stop leaves the weights as they are: the converge fails, naming the model's dataset. */
    private static void stopReaders(WeightsReaders readers, String ds, LevelSpec.ModelSpec m, long from, long to) {
        try {
            readers.stop(m.dataset(), zed.reconciler.job.JobWeights.why(m.name(), from, to));
        } catch (RuntimeException e) {
            Throwable c = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            throw new zed.reconciler.store.StoreError(zed.reconciler.store.StoreError.Kind.OTHER, ds, "its model " + m.name()
                    + "'s weights were not replaced: a job on them did not stop (" + c + "); the next converge tries again");
        }
    }

    /** A deploy snapshot of revision {@code rev} that one of {@code datasets} holds already, or null. */
    private static String takenBefore(Store store, String root, List<String> datasets, long rev) {
        if (datasets.isEmpty()) return null;
        Map<String, List<String>> names = store.snapshotNames(root);
        for (String d : datasets) {
            for (String n : names.getOrDefault(d, List.of())) if (Snapshots.deployRev(n) == rev) return n;
        }
        return null;
    }

    /**
     * The container of the services' implicit datasets ({@code <root>/zed-services}), made here once, before the services
     * start: several services making it at once raced, and all but one failed their first start.
     */
    private void implicitServices(Store store, LevelSpec s, Map<String, Observation> seen) {
        if (s.services().stream().allMatch(svc -> svc.dataset() != null)) return;
        String container = Planner.full(host.root(s), zed.reconciler.service.ServiceRun.IMPLICIT);
        if (seen.containsKey(container) || store.exists(container)) return;
        try {
            store.create(container, Map.of());
        } catch (zed.reconciler.store.StoreError e) {
            if (!store.exists(container)) throw e; // another level of the pool made it meanwhile: fine
        }
    }

    private Behavior<Msg> onRollback(Rollback r) {
        spec = null; // no retention until the level converges again
        LevelSpec scope = r.scope();
        run(() -> {
            Store store = host.store(scope);
            List<String> existing = new ArrayList<>();
            Map<String, Observation> seen = Convergence.observe(store, host.root(scope), scope);
            for (String n : names(scope)) if (seen.containsKey(n) && seen.get(n).managed()) existing.add(n);
            List<String> rolled = new ArrayList<>();
            Long restored = null;
            for (Snapshots.Rolled x : Snapshots.rollback(store, existing, r.target())) {
                rolled.add(x.dataset() + "@" + x.snapshot());
                if (restored == null) restored = x.revision();
            }
            return new Report(rev, false, null, List.of(), null, rolled, restored, r.id());
        }, r.id());
        return this;
    }

    private Behavior<Msg> onPrune(Prune p) {
        LevelSpec s = spec;
        if (s == null) return this;
        CompletableFuture.runAsync(() -> fence.exclusive(() -> {
            // two reads for the whole level, whatever its size: the datasets, and every snapshot's name and order
            Store store = host.store(s);
            String root = host.root(s);
            List<String> mine = declaredByLevel(Convergence.observe(store, root, s), s);
            if (mine.isEmpty()) return null;
            Map<String, List<String>> snapshots = store.snapshotNames(root);
            for (String n : mine) Snapshots.prune(store, n, snapshots.getOrDefault(n, List.of()), p.keep(), java.util.Set.of());
            return null;
        }), host.work().zfs());
        return this;
    }

    private Behavior<Msg> onSnapshotAll(SnapshotAll a) {
        LevelSpec s = a.spec();
        CompletableFuture.supplyAsync(() -> fence.exclusive(() -> {
            Store store = host.store(s);
            String root = host.root(s);
            List<String> mine = declaredByLevel(Convergence.observe(store, root, s), s);
            return mine.isEmpty() ? null : Snapshots.beforeRollout(store, mine, a.rollout(), Instant.now(), store.zedStates(root));
        }), host.work().zfs()).whenComplete((name, e) -> a.replyTo().tell(new Snapshotted(name,
                e == null ? null : (e.getCause() != null ? e.getCause() : e).getMessage(), false)));
        return this;
    }

    private Behavior<Msg> onDestroy(Destroy d) {
        spec = null;
        LevelSpec s = d.spec();
        CompletableFuture.supplyAsync(() -> fence.exclusive(() -> {
            Store store = host.store(s);
            Map<String, Observation> seen = Convergence.observe(store, host.root(s), s);
            List<String> mine = new ArrayList<>();
            for (Map.Entry<String, Observation> e : seen.entrySet()) {
                // only what this level manages: never a container, never another level's dataset
                if (e.getValue().managed() && s.id().equals(e.getValue().own(Planner.LEVEL))) mine.add(e.getKey());
            }
            mine.sort((a, b) -> Integer.compare(b.split("/").length, a.split("/").length));
            for (String n : mine) {
                for (zed.reconciler.store.Snapshot snap : store.snapshots(n)) store.destroySnapshot(n, snap.name());
                store.destroy(n);
            }
            return mine;
        }), host.work().zfs()).whenComplete((list, e) -> d.replyTo().tell(new Destroyed(list == null ? List.of() : list,
                e == null ? null : (e.getCause() != null ? e.getCause() : e).getMessage())));
        return this;
    }

    private void run(java.util.function.Supplier<Report> work) {
        run(work, null);
    }

    /** Runs a level-wide operation on the zfs executor; its report (or its failure) goes to the level. */
    private void run(java.util.function.Supplier<Report> work, String rollback) {
        zed.actors.telemetry.ZedMetrics m = host.metrics();
        CompletableFuture<Report> f = CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            Report r = fence.exclusive(work);
            m.reconcileTick(zed.actors.telemetry.ResourceKind.DATASET, r.error() == null ? zed.actors.telemetry.TickResult.OK : zed.actors.telemetry.TickResult.FAILED,
                    java.time.Duration.ofNanos(System.nanoTime() - t0));
            if (!r.drift().isEmpty()) m.driftCorrected(zed.actors.telemetry.ResourceKind.DATASET);
            return r;
        }, host.work().zfs());
        getContext().pipeToSelf(f, (rep, e) -> new Done(e == null ? rep
                : new Report(rev, rollback == null, null, List.of(), (e.getCause() != null ? e.getCause() : e).getMessage(), List.of(), null, rollback,
                Failure.of(e))));
    }
}
