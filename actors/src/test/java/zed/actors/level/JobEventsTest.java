package zed.actors.level;

import org.junit.jupiter.api.Test;
import zed.actors.job.JobActor;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A job taken off a lost GPU, as the level journals it: JobPreempted when its process is stopped, JobRestarted when it starts again. */
class JobEventsTest {
    static final String A = "GPU-aaaaaaaa-0000-0000-0000-000000000001";
    static final String B = "GPU-bbbbbbbb-0000-0000-0000-000000000002";

    static JobActor.Report report(String state, String why, List<String> gpus, long pid, int started, int restarts, String lastExit, Long resumedAt,
                                  int preemptions, String preempted) {
        return new JobActor.Report("train", 1, state, why, "h1", gpus, pid, started, restarts, lastExit, resumedAt, 2L, Map.of(), 2, false,
                preemptions, preempted, null, 0, null, List.of());
    }

    @Test
    void aJobStoppedOffALostGpuIsPreemptedThenRestartedFromItsCheckpointElsewhere() {
        JobActor.Report onA = report("Running", null, List.of(A), 100, 1, 0, null, null, 0, null);
        String why = A + " (NVIDIA A10) is gone";
        JobActor.Report stopped = report("Stopped", null, List.of(), 0, 1, 0, "stopped: " + why, null, 1, why);
        assertEquals(List.of(new LevelEvent.JobPreempted(1, "train", List.of(A), why)), JobEvents.between(onA, stopped));

        JobActor.Report onB = report("Running", null, List.of(B), 101, 2, 1, "stopped: " + why, 2L, 1, why);
        assertEquals(List.of(new LevelEvent.JobRestarted(1, "train", 1, "stopped: " + why, 2L)), JobEvents.between(stopped, onB));

        // stopped and placed again between two reports: both, the preemption first
        assertEquals(List.of(new LevelEvent.JobPreempted(1, "train", List.of(A), why), new LevelEvent.JobRestarted(1, "train", 1, "stopped: " + why, 2L)),
                JobEvents.between(onA, onB));
        // waiting: no further event until it starts
        JobActor.Report waiting = report("Pending", "waiting for a GPU: " + why + "; fits on no host", List.of(), 0, 1, 0, "stopped: " + why, null, 1, why);
        assertEquals(List.of(), JobEvents.between(stopped, waiting));
    }

    @Test
    void aJobStoppedForItsModelsNewWeightsIsStoppedThenRestartedFromItsCheckpointSayingWhy() {
        String why = "model llama changed: version 2 → 3";
        JobActor.Report running = new JobActor.Report("train", 1, "Running", null, "h1", List.of(A), 100, 1, 0, null, null, 2L, Map.of(), 2, false,
                0, null, "llama v2", 0, null, List.of());
        JobActor.Report stopped = new JobActor.Report("train", 1, "Pending", "stopped: " + why, "h1", List.of(), 0, 1, 0, "stopped: " + why, null, 2L,
                Map.of(), 2, false, 0, null, null, 1, why, List.of());
        assertEquals(List.of(new LevelEvent.JobStopped(1, "train", why)), JobEvents.between(running, stopped));
        JobActor.Report again = new JobActor.Report("train", 2, "Running", null, "h1", List.of(A), 101, 2, 1, "stopped: " + why, 2L, 2L, Map.of(), 2,
                false, 0, null, "llama v3", 1, why, List.of());
        assertEquals(List.of(new LevelEvent.JobRestarted(2, "train", 1, "stopped: " + why, 2L)), JobEvents.between(stopped, again));
    }
}
