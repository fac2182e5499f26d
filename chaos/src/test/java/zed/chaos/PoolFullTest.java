package zed.chaos;

import org.junit.jupiter.api.Test;
import zed.chaos.fault.Outcome;
import zed.chaos.fault.Scenarios;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 2 of the chaos suite, once (scripts/chaos.sh full runs 10): a deploy fills the pool half-way; the failure is
 * a typed event naming the dataset and NO_SPACE, the level reverts, nothing is half-stamped, the node stays healthy,
 * and the same revision deploys once space is freed.
 */
class PoolFullTest {
    @Test
    void aPoolThatFillsDuringADeployFailsItCleanlyAndTheNextDeploySucceeds() throws Exception {
        ChaosNeeds.zfsPool();
        Outcome o = Scenarios.poolFull(ZedProcess.bin(), 1);
        assertTrue(o.failures().isEmpty(), o.toString());
    }
}
