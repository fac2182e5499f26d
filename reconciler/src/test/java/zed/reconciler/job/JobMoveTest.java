package zed.reconciler.job;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.HostGpus;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code zed job move}'s decision, before anything stops: every refusal, and what moves with the job. */
class JobMoveTest {
    static final Pos AT = new Pos("Zedfile", 1, 1);
    static final HostGpus H2_A10 = new HostGpus("h2", List.of(new HostGpus.Device(
            new Gpu(0, "nvidia", "NVIDIA A10", 24_576, "550", "GPU-aaaa", Gpu.Source.NVIDIA_SMI), null, 0)));

    static LevelSpec.JobSpec job(String name) {
        return new LevelSpec.JobSpec(name, "llama", "runs/" + name, Map.of(), new LevelSpec.Runtime(List.of("./train"), List.of()), null, 5,
                LevelSpec.RestartPolicy.DEFAULT, AT);
    }

    static LevelSpec level(List<LevelSpec.ServiceSpec> services, LevelSpec.FailoverPolicy failover, long vramMb, LevelSpec.JobSpec... jobs) {
        return new LevelSpec("gpu", "gpu", null, "Zedfile", "/", "h1", "tank/zed", List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(), List.of(), services,
                List.of(new LevelSpec.ModelSpec("llama", "models/llama", new LevelSpec.Requires(vramMb, 1), null, AT)), List.of(jobs), "0", AT, failover);
    }

    static final LevelSpec.FailoverPolicy STANDBY_H2 = new LevelSpec.FailoverPolicy("h2", Duration.ofSeconds(30), false, AT);

    static String refused(JobMove.Decision d) {
        assertTrue(d instanceof JobMove.Refused, "not refused: " + d);
        return ((JobMove.Refused) d).message();
    }

    @Test
    void aJobOfALevelOfJobsMovesToItsStandbyWhereItsModelFitsAndItsLevelsOtherJobsGoWithIt() {
        JobMove.Decision d = JobMove.decide(level(List.of(), STANDBY_H2, 16_384, job("a"), job("b")), "b", "h1", "h2", "zed-replica-1", H2_A10);
        assertEquals(new JobMove.Moves(List.of("b", "a")), d);
    }

    @Test
    void anUnknownJobIsANotFoundThatListsTheLevelsJobs() {
        JobMove.Decision d = JobMove.decide(level(List.of(), STANDBY_H2, 16_384, job("a")), "nope", "h1", "h2", "zed-replica-1", H2_A10);
        assertEquals(new JobMove.Refused("level gpu has no job nope; its jobs are a", true), d);
    }

    @Test
    void aLevelWithServicesIsNotMovedByItsJobAndTheRefusalSaysZedMove() {
        LevelSpec.ServiceSpec web = new LevelSpec.ServiceSpec("exec", "web", null, null, null, Map.of(), Map.of(), List.of(), LevelSpec.Runtime.NONE,
                LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null, null, null, "/srv", AT);
        String why = refused(JobMove.decide(level(List.of(web), STANDBY_H2, 16_384, job("a")), "a", "h1", "h2", "zed-replica-1", H2_A10));
        assertEquals("level gpu holds more than jobs (service exec web): a job moves with its level, and zed job move moves only a level of jobs, "
                + "models and their datasets; to move all of it, zed move gpu --to h2", why);
    }

    @Test
    void withoutAStandbyOnTheTargetTheCheckpointsCouldNotTravelSoItIsRefusedWithTheBlockToAdd() {
        String none = refused(JobMove.decide(level(List.of(), null, 16_384, job("a")), "a", "h1", "h2", null, H2_A10));
        assertEquals("level gpu has no standby, not on h2: a job's checkpoints reach another host by replication to its standby; add failover "
                + "{ standby = \"h2\" } to level gpu, zed up, and move it once zed status shows its replica on h2", none);
        LevelSpec.FailoverPolicy h3 = new LevelSpec.FailoverPolicy("h3", Duration.ofSeconds(30), false, AT);
        assertTrue(refused(JobMove.decide(level(List.of(), h3, 16_384, job("a")), "a", "h1", "h2", null, H2_A10))
                .startsWith("level gpu has its standby on h3, not on h2: "));
        assertEquals("h2 holds no replica of level gpu yet: move it once zed status shows its replica on h2",
                refused(JobMove.decide(level(List.of(), STANDBY_H2, 16_384, job("a")), "a", "h1", "h2", null, H2_A10)));
    }

    @Test
    void aModelThatFitsNoGpuOfTheTargetIsRefusedWithTheTargetsTable() {
        String why = refused(JobMove.decide(level(List.of(), STANDBY_H2, 48_000, job("a")), "a", "h1", "h2", "zed-replica-1", H2_A10));
        assertTrue(why.startsWith("job a (model llama) cannot run on h2: fits on no host: no host has a GPU with 48000 MiB free; free VRAM per GPU:\n"), why);
        assertTrue(why.matches("(?s).*h2 +0 +NVIDIA A10 +24576 MiB +24576 MiB.*"), why);
        String noGpus = refused(JobMove.decide(level(List.of(), STANDBY_H2, 1, job("a")), "a", "h1", "h2", "zed-replica-1", new HostGpus("h2", List.of())));
        assertTrue(noGpus.contains("(no GPUs)"), noGpus);
        assertEquals("h2 did not say what GPUs it has: nothing was moved; ask again",
                refused(JobMove.decide(level(List.of(), STANDBY_H2, 1, job("a")), "a", "h1", "h2", "zed-replica-1", null)));
    }

    @Test
    void aJobOnTheTargetAlreadyIsNotMoved() {
        assertEquals("job a runs on h2 already", refused(JobMove.decide(level(List.of(), STANDBY_H2, 1, job("a")), "a", "h2", "h2", "x", H2_A10)));
    }
}
