package zed.reconciler.job;

import zed.config.LevelSpec;
import zed.reconciler.gpu.GpuPlacement;
import zed.reconciler.gpu.HostGpus;
import zed.reconciler.gpu.Placement;

import java.util.List;

/**
 * Whether {@code zed job move JOB --to HOST} may go ahead, decided before anything stops. A job runs on its level's
 * host, so the level is what moves (a planned move, {@code zed move}); the job resumes there from the newest
 * checkpoint that replication carried. Pure: the level as declared, where its replica is, the target's GPUs.
 */
public final class JobMove {
    private JobMove() {
    }

    public sealed interface Decision {
    }

    /** @param noSuchJob the level has no such job (a 404); otherwise it cannot move now (a 409) */
    public record Refused(String message, boolean noSuchJob) implements Decision {
    }

    /** It moves, and with it the level and every job of it ({@code jobs}, this one first). */
    public record Moves(List<String> jobs) implements Decision {
    }

    /**
     * @param host    the level's host now
     * @param replica the newest replication round its standby holds whole (null: none yet)
     * @param target  the target's GPUs as its node tells them (null: it did not answer)
     */
    public static Decision decide(LevelSpec level, String job, String host, String to, String replica, HostGpus target) {
        LevelSpec.JobSpec spec = level.jobs().stream().filter(j -> j.name().equals(job)).findFirst().orElse(null);
        String id = level.id();
        if (spec == null) {
            return new Refused("level " + id + " has no job " + job + "; " + (level.jobs().isEmpty() ? "it has no jobs"
                    : "its jobs are " + String.join(", ", level.jobs().stream().map(LevelSpec.JobSpec::name).toList())), true);
        }
        if (to.equals(host)) return new Refused("job " + job + " runs on " + to + " already", false);
        List<String> others = new java.util.ArrayList<>();
        level.services().forEach(s -> others.add("service " + s.kind() + " " + s.name()));
        level.jails().forEach(j -> others.add("jail " + j.name()));
        if (!others.isEmpty()) {
            return new Refused("level " + id + " holds more than jobs (" + String.join(", ", others) + "): a job moves with its level, and zed job move "
                    + "moves only a level of jobs, models and their datasets; to move all of it, zed move " + id + " --to " + to, false);
        }
        LevelSpec.FailoverPolicy f = level.failover();
        if (f == null || !to.equals(f.standby())) {
            // a move without a standby there is one full send of the last snapshot: the ckpt-N snapshots stay behind
            return new Refused("level " + id + " " + (f == null ? "has no standby" : "has its standby on " + f.standby()) + ", not on " + to
                    + ": a job's checkpoints reach another host by replication to its standby; add failover { standby = \"" + to
                    + "\" } to level " + id + ", zed up, and move it once zed status shows its replica on " + to, false);
        }
        if (replica == null) {
            return new Refused(to + " holds no replica of level " + id + " yet: move it once zed status shows its replica on " + to, false);
        }
        LevelSpec.Requires need = level.models().stream().filter(m -> m.name().equals(spec.model())).findFirst()
                .map(LevelSpec.ModelSpec::requires).orElse(LevelSpec.Requires.DEFAULT);
        if (target == null) return new Refused(to + " did not say what GPUs it has: nothing was moved; ask again", false);
        // as a push is refused: it fits on none of the host's GPUs even with every one free (busy ones: it waits there)
        Placement p = GpuPlacement.place(need, List.of(target), List.of());
        if (p instanceof Placement.Refused r) return new Refused("job " + job + " (model " + spec.model() + ") cannot run on " + to + ": " + r.message(), false);
        List<String> jobs = new java.util.ArrayList<>(List.of(job));
        level.jobs().stream().map(LevelSpec.JobSpec::name).filter(n -> !n.equals(job)).forEach(jobs::add);
        return new Moves(List.copyOf(jobs));
    }
}
