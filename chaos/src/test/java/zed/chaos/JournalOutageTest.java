package zed.chaos;

import org.junit.jupiter.api.Test;
import zed.chaos.fault.Outcome;
import zed.chaos.fault.Scenarios;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 3 of the chaos suite, once and short (scripts/chaos.sh journal runs 5 outages of 30 s): PostgreSQL goes away
 * for 10 s mid-deploy and again in steady state; the node answers status from memory, never shows a Converged it did
 * not journal, converges and persists again once the journal is back, and loses no accepted revision.
 */
class JournalOutageTest {
    @Test
    void aJournalThatGoesAwayLosesNothingAndTheNodeKeepsAnswering() throws Exception {
        ChaosNeeds.zfsPool();
        ChaosNeeds.postgres();
        Outcome o = Scenarios.journalOutage(ZedProcess.bin(), 1, 10);
        assertTrue(o.failures().isEmpty(), o.toString());
    }
}
