package zed.reconciler.job;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Which of a job's dataset's snapshots are its checkpoints, which is the newest, and which go to keep the newest few. */
class CheckpointsTest {
    /** Steps 9, 10, 100 and 2 (not in name order), a deploy snapshot, and snapshots named like checkpoints that Zed did not take. */
    static Map<String, String> snapshots() {
        Map<String, String> s = new HashMap<>();
        s.put("ckpt-9", "9");
        s.put("ckpt-10", "10");
        s.put("ckpt-100", "100");
        s.put("ckpt-2", "2");
        s.put("zed-deploy-20261205-0700", null);
        s.put("ckpt-5", null);        // by hand: no step property
        s.put("ckpt-07", "07");       // not a name Zed writes
        s.put("ckpt-8", "80");        // its property says another step
        s.put("ckpt-99999999999999999999", "99999999999999999999"); // beyond a long
        return s;
    }

    @Test
    void checkpoints_are_ckpt_n_with_step_n_oldest_first_by_step() {
        assertEquals(List.of(new Checkpoints.Kept("ckpt-2", 2), new Checkpoints.Kept("ckpt-9", 9), new Checkpoints.Kept("ckpt-10", 10),
                new Checkpoints.Kept("ckpt-100", 100)), Checkpoints.of(snapshots()));
        assertEquals(OptionalLong.of(100), Checkpoints.last(snapshots()));
        assertEquals(OptionalLong.empty(), Checkpoints.last(Map.of("ckpt-5", "x")));
    }

    @Test
    void keeping_the_newest_destroys_the_oldest_and_never_a_snapshot_zed_did_not_take() {
        assertEquals(List.of("ckpt-2", "ckpt-9"), Checkpoints.beyond(snapshots(), 2));
        assertEquals(List.of("ckpt-2", "ckpt-9", "ckpt-10"), Checkpoints.beyond(snapshots(), 1));
        assertEquals(List.of(), Checkpoints.beyond(snapshots(), 4));
        assertEquals(List.of(), Checkpoints.beyond(snapshots(), 50));
        assertThrows(IllegalArgumentException.class, () -> Checkpoints.beyond(snapshots(), 0));
    }

    @Test
    void a_new_checkpoint_after_the_last_and_its_retention_agree() {
        Map<String, String> s = snapshots();
        Checkpoint next = new Checkpoint(Checkpoints.last(s).getAsLong() + 1, Map.of("loss", "0.1"));
        s.put(next.snapshot(), next.properties().get(Checkpoint.STEP));
        assertEquals(OptionalLong.of(101), Checkpoints.last(s));
        assertEquals(List.of("ckpt-2", "ckpt-9", "ckpt-10"), Checkpoints.beyond(s, 2));
    }

    @Test
    void points_are_each_checkpoint_with_its_metrics_oldest_first_and_only_numbers() {
        Map<String, Map<String, String>> snaps = new HashMap<>();
        snaps.put("ckpt-10", Map.of(Checkpoint.STEP, "10", Checkpoint.METRIC + "loss", "0.5", Checkpoint.METRIC + "acc", "0.25"));
        snaps.put("ckpt-9", Map.of(Checkpoint.STEP, "9", Checkpoint.METRIC + "loss", "0.75", "com.zed:job.state", "running"));
        snaps.put("ckpt-5", Map.of(Checkpoint.METRIC + "loss", "1"));                        // by hand: no step
        snaps.put("ckpt-11", Map.of(Checkpoint.STEP, "11", Checkpoint.METRIC + "loss", "x")); // not a number
        snaps.put("zed-deploy-1", Map.of());
        assertEquals(List.of(new Checkpoints.Point(9, Map.of("loss", 0.75)), new Checkpoints.Point(10, Map.of("acc", 0.25, "loss", 0.5)),
                new Checkpoints.Point(11, Map.of())), Checkpoints.points(snaps));
        assertEquals(List.of(), Checkpoints.points(Map.of()));
    }
}
