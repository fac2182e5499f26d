package zed.reconciler.replica;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where a failover takes each replica back to. */
class FailoverPointTest {
    static final String R1 = "zed-replica-20261204T100000.000Z", R2 = "zed-replica-20261204T100002.000Z", R3 = "zed-replica-20261204T100004.000Z";

    static Map<String, List<String>> held(Object... pairs) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            @SuppressWarnings("unchecked") List<String> snaps = (List<String>) pairs[i + 1];
            m.put((String) pairs[i], snaps);
        }
        return m;
    }

    @Test
    void everyDatasetGoesBackToTheNewestRoundAllOfThemHold() {
        // data/logs had not received round 3 when the primary was lost
        FailoverPoint.Decision d = FailoverPoint.decide(held("data", List.of("deploy-1", R2, R3), "data/logs", List.of(R2)));
        assertEquals(Map.of("data", R2, "data/logs", R2), d.rollbackTo());
        assertEquals(R2, d.snapshot());
        assertTrue(d.consistent());
        assertEquals(List.of(), d.missing());
    }

    @Test
    void withNoRoundInCommonEachGoesBackToItsOwnNewestAndTheLevelIsNotConsistent() {
        // a receive prunes the older rounds: data got round 3 and lost round 2, data/logs still has only round 2
        FailoverPoint.Decision d = FailoverPoint.decide(held("data", List.of(R3), "data/logs", List.of(R2)));
        assertEquals(Map.of("data", R3, "data/logs", R2), d.rollbackTo());
        assertEquals(R2, d.snapshot(), "the oldest of them: what may have been lost is counted from there");
        assertFalse(d.consistent());
    }

    @Test
    void aDatasetTheStandbyNeverReceivedIsMissingAndTheOthersStillFailOver() {
        FailoverPoint.Decision d = FailoverPoint.decide(held("data", List.of(R1), "cache", null, "tmp", List.of("deploy-2")));
        assertEquals(Map.of("data", R1), d.rollbackTo());
        assertEquals(List.of("cache", "tmp"), d.missing());
    }

    @Test
    void whatTheLevelDeclaresAndWasNotTakenOverIsMissingInItsOrder() {
        FailoverPoint.Decision d = FailoverPoint.decide(held("data", List.of(R1), "data/logs", List.of(R1), "cache", null));
        // cache: a replica with no round; uploads: added to the level after the last round, no replica at all
        assertEquals(List.of("cache", "uploads"), FailoverPoint.missing(List.of("data", "cache", "data/logs", "uploads"), d.rollbackTo().keySet()));
        assertEquals(List.of(), FailoverPoint.missing(List.of("data", "data/logs"), d.rollbackTo().keySet()));
    }

    @Test
    void aStandbyWithNoRoundOfAnyDatasetGivesNothing() {
        assertNull(FailoverPoint.decide(held("data", List.of())));
        assertNull(FailoverPoint.decide(held()));
    }

    @Test
    void aRoundsTimeIsInItsName() {
        assertEquals(Instant.parse("2026-12-04T10:00:02Z"), FailoverPoint.takenAt(R2));
        assertNull(FailoverPoint.takenAt("deploy-1"));
        assertNull(FailoverPoint.takenAt("zed-replica-garbage"));
    }
}
