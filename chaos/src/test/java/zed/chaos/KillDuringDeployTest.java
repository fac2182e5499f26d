package zed.chaos;

import org.junit.jupiter.api.Test;
import zed.chaos.fault.Outcome;
import zed.chaos.fault.Scenarios;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 1 of the chaos suite at a small count (scripts/chaos.sh kill runs 50, of 30 datasets): the node is killed
 * with SIGKILL at random points of deploys, reverts and rollbacks of 20 datasets and 3 services, 3 times, and after each restart the level
 * converges with every dataset stamped as the journal says, one process per service, and no answered revision lost.
 * Needs the zfs-fuse test pool and python3.
 */
class KillDuringDeployTest {
    @Test
    void aNodeKilledMidDeployLosesNothingAndLeavesNoTwinOrOrphan() throws Exception {
        ChaosNeeds.zfsPool();
        Outcome o = Scenarios.killDuringDeploy(ZedProcess.bin(), 3, 20, 20261204L);
        assertEquals(3, o.faults());
        assertTrue(o.failures().isEmpty(), o.toString());
    }
}
