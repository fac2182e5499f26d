package zed.reconciler.replica;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;

/**
 * The pool side of replication to a standby: snapshots with their guids, a send as a byte stream on the primary, a
 * receive from a byte stream on the standby. How the bytes travel between the two hosts is not its business.
 */
public interface Replicas {
    /** On a replica: the host its source runs on. A dataset without it is never received into. */
    String REPLICA_OF = "com.zed:replica-of";
    /** The snapshots replication takes itself, between deploys, named {@code zed-replica-<UTC time>}. */
    String PREFIX = "zed-replica-";
    /**
     * Stamps that say a process runs on this host ({@link zed.reconciler.store.ZfsStore#SCHEMA}): a replica's came
     * from the primary and say nothing about the standby, so they are removed after each receive. A job's too: its
     * {@code com.zed:job.state} stays, so that the job resumes from its checkpoint where its level moves or fails over,
     * and no node takes the primary's pid (the same number may be another process there) for its own process.
     */
    List<String> RUNNING_STAMPS = List.of("com.zed:pid", "com.zed:started_at", "com.zed:node_name", "com.zed:launch",
            zed.reconciler.job.JobSupervisor.PID, zed.reconciler.job.JobSupervisor.STARTED_AT, zed.reconciler.job.JobSupervisor.LAUNCH);

    /** The dataset's snapshots with their guids, oldest first. */
    List<ReplicaPlan.Snap> snapshots(String dataset);

    /** What the standby holds at {@code dataset}. */
    ReplicaPlan.Target target(String dataset);

    /** Takes one snapshot of each dataset, one name for all; returns the name. */
    String snapshot(List<String> datasets, Instant at);

    /** Destroys replication's own snapshots of the dataset older than {@code keep}: the next increment starts at keep. */
    void prune(String dataset, String keep);

    /** Starts the send that {@code step} (a {@link ReplicaPlan.Full}, {@link ReplicaPlan.Again} or {@link ReplicaPlan.Incremental}) needs. */
    Sending send(String dataset, ReplicaPlan.Step step);

    /**
     * Receives a stream that {@link #send} made for {@code step} into {@code target}, and marks it a replica of
     * {@code origin}. Blocks until the stream ends.
     */
    void receive(String target, ReplicaPlan.Step step, InputStream stream, String origin);

    /**
     * Receives a model's snapshot from {@code origin} into {@code target} ({@link zed.reconciler.model.ModelReceive#received}),
     * never marked a replica: no failover takes it over. {@code step} is what the source sent ({@code stream}), or
     * {@link ReplicaPlan.UpToDate} (no stream) when the target holds the snapshot already: it is then brought back to
     * it. After it, the target holds the snapshot's files, none of the source's {@code com.zed:*} properties, and is
     * read-only. Blocks until the stream ends.
     */
    void receiveModel(String target, ReplicaPlan.Step step, InputStream stream, String origin);

    /** The replica becomes the level's own dataset (a move landed here): it is no replica any more. */
    void promote(String dataset);

    /**
     * The datasets under {@code root} that are replicas of {@code level}'s datasets on host {@code origin}, parents
     * first; with {@code origin} null, the level's datasets there that are no replica.
     */
    List<String> replicasOf(String root, String level, String origin);

    /**
     * What a failover from {@code origin} takes over under {@code root}: the replicas of {@code level}'s datasets on
     * {@code origin}, and the level's datasets there that are no replica any more (a failover before this one took
     * them over and then failed, on another of them or after), parents first. In one read.
     */
    List<String> toTakeOver(String root, String level, String origin);

    /**
     * A failover: the replica goes back to {@code snapshot} (what was received after it, an unfinished round, is
     * destroyed with it) and becomes the level's own dataset.
     */
    void takeOver(String dataset, String snapshot);

    /** The level's own dataset becomes a replica of {@code of} (the level moved there): the next increments land here. */
    void demote(String dataset, String of);

    /** A running {@code zfs send}. */
    interface Sending extends AutoCloseable {
        InputStream stream();

        /** Waits for the send to exit; throws with its stderr when it failed. */
        void finish();

        /** Stops it (the other side went away). */
        @Override
        void close();
    }
}
