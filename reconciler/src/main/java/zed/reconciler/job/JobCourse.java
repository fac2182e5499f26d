package zed.reconciler.job;

import java.util.List;
import java.util.Map;

/**
 * The decisions of a job's supervision, free of I/O: what an exit means, what the stamps on its dataset say at a
 * node's start, and where the next start begins.
 */
public final class JobCourse {
    private JobCourse() {
    }

    /** Where a start begins. */
    public sealed interface Start {
    }

    /** From the dataset as it is, without ZED_RESUME_STEP: the first start of a job (of this spec). */
    public record Fresh() implements Start {
    }

    /** From a checkpoint: the dataset rolled back to {@code snapshot} (ckpt-N), ZED_RESUME_STEP=N. */
    public record Resume(String snapshot, long step) implements Start {
    }

    /** What the stamps of a job's dataset say of its spec, when a node begins to supervise it. */
    public enum Recorded {
        /** Never started at this spec (no stamps, or another spec's): a fresh start. */
        NEW,
        /** Started and never ended (its node went away meanwhile): resumed, as after a failure. */
        INTERRUPTED,
        /** Exited 0: never run again at this spec, not after a node's restart either. */
        SUCCEEDED,
        /** Failed past its restart budget: not run again at this spec. */
        FAILED
    }

    /**
     * @param state    {@code com.zed:job.state} as stamped (null: none)
     * @param stamped  {@code com.zed:job.spec-hash} as stamped (null: none)
     * @param specHash the spec that runs now: a changed spec is a new run, whatever became of the last one
     */
    public static Recorded recorded(String state, String stamped, String specHash) {
        if (state == null || !specHash.equals(stamped)) return Recorded.NEW;
        return switch (state) {
            case "succeeded" -> Recorded.SUCCEEDED;
            case "failed" -> Recorded.FAILED;
            default -> Recorded.INTERRUPTED;
        };
    }

    /** Exit 0 is success; any other code, a signal (128 + its number) or an unknown exit is a failure. */
    public static boolean succeeded(Integer exitCode) {
        return exitCode != null && exitCode == 0;
    }

    /** How an exit reads in status and events. */
    public static String describe(Integer exitCode) {
        if (exitCode == null) return "exited (its exit code is not known)";
        return exitCode > 128 ? "killed by signal " + (exitCode - 128) : "exited with code " + exitCode;
    }

    /**
     * After a failure (or an interrupted run) a job resumes from its latest checkpoint, or starts from the start when it
     * has none; a first start never rolls back: what is in its dataset is its input.
     *
     * @param snapshots each snapshot of the job's dataset and its {@code com.zed:ckpt.step} (null where none)
     */
    public static Start start(boolean afterFailure, Map<String, String> snapshots) {
        if (!afterFailure) return new Fresh();
        List<Checkpoints.Kept> all = Checkpoints.of(snapshots);
        if (all.isEmpty()) return new Fresh();
        Checkpoints.Kept last = all.get(all.size() - 1);
        return new Resume(last.snapshot(), last.step());
    }
}
