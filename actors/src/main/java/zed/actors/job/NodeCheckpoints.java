package zed.actors.job;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import zed.reconciler.job.Checkpoint;
import zed.reconciler.job.CheckpointPost;
import zed.reconciler.job.Checkpoints;
import zed.reconciler.store.Names;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The node's checkpoint endpoint: the runs whose URLs are open, and what a POST to one does. A checkpoint is the
 * snapshot {@code <dataset>@ckpt-N} taken with its properties in one {@code zfs snapshot -o ...} (so that it never
 * exists without them), then the oldest beyond {@code keep} destroyed. The POSTs of one job are taken one after the
 * other, each after the last has finished, so that the second of two at once sees the first's step.
 *
 * <p>A token is known by its hash only ({@link CheckpointToken#key}); it is in no log line, event or answer.
 */
public final class NodeCheckpoints {
    private static final Logger log = LoggerFactory.getLogger(NodeCheckpoints.class);
    /** How long a run's URL waits for the API to be bound (a node with an ephemeral port, at its start). */
    static final Duration BIND_WAIT = Duration.ofSeconds(60);

    /** What a POST came to; the route maps it to a status. */
    public sealed interface Answer {
        /** 201: the snapshot exists with its properties. */
        record Checkpointed(String snapshot, long step) implements Answer {
        }

        /** 400: the body, or its step, as {@link CheckpointPost} says. */
        record Refused(String why) implements Answer {
        }

        /** 404: no open run has this token (never had, or its process has exited); says nothing more. */
        record Unknown() implements Answer {
        }

        /** 409: a snapshot of that name exists and is not a checkpoint (an operator's): it is left alone. */
        record Clash(String why) implements Answer {
        }

        /** 503: the store failed; nothing was taken, or what was is destroyed again. The job may try again. */
        record Failed(String why) implements Answer {
        }
    }

    /** What the level is told of a checkpoint, to journal it ({@code JobCheckpointed}). */
    public interface Journal {
        void checkpointed(String level, String job, long step, String snapshot, Map<String, Double> metrics);
    }

    private final Executor zfs;
    private final Journal journal;
    private final zed.actors.telemetry.ZedMetrics metrics;
    private final CompletableFuture<String> api = new CompletableFuture<>();
    /** {@link CheckpointToken#key} → its run. */
    private final Map<String, OpenRun> runs = new ConcurrentHashMap<>();
    /** Each job's last POST: the next one is taken once it has finished. */
    private final Map<CheckpointEndpoint.JobKey, CompletableFuture<Answer>> queues = new ConcurrentHashMap<>();

    /** @param zfs where the snapshots are taken: the node's blocking ZFS executor, never an actor's thread */
    public NodeCheckpoints(Executor zfs, Journal journal, zed.actors.telemetry.ZedMetrics metrics) {
        this.zfs = zfs;
        this.journal = journal;
        this.metrics = metrics;
    }

    private record OpenRun(CheckpointEndpoint.JobKey job, Store store, String dataset, int keep, Consumer<CheckpointEndpoint.Taken> taken,
                           AtomicBoolean open) {
    }

    /** The API listens at {@code host:port} now: the runs' URLs name it. */
    public void bound(String host, int port) {
        api.complete(host + "\n" + port);
    }

    /** The endpoint for the jobs of levels whose datasets live in {@code store}. */
    public CheckpointEndpoint in(Store store) {
        return (job, dataset, keep, taken) -> open(job, store, dataset, keep, taken);
    }

    /** How many runs have an open URL (for tests and status). */
    public int open() {
        return runs.size();
    }

    CheckpointEndpoint.Run open(CheckpointEndpoint.JobKey job, Store store, String dataset, int keep, Consumer<CheckpointEndpoint.Taken> taken) {
        Names.dataset(dataset);
        if (keep < 1) throw new IllegalArgumentException("keep is at least 1, so that a job has a checkpoint to resume from");
        String token = CheckpointToken.generate();
        String key = CheckpointToken.key(token);
        OpenRun run = new OpenRun(job, store, dataset, keep, taken, new AtomicBoolean(true));
        runs.put(key, run);
        return new Run(token, key, run);
    }

    /** One run's URL; its token lives here and in the job's environment only (no toString shows it). */
    private final class Run implements CheckpointEndpoint.Run {
        private final String token;
        private final String key;
        private final OpenRun run;

        Run(String token, String key, OpenRun run) {
            this.token = token;
            this.key = key;
            this.run = run;
        }

        @Override
        public String url() {
            String[] hostPort;
            try {
                hostPort = api.get(BIND_WAIT.toSeconds(), TimeUnit.SECONDS).split("\n");
            } catch (Exception e) {
                throw new IllegalStateException("the node's API is not listening yet, so a job has no checkpoint URL: " + e, e);
            }
            return CheckpointToken.url(hostPort[0], Integer.parseInt(hostPort[1]), token);
        }

        @Override
        public void close() {
            run.open().set(false);
            runs.remove(key, run);
        }
    }

    /**
     * A POST to the URL with {@code token}: answered once the checkpoint is taken (or why not). Never fails: a store
     * that fails is {@link Answer.Failed}.
     */
    public CompletableFuture<Answer> post(String token, String body) {
        OpenRun run = CheckpointToken.wellFormed(token) ? runs.get(CheckpointToken.key(token)) : null;
        if (run == null) return CompletableFuture.completedFuture(new Answer.Unknown());
        CompletableFuture<Answer>[] mine = new CompletableFuture[1];
        queues.compute(run.job(), (k, last) -> {
            CompletableFuture<?> before = last == null ? CompletableFuture.completedFuture(null) : last;
            mine[0] = before.handle((a, e) -> null).thenApplyAsync(x -> take(run, body), zfs).exceptionally(NodeCheckpoints::failed);
            return mine[0];
        });
        CompletableFuture<Answer> answer = mine[0];
        answer.whenComplete((a, e) -> queues.remove(run.job(), answer));
        return answer;
    }

    private static Answer failed(Throwable e) {
        Throwable t = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return new Answer.Failed("the checkpoint was not taken: " + t.getMessage() + "; try again");
    }

    /** Takes one checkpoint, on the ZFS executor; one job's are never taken at once. */
    private Answer take(OpenRun run, String body) {
        if (!run.open().get()) return new Answer.Unknown();
        String level = run.job().level();
        String dataset = run.dataset();
        Map<String, String> steps;
        try {
            steps = steps(run.store().snapshots(dataset));
        } catch (StoreError e) {
            metrics.checkpoint(level, "failed");
            return new Answer.Failed("cannot read the snapshots of " + dataset + ": " + e.getMessage() + "; try again");
        }
        CheckpointPost post = CheckpointPost.read(body, Checkpoints.last(steps));
        if (post instanceof CheckpointPost.Rejected r) {
            metrics.checkpoint(level, "refused");
            return new Answer.Refused(r.why());
        }
        Checkpoint c = ((CheckpointPost.Accepted) post).checkpoint();
        String full = dataset + "@" + c.snapshot();
        if (steps.containsKey(c.snapshot())) {
            metrics.checkpoint(level, "refused");
            return new Answer.Clash(full + " exists and is not a checkpoint (its " + Checkpoint.STEP + " is not " + c.step()
                    + "): it is left alone; checkpoint a later step, or rename or destroy that snapshot");
        }
        try {
            // one call: the snapshot and its properties exist together or not at all
            run.store().snapshot(List.of(dataset), c.snapshot(), Map.of(dataset, c.properties()));
        } catch (StoreError e) {
            metrics.checkpoint(level, "failed");
            log.warn("job {} of level {}: checkpoint {} failed: {}", run.job().job(), level, full, e.getMessage());
            return new Answer.Failed("cannot snapshot " + full + ": " + e.getMessage() + "; try again");
        }
        steps.put(c.snapshot(), String.valueOf(c.step()));
        for (String old : Checkpoints.beyond(steps, run.keep())) {
            try {
                run.store().destroySnapshot(dataset, old);
            } catch (StoreError e) {
                // the checkpoint is taken; the next one prunes again
                log.warn("job {} of level {}: could not destroy the old checkpoint {}@{}: {}", run.job().job(), level, dataset, old, e.getMessage());
            }
        }
        Map<String, Double> numbers = new LinkedHashMap<>();
        c.metrics().forEach((k, v) -> numbers.put(k, Double.parseDouble(v)));
        metrics.checkpoint(level, "taken");
        journal.checkpointed(level, run.job().job(), c.step(), full, numbers);
        try {
            run.taken().accept(new CheckpointEndpoint.Taken(full, c.step(), numbers));
        } catch (RuntimeException e) {
            log.warn("job {} of level {}: told of checkpoint {}, it failed: {}", run.job().job(), level, full, e.toString());
        }
        return new Answer.Checkpointed(full, c.step());
    }

    /** Each snapshot's name and its {@code com.zed:ckpt.step} (null where it has none), as {@link Checkpoints} reads them. */
    static Map<String, String> steps(List<Snapshot> snapshots) {
        Map<String, String> out = new HashMap<>();
        for (Snapshot s : snapshots) out.put(s.name(), s.zedState().get(Checkpoint.STEP));
        return out;
    }
}
