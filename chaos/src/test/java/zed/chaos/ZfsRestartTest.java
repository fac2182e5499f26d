package zed.chaos;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import zed.chaos.fault.Outcome;
import zed.chaos.fault.Scenarios;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 4 of the chaos suite, once (scripts/chaos.sh zfs runs 10): zfs-fuse is killed under a converged level and
 * started again; the node says the pool is unavailable meanwhile, converges again after, and restarts no service.
 * Kills the machine's zfs-fuse for about a second, under every other test's datasets: tagged exclusive, it runs alone
 * (chaos/pom.xml).
 */
@Tag("exclusive")
class ZfsRestartTest {
    @Test
    void aZfsDaemonThatDiesAndComesBackIsReportedAndTheLevelConvergesAgain() throws Exception {
        ChaosNeeds.zfsPool();
        Outcome o = Scenarios.zfsRestart(ZedProcess.bin(), 1);
        assertTrue(o.failures().isEmpty(), o.toString());
    }
}
