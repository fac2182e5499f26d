package zed.actors.level;

import zed.actors.JsonEvent;

import java.time.Instant;
import java.util.Map;

/**
 * What a level journals: its revisions and what became of them. Each is also published on {@code /v1/events} (the
 * JSON of the record, see EventJson). Journals written before these records moved here (as nested classes of
 * LevelEntity) are read through {@link JournalMigration}.
 */
public sealed interface LevelEvent extends JsonEvent {
    record SpecAccepted(long revision, String hash, String source, String filename, String dir, String parent, String specJson,
                        Map<String, Integer> ports) implements LevelEvent {
    }

    record ConvergeStarted(long revision) implements LevelEvent {
    }

    /** An operator forced the services of the revision to restart; {@code generation} counts such restarts. */
    record RestartRequested(long revision, long generation) implements LevelEvent {
    }

    record SnapshotTaken(long revision, String snapshot) implements LevelEvent {
    }

    record Converged(long revision) implements LevelEvent {
    }

    /**
     * @param resource what failed, as the status names it ({@code dataset.apps/web}, {@code service.exec.web}); null in
     *                 journals written before failures were typed
     * @param cause    why, typed: the store's kind of error ({@code NO_SPACE}, {@code BUSY}, ...) for a dataset,
     *                 {@code HEALTH_GATE} for a service
     */
    record ConvergeFailed(long revision, String why, String resource, String cause) implements LevelEvent {
    }

    /**
     * A rollback was asked for and is about to act: journaled before any service stops, so that a node killed in the
     * middle finishes it after its restart.
     *
     * @param rollback  the rollback's id: status and the events that end it name it
     * @param target    {@code @latest}, {@code @rev:N} or a snapshot name, as the datasets resolve it
     * @param to        the revision the level converges after it: for an automatic revert the stable one; for an
     *                  operator's rollback 0, the revision the datasets carry then
     * @param automatic an auto_revert after a failed revision (true) or an operator's (false)
     * @param deadline  past it, the rollback is given up and the level is Failed
     */
    record RollbackStarted(String rollback, String target, long from, long to, boolean automatic, Instant deadline) implements LevelEvent {
    }

    /**
     * The datasets are back at {@code to}'s state; the level converges {@code to} now. {@code rollback} names
     * the rollback (null in journals written before rollbacks had ids).
     */
    record RolledBack(long from, long to, String rollback) implements LevelEvent {
    }

    /** The rollback did not finish: the level is Failed, its datasets as {@code why} says. */
    record RollbackFailed(String rollback, String why) implements LevelEvent {
    }

    record DriftCorrected(long revision, String resource, String what) implements LevelEvent {
    }

    record LevelStopped(long revision) implements LevelEvent {
    }

    /** The pool of the level's datasets stopped answering ({@code why}: what zfs said); nothing is planned until it is back. */
    record PoolUnavailable(long revision, String pool, String why) implements LevelEvent {
    }

    /** Every dataset of the level is on the standby at {@code snapshot} (failover { standby }). */
    record Replicated(long revision, String standby, String snapshot, int datasets) implements LevelEvent {
    }

    /** A round of replication to the standby failed; the standby keeps what it had, and the next round tries again. */
    record ReplicationFailed(long revision, String standby, String why) implements LevelEvent {
    }

    /**
     * {@code zed failover}: the level's host {@code from} was lost and the level runs on {@code to} from the replicas
     * there, at {@code snapshot}; what was written on {@code from} after that (up to {@code lostWindowSeconds} before the
     * failover) may be lost. {@code consistent} is false when its datasets came back at different rounds.
     */
    record FailedOver(long revision, String from, String to, String snapshot, long lostWindowSeconds, boolean consistent,
                      java.util.List<String> missing) implements LevelEvent {
    }

    /** The pool answers again; its datasets are kept as declared again. */
    record PoolAvailable(long revision, String pool) implements LevelEvent {
    }

    /**
     * A job's process started on this host: its GPUs (UUIDs), and the checkpoint step it resumed from (null: from the
     * start).
     */
    record JobStarted(long revision, String job, String host, java.util.List<String> gpus, Long resumedAt) implements LevelEvent {
    }

    /** A job failed ({@code after}: how its process ended) and was started again, from checkpoint {@code resumedAt} (null: the start). */
    record JobRestarted(long revision, String job, int restart, String after, Long resumedAt) implements LevelEvent {
    }

    /**
     * A GPU the job ran on went away ({@code why}: it is gone, or its driver changed): its process was stopped and it is
     * placed again on the GPUs there are now, resumed from its checkpoint; not a failure of the job, and no restart of
     * its budget. {@code gpus}: those it held.
     */
    record JobPreempted(long revision, String job, java.util.List<String> gpus, String why) implements LevelEvent {
    }

    /**
     * A job's process was stopped because its model's weights are about to be replaced ({@code why}: "model llama
     * changed: version 2 → 3"), before the copy begins; it resumes from its newest checkpoint on the new weights
     * (JobRestarted, after the copy's ModelCopied). Not a failure of the job.
     */
    record JobStopped(long revision, String job, String why) implements LevelEvent {
    }

    /** A job's process exited 0: it is never run again at this spec. */
    record JobSucceeded(long revision, String job) implements LevelEvent {
    }

    /**
     * An operator rolled a job back to its checkpoint {@code snapshot} (step {@code step}); the snapshots newer than it
     * were destroyed with it ({@code destroyed}), and the job runs again from it.
     */
    record JobRolledBack(long revision, String job, String snapshot, long step, java.util.List<String> destroyed) implements LevelEvent {
    }

    /** A job failed past its restart budget ({@code why}): it is not run again at this spec. */
    record JobFailed(long revision, String job, String why) implements LevelEvent {
    }

    /**
     * A job of the level posted a checkpoint and it was taken: {@code snapshot} ({@code <dataset>@ckpt-N}) exists with
     * {@code com.zed:ckpt.step} and one {@code com.zed:metric.<name>} per metric (docs/gpu.md).
     */
    record JobCheckpointed(long revision, String job, long step, String snapshot, Map<String, Double> metrics) implements LevelEvent {
    }

    /**
     * A model's {@code source { path }} was copied into its dataset as {@code version} (docs/gpu.md), before any job
     * of the revision started; {@code snapshot} ({@code <dataset>@model-N}) keeps what it held before, null when it
     * held nothing worth keeping. Not journaled when the dataset held that content already.
     */
    record ModelCopied(long revision, String model, String dataset, long version, String snapshot, String why) implements LevelEvent {
    }

    /**
     * The secret {@code slot} was rotated ({@code zed secrets rotate}) and its consumer {@code resource}
     * ({@code service.exec.web}, {@code job.train}) was started again to read it: {@code healthy} once its new
     * process passed its health gate (a job: runs), else {@code why} not. Never the value, nor its fingerprint.
     */
    record SecretConsumerRestarted(long revision, String resource, String slot, boolean healthy, String why) implements LevelEvent {
    }
}
