package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import zed.actors.JsonEvent;
import zed.actors.resource.DatasetActor;
import zed.actors.resource.JailActor;
import zed.actors.resource.LevelDatasets;
import zed.actors.resource.ServiceActor;
import zed.config.Diagnostic;

import java.util.List;

/** What a level entity is asked, and what it answers. The answers are JSON on the API; HttpApi only maps them. */
public sealed interface LevelCommand extends JsonEvent {

    // ---- asked by the API (or another node) ----------------------------------------------------------------------

    /**
     * A Zedfile pushed for this level. The level evaluates it here, with the chain above as its parents accepted it,
     * and accepts the result as a new revision, or not at all (the desired revision's drift hash, or an error).
     * Pushes are evaluated one at a time, in the order they came.
     *
     * @param restart  restart the services even when the spec is the same ({@code zed up --restart})
     * @param planHash the hash of the plan the operator was shown ({@link PreviewPush}): refused, nothing applied, when
     *                 the plan computed now differs; null: applied as it evaluates
     */
    record Push(String source, String filename, String dir, String parent, boolean restart, ActorRef<Pushed> replyTo, String planHash) implements LevelCommand {
        public Push(String source, String filename, String dir, String parent, boolean restart, ActorRef<Pushed> replyTo) {
            this(source, filename, dir, parent, restart, replyTo, null);
        }
    }

    /** What a {@link Push} of this Zedfile would do now, and its plan's hash; changes nothing. */
    record PreviewPush(String source, String filename, String dir, String parent, ActorRef<Previewed> replyTo) implements LevelCommand {
    }

    /** What a {@link RollbackTo} of this target would do now, and its plan's hash; changes nothing. */
    record PreviewRollback(String target, ActorRef<Previewed> replyTo) implements LevelCommand {
    }

    /**
     * A plan ({@link zed.actors.plan.LevelDiff}'s JSON), or why there is none: a push's refusal ({@code refused}) or a
     * rollback's ({@code rollbackRefused}).
     */
    record Previewed(String json, Refused refused, RollbackRefused rollbackRefused) implements JsonEvent {
    }

    record Get(ActorRef<Status> replyTo) implements LevelCommand {
    }

    record Stop(ActorRef<Status> replyTo) implements LevelCommand {
    }

    /** Stop first, then destroy the datasets this level manages (DELETE ?destroy=true). */
    record Destroy(ActorRef<LevelDatasets.Destroyed> replyTo) implements LevelCommand {
    }

    /** An operator's rollback: the datasets go back to {@code target}, then the revision they carry converges again. */
    record RollbackTo(String target, ActorRef<RollbackAnswer> replyTo, String planHash) implements LevelCommand {
        public RollbackTo(String target, ActorRef<RollbackAnswer> replyTo) {
            this(target, replyTo, null);
        }
    }

    /** An operator's rollback of one job to one of its checkpoints ({@code ckpt-N}); the job then runs again from it. */
    record RollBackJob(String job, String checkpoint, ActorRef<JobRollbackAnswer> replyTo) implements LevelCommand {
    }

    /** The job actor's answer to a {@link RollBackJob}, journaled before it is passed on. */
    record JobRollbackDone(zed.actors.job.JobActor.RolledBack result, ActorRef<JobRollbackAnswer> replyTo) implements LevelCommand {
    }

    /**
     * A job's rollback: done (the checkpoint, its step, the snapshots destroyed with it), or why not: {@code why}
     * NO_SUCH_JOB, NOT_A_CHECKPOINT, or CONFLICT (it cannot be done now; {@code message} says why).
     */
    record JobRollbackAnswer(String why, String message, String snapshot, Long step, List<String> destroyed) implements JsonEvent {
    }

    /**
     * A secret the consumer {@code consumer} ({@code kind/name} of a service, {@code job/name} of a job) reads was
     * rotated: its process is started again, through the health gate; the answer comes when the gate decided.
     */
    record RestartConsumer(String consumer, String slot, ActorRef<ConsumerRestarted> replyTo) implements LevelCommand {
    }

