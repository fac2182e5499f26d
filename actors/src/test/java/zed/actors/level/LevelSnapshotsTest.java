package zed.actors.level;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class LevelSnapshotsTest {
    @Test
    void zedsSnapshotsSayWhenTheyWereTakenAndOthersDoNot() {
        assertEquals(Instant.parse("2026-12-05T22:15:00Z"), LevelSnapshots.taken("zed-deploy-3-20261205T221500Z"));
        assertEquals(Instant.parse("2026-01-02T03:04:05Z"), LevelSnapshots.taken("zed-rollout-12-20260102T030405Z"));
        assertNull(LevelSnapshots.taken("by-hand"));
        assertNull(LevelSnapshots.taken("zed-deploy-3-2026"));
    }
}
