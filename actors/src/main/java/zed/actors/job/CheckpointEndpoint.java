package zed.actors.job;

import java.util.Map;
import java.util.function.Consumer;

/**
 * The node's checkpoint endpoint as one run of a job sees it: a URL with a token of its own, which the job's process
 * POSTs {@code {"step": N, "metrics": {...}}} to once it has flushed its state into its dataset. The URL is valid while
 * the run lasts, so a process left over from an earlier run cannot checkpoint into a dataset that has moved on.
 */
public interface CheckpointEndpoint {
    /**
     * Opens a URL for one run of a job. Each checkpoint posted there is snapshotted as {@code dataset@ckpt-N} with its
     * properties, the newest {@code keep} are kept, {@code JobCheckpointed} is published, and {@code taken} is told.
     */
    Run open(JobKey job, String dataset, int keep, Consumer<Taken> taken);

    /** One run's URL: {@link #close()} once its process has exited; the URL then answers 404. */
    interface Run extends AutoCloseable {
        /** What the job gets as {@code ZED_CHECKPOINT_URL}; it holds the token, so it is never logged. */
        String url();

        @Override
        void close();
    }

    /** A job of a level. */
    record JobKey(String level, String job) {
    }

    /** A checkpoint taken: its snapshot ({@code dataset@ckpt-N}), its step and its metrics. */
    record Taken(String snapshot, long step, Map<String, Double> metrics) {
    }
}