    /** The service's or job's answer to a {@link RestartConsumer}, journaled before it is passed on. */
    record ConsumerRestartDone(ServiceActor.Restarted result, String slot, ActorRef<ConsumerRestarted> replyTo) implements LevelCommand {
    }

    /** What became of a {@link RestartConsumer}: {@code healthy}, or why not ({@code gone}: the level has no such consumer now). */
    record ConsumerRestarted(String resource, boolean healthy, boolean gone, String why) implements JsonEvent {
    }

    /** Runs the {@code sudo} hooks of the level's services on this host, through the privilege command. */
    record RunSudo(ActorRef<SudoRan> replyTo) implements LevelCommand {
    }

    /** What a converge of the desired revision would change on this host now; changes nothing. */
    record Plan(ActorRef<Planned> replyTo) implements LevelCommand {
    }

    /** The snapshots of the level's datasets on this host, newest first; changes nothing. */
    record ListSnapshots(ActorRef<SnapshotList> replyTo) implements LevelCommand {
    }

    /** @param json {@code {"snapshots": [...]}} as {@link LevelSnapshots} writes it; {@code error} when there is none to list */
    record SnapshotList(String json, String error) implements JsonEvent {
    }

    /** Keeps the level awake: a node's periodic wake sends it to every level it knows. */
    /**
     * A coordinated rollout's first round asks every instance for a snapshot of its datasets before any host changes
     * ({@link zed.actors.resource.LevelDatasets.SnapshotAll}); refused while the level is stopped or rolling back.
     */
    record SnapshotForRollout(long rollout, ActorRef<zed.actors.resource.LevelDatasets.Snapshotted> replyTo) implements LevelCommand {
    }

    record Wake() implements LevelCommand {
    }

    /**
     * Sharding's stop message: the entity is passivated (a level that never got a revision) or handed off. It comes
     * after what was sent to the entity before it, and sharding holds what comes later until the entity stopped.
     */
    record Passivate() implements LevelCommand {
    }

    // ---- the answers ---------------------------------------------------------------------------------------------

    sealed interface Pushed extends JsonEvent {
    }

    record Accepted(String level, long revision, String hash, boolean changed) implements Pushed {
    }

    /** Nothing was accepted, nor persisted. */
    record Refused(Why why, String message, List<Diagnostic> errors) implements Pushed {
        public enum Why { INVALID, NO_PARENT, PLAN_CHANGED }
    }

    /**
     * What GET answers: the journaled state, what the resources said last, and what the level waits for (null:
     * nothing), e.g. a parent that failed.
     */
    /** @param poolTrouble why the pool of its datasets does not answer, while it does not (null: it answers) */
    record Status(RevisionLog state, List<ServiceActor.Report> services, List<DatasetActor.Report> datasets,
                  List<JailActor.Report> jails, String waiting, String poolTrouble, Replication replication,
                  List<zed.actors.job.JobActor.Report> jobs) implements JsonEvent {
        public Status(RevisionLog state, List<ServiceActor.Report> services, List<DatasetActor.Report> datasets, List<JailActor.Report> jails,
                      String waiting, String poolTrouble, Replication replication) {
            this(state, services, datasets, jails, waiting, poolTrouble, replication, List.of());
        }

        public Status {
            jobs = jobs == null ? List.of() : List.copyOf(jobs); // a status from a node before jobs has none
        }

        public Status withReplication(Replication r) {
            return new Status(state, services, datasets, jails, waiting, poolTrouble, r, jobs);
        }
    }

    /**
     * Where the level's replication to its standby stands, as this node saw it since the level started here.
     *
     * @param snapshot the newest snapshot the standby holds whole (null: none since)
     * @param at       when it was sent (null: none since)
     * @param error    why the last round failed, null when it did not
     */
    record Replication(String standby, String snapshot, java.time.Instant at, String error, java.time.Instant failedAt) implements JsonEvent {
    }

    /** zed move: the level, stopped, sends its last increment to {@code to} and gives its datasets there the lead. */
    record MoveOut(String to, ActorRef<zed.actors.replica.ReplicaSender.Moved> replyTo) implements LevelCommand {
    }

