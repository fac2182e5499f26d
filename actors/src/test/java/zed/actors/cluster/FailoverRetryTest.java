package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** When a standby tries again an auto failover that failed, and when it stops trying. */
class FailoverRetryTest {
    @Test
    void aFailedTryIsTriedAgainAfterOneSecondDoublingToThirtyAndOnAtThirty() {
        assertEquals(Duration.ofSeconds(1), FailoverRetry.backoff(1));
        assertEquals(Duration.ofSeconds(2), FailoverRetry.backoff(2));
        assertEquals(Duration.ofSeconds(4), FailoverRetry.backoff(3));
        assertEquals(Duration.ofSeconds(8), FailoverRetry.backoff(4));
        assertEquals(Duration.ofSeconds(16), FailoverRetry.backoff(5));
        assertEquals(Duration.ofSeconds(30), FailoverRetry.backoff(6));
        assertEquals(Duration.ofSeconds(30), FailoverRetry.backoff(1000), "indefinitely, never overflowing");
        assertEquals(Duration.ofSeconds(30), FailoverRetry.backoff(Integer.MAX_VALUE));
    }

    @Test
    void itGoesOnOnlyWhileTheLevelIsStillPlacedOnTheDownedHostAndThisHostIsItsStandby() {
        PlacementTable.AutoStandbys stillThere = new PlacementTable.AutoStandbys(Map.of("web", "h2"), Map.of("web", "h1"));
        assertNull(FailoverRetry.stop("web", "h1", "h2", stillThere, false));

        PlacementTable.AutoStandbys placedHere = new PlacementTable.AutoStandbys(Map.of("web", "h2"), Map.of("web", "h2"));
        assertEquals("level web is placed on h2 now", FailoverRetry.stop("web", "h1", "h2", placedHere, false),
                "a try whose answer was lost (or an operator's zed failover) placed it: never again");
        PlacementTable.AutoStandbys placedElsewhere = new PlacementTable.AutoStandbys(Map.of("web", "h2"), Map.of("web", "h3"));
        assertEquals("level web is placed on h3 now", FailoverRetry.stop("web", "h1", "h2", placedElsewhere, false));
        assertEquals("level web is no longer in the placement table",
                FailoverRetry.stop("web", "h1", "h2", new PlacementTable.AutoStandbys(Map.of(), Map.of()), false));
        assertEquals("host h1 is a member of the cluster again", FailoverRetry.stop("web", "h1", "h2", stillThere, true),
                "it came back, and runs the level itself");
        PlacementTable.AutoStandbys otherStandby = new PlacementTable.AutoStandbys(Map.of("web", "h3"), Map.of("web", "h1"));
        assertEquals("this host (h2) is no longer level web's auto standby", FailoverRetry.stop("web", "h1", "h2", otherStandby, false));
        PlacementTable.AutoStandbys notAuto = new PlacementTable.AutoStandbys(Map.of(), Map.of("web", "h1"));
        assertEquals("this host (h2) is no longer level web's auto standby", FailoverRetry.stop("web", "h1", "h2", notAuto, false));
    }

    @Test
    void onlyAnAnswerOf200IsAFailoverDone() {
        assertTrue(FailoverRetry.worked("200 {\"level\":\"web\",\"to\":\"h2\"}"));
        assertFalse(FailoverRetry.worked("409 {\"error\":\"level web did not fail over to h2: cannot rollback 'zedtest/h2/web/data': I/O error\"}"));
        assertFalse(FailoverRetry.worked("504 {\"error\":\"level web is placed on h2 ...\"}"));
        assertFalse(FailoverRetry.worked("no such level: web"));
        assertFalse(FailoverRetry.worked("java.util.concurrent.TimeoutException"));
        assertFalse(FailoverRetry.worked(null));
    }
}
