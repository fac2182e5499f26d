package zed.reconciler.job;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pure decisions of a job's supervision. */
class JobCourseTest {
    @Test
    void onlyExitZeroIsSuccess() {
        assertTrue(JobCourse.succeeded(0));
        assertFalse(JobCourse.succeeded(1));
        assertFalse(JobCourse.succeeded(137));
        assertFalse(JobCourse.succeeded(null));
        assertEquals("killed by signal 9", JobCourse.describe(137));
        assertEquals("exited with code 3", JobCourse.describe(3));
    }

    @Test
    void aFailureResumesFromTheNewestCheckpointByStepNotByName() {
        Map<String, String> snaps = new HashMap<>();
        snaps.put("ckpt-9", "9");
        snaps.put("ckpt-10", "10");
        snaps.put("ckpt-11", null); // an operator's snapshot under a checkpoint's name: not one
        snaps.put("before-deploy", null);
        assertEquals(new JobCourse.Resume("ckpt-10", 10), JobCourse.start(true, snaps));
    }

    @Test
    void aFailureWithoutACheckpointStartsFromTheStartAndAFirstStartNeverRollsBack() {
        assertEquals(new JobCourse.Fresh(), JobCourse.start(true, Map.of("manual", "")));
        assertEquals(new JobCourse.Fresh(), JobCourse.start(false, Map.of("ckpt-3", "3")));
    }

    @Test
    void theStampsSayWhatBecameOfTheJobAtThisSpecOnly() {
        assertEquals(JobCourse.Recorded.NEW, JobCourse.recorded(null, null, "h1"));
        assertEquals(JobCourse.Recorded.SUCCEEDED, JobCourse.recorded("succeeded", "h1", "h1"));
        assertEquals(JobCourse.Recorded.FAILED, JobCourse.recorded("failed", "h1", "h1"));
        assertEquals(JobCourse.Recorded.INTERRUPTED, JobCourse.recorded("running", "h1", "h1"));
        // another spec is another run, whatever became of the last one
        assertEquals(JobCourse.Recorded.NEW, JobCourse.recorded("succeeded", "h0", "h1"));
    }

    @Test
    void aRollbackGoesToOneOfItsCheckpointsAndDestroysEverySnapshotNewerThanIt() {
        Map<String, String> snaps = new java.util.LinkedHashMap<>(); // oldest first, as the store lists them
        snaps.put("ckpt-1", "1");
        snaps.put("before-deploy", null);
        snaps.put("ckpt-2", "2");
        snaps.put("ckpt-3", "3");
        assertEquals(new JobCourse.Back(new Checkpoints.Kept("ckpt-1", 1), List.of("before-deploy", "ckpt-2", "ckpt-3")), JobCourse.rollback("ckpt-1", snaps));
        assertEquals(new JobCourse.Back(new Checkpoints.Kept("ckpt-3", 3), List.of()), JobCourse.rollback("ckpt-3", snaps));
    }

    @Test
    void aRollbackToWhatIsNotOneOfItsCheckpointsIsRefusedWithTheCheckpointsItHas() {
        Map<String, String> snaps = new java.util.LinkedHashMap<>();
        snaps.put("ckpt-1", "1");
        snaps.put("ckpt-2", "2");
        snaps.put("ckpt-5", null); // an operator's snapshot under a checkpoint's name
        assertEquals(new JobCourse.NotACheckpoint("ckpt-5 is not a checkpoint of the job; its checkpoints are ckpt-1, ckpt-2"), JobCourse.rollback("ckpt-5", snaps));
        assertEquals(new JobCourse.NotACheckpoint("ckpt-1 is not a checkpoint of the job; it has none yet"), JobCourse.rollback("ckpt-1", Map.of()));
    }
}