    /** Which host this entity runs on now (a move waits until its shard has gone to the new one). */
    record WhereAreYou(ActorRef<Here> replyTo) implements LevelCommand {
    }

    record Here(String host) implements JsonEvent {
    }

    /** A round of replication to the standby ended: {@code error} null when every dataset is there at {@code snapshot}. */
    record Replicated(String standby, String snapshot, int datasets, java.time.Instant at, String error) implements LevelCommand {
    }

    /** A job's checkpoint was taken (NodeCheckpoints): journaled as {@link LevelEvent.JobCheckpointed}. */
    record JobCheckpointed(String job, long step, String snapshot, java.util.Map<String, Double> metrics) implements LevelCommand {
    }

    /** A failover brought the level here: journaled as {@link LevelEvent.FailedOver}, answered once it is. */
    record FailedOver(String from, String to, String snapshot, long lostWindowSeconds, boolean consistent, List<String> missing,
                      ActorRef<Done> replyTo) implements LevelCommand {
    }

    record Done() implements JsonEvent {
    }

    sealed interface RollbackAnswer extends JsonEvent {
    }

    /** The rollback {@code id} is journaled and under way. */
    record RollbackAccepted(String id, String target, long from) implements RollbackAnswer {
    }

    /** Nothing was done, and why. */
    record RollbackRefused(Why why, String message) implements RollbackAnswer {
        public enum Why { NO_SUCH_LEVEL, NO_SUCH_TARGET, CONFLICT, PLAN_CHANGED }
    }

    /** @param hooks one line per hook run, in order; {@code error} when they could not run at all */
    record SudoRan(List<HookRun> hooks, String error) implements JsonEvent {
    }

    record HookRun(String service, String hook, String outcome, String detail) implements JsonEvent {
    }

    /** @param json the plan as the planner writes it; {@code error} when the level has nothing to plan */
    record Planned(String json, String error) implements JsonEvent {
    }

    // ---- the level's own messages --------------------------------------------------------------------------------

    /** A push, evaluated against the desired revision {@code basedOn}: overtaken when that changed meanwhile. */
    record Evaluated(Push push, long basedOn, LevelEvaluator.Outcome outcome) implements LevelCommand {
    }

    /** A {@link PreviewPush}, evaluated: its plan is made against the level as it is when this comes. */
    record PushPreviewEvaluated(PreviewPush preview, LevelEvaluator.Outcome outcome) implements LevelCommand {
    }

    /** A {@link PreviewRollback}'s target, resolved on every dataset (or not: {@code error}). */
    record RollbackPreviewResolved(PreviewRollback preview, long from, LevelPlan.Resolved resolved, String error) implements LevelCommand {
    }

    /** From a level below: it reads this one's context and wants to hear when it changes. */
    record RegisterChild(String child) implements LevelCommand {
    }

    /** From the level above: its resolved context changed; evaluate the desired revision's Zedfile again. */
    record ParentChanged() implements LevelCommand {
    }

    record Resume() implements LevelCommand {
    }

    record FromService(ServiceActor.Report report) implements LevelCommand {
    }

    record FromDatasets(LevelDatasets.Report report) implements LevelCommand {
    }

    record FromDataset(DatasetActor.Report report) implements LevelCommand {
    }

    record FromJail(JailActor.Report report) implements LevelCommand {
    }

    record FromJob(zed.actors.job.JobActor.Report report) implements LevelCommand {
    }

    /** The parent's phase while this level waits for it to converge. */
    record ParentIs(String phase, String error, long rev, boolean snapshot) implements LevelCommand {
    }

    record AskParent(long rev, boolean snapshot) implements LevelCommand {
    }

    /** A service of the rollback {@code id} stopped; the rollback acts once all have. */
    record ServiceStopped(String id, ServiceActor.Stopped stopped) implements LevelCommand {
    }

    /** The operator's target, resolved on every dataset (or not: {@code error}). */
    record TargetResolved(RollbackTo request, long from, LevelPlan.Resolved resolved, String error) implements LevelCommand {
    }

    record RollbackDeadline(String id) implements LevelCommand {
    }
}
