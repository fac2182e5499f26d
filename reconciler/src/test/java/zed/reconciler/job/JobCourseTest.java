package zed.reconciler.job;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
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
}
