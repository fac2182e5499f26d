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

    /** What an operator's rollback of a job to one of its checkpoints does, or why it cannot. */
    public sealed interface Rollback {
    }

    /** Back to {@code target}; {@code destroyed}: the snapshots newer than it, which go with it ({@code zfs rollback -r}). */
    public record Back(Checkpoints.Kept target, List<String> destroyed) implements Rollback {
    }

    public record NotACheckpoint(String why) implements Rollback {
    }

    /**
     * A rollback to the checkpoint named {@code name} ({@code ckpt-N}): only one of the job's own checkpoints, never an
     * operator's snapshot that merely has such a name; the refusal lists the checkpoints there are.
     *
     * @param snapshots each snapshot of the job's dataset, oldest first, and its {@code com.zed:ckpt.step} (null where none)
     */
    public static Rollback rollback(String name, Map<String, String> snapshots) {
        List<Checkpoints.Kept> all = Checkpoints.of(snapshots);
        Checkpoints.Kept target = all.stream().filter(k -> k.snapshot().equals(name)).findFirst().orElse(null);
        if (target == null) {
            return new NotACheckpoint(name + " is not a checkpoint of the job; " + (all.isEmpty() ? "it has none yet"
                    : "its checkpoints are " + String.join(", ", all.stream().map(Checkpoints.Kept::snapshot).toList())));
        }
        List<String> newer = new java.util.ArrayList<>(snapshots.keySet());
        return new Back(target, List.copyOf(newer.subList(newer.indexOf(name) + 1, newer.size())));
    }
}
