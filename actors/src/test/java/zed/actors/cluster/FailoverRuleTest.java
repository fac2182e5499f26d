package zed.actors.cluster;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A failover takes a level only from a host the cluster downed, unless its operator says the host is stopped. */
class FailoverRuleTest {
    @Test
    void aDownedHostsLevelFailsOver() {
        assertNull(FailoverRule.refusal("web", "h2", "h1", PlacementTable.DOWNED, false));
    }

    @Test
    void aHostThatLeftMayStillRunItsServicesSoItIsRefusedSayingWhatToDo() {
        String why = FailoverRule.refusal("web", "h2", "h1", PlacementTable.LEFT, false);
        assertTrue(why.startsWith("host h2 left the cluster"), why);
        assertTrue(why.contains("zed move web --to h1") && why.contains("--force"), why);
    }

    @Test
    void withNoRecordItIsRefusedToo() {
        String why = FailoverRule.refusal("web", "h2", "h1", null, false);
        assertTrue(why.contains("no record of how host h2 went"), why);
    }

    @Test
    void forceIsTheOperatorSayingTheHostIsStopped() {
        assertNull(FailoverRule.refusal("web", "h2", "h1", PlacementTable.LEFT, true));
        assertNull(FailoverRule.refusal("web", "h2", "h1", null, true));
    }
}
