package zed.actors.rollout;

import org.junit.jupiter.api.Test;
import zed.actors.rollout.RolloutState.Host;
import zed.actors.rollout.RolloutState.Policy;
import zed.actors.rollout.RolloutState.Strategy;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Every decision of a rollout across hosts: pure, milliseconds. */
class RolloutStateTest {
    static final List<String> HOSTS = List.of("h1", "h2", "h3");

    static Policy policy(Strategy s, int maxParallel, int canary, boolean autoPromote, boolean autoRevert) {
        return new Policy(s, maxParallel, canary, autoPromote, autoRevert);
    }

    @Test
    void coordinatedSnapshotsEveryHostFirstThenAppliesInBatchesAndIsStableOnlyWhenAllPassed() {
        RolloutState s = RolloutState.start(policy(Strategy.COORDINATED, 2, 0, false, true), HOSTS);
        assertEquals(new RolloutState.Snapshot(HOSTS), s.next());
        s = s.with(HOSTS, Host.SNAPSHOTTING);
        assertEquals(new RolloutState.Wait(), s.next());
        s = s.with("h1", Host.SNAPSHOTTED).with("h2", Host.SNAPSHOTTED);
        assertEquals(new RolloutState.Wait(), s.next(), "no host changes before every host is snapshotted");
        s = s.with("h3", Host.SNAPSHOTTED);
        assertEquals(new RolloutState.Apply(List.of("h1", "h2")), s.next());
        s = s.with(List.of("h1", "h2"), Host.APPLYING).with("h1", Host.PASSED);
        assertEquals(new RolloutState.Wait(), s.next());
        s = s.with("h2", Host.PASSED);
        assertEquals(new RolloutState.Apply(List.of("h3")), s.next());
        s = s.with("h3", Host.APPLYING);
        assertEquals(new RolloutState.Wait(), s.next());
        assertEquals(new RolloutState.Confirm(HOSTS), s.with("h3", Host.PASSED).next(), "stable once every host answers again");
    }

    @Test
    void coordinatedRevertsEveryHostItChangedWhenOneFails() {
        RolloutState s = RolloutState.start(policy(Strategy.COORDINATED, 1, 0, false, true), HOSTS)
                .with(HOSTS, Host.SNAPSHOTTED).with("h1", Host.PASSED).with("h2", Host.FAILED);
        assertEquals(new RolloutState.Revert(List.of("h1", "h2")), s.next(), "h3 was never changed");
        s = s.with(List.of("h1", "h2"), Host.REVERTING);
        assertEquals(new RolloutState.Wait(), s.next());
        s = s.with("h1", Host.REVERTED);
        assertEquals(new RolloutState.Wait(), s.next());
        assertEquals(new RolloutState.Failed(List.of("h1", "h2"), List.of()), s.with("h2", Host.REVERTED).next());
    }

    @Test
    void aFailureWhileABatchIsUnderWayRevertsTheHostsStillApplyingToo() {
        RolloutState s = RolloutState.start(policy(Strategy.ROLLING, 3, 0, false, true), HOSTS)
                .with(HOSTS, Host.APPLYING).with("h2", Host.FAILED);
        assertEquals(new RolloutState.Revert(HOSTS), s.next());
    }

    @Test
    void rollingTakesNoSnapshotRoundAndStopsAtAFailure() {
        RolloutState s = RolloutState.start(policy(Strategy.ROLLING, 1, 0, false, true), HOSTS);
        assertEquals(new RolloutState.Apply(List.of("h1")), s.next());
        s = s.with("h1", Host.PASSED);
        assertEquals(new RolloutState.Apply(List.of("h2")), s.next());
        s = s.with("h2", Host.FAILED);
        assertEquals(new RolloutState.Revert(List.of("h1", "h2")), s.next(), "h3 is never started on the failed revision");
    }

    @Test
    void withoutAutoRevertAFailureEndsTheRolloutLeavingTheHostsAsTheyAreAndSayingWhich() {
        RolloutState s = RolloutState.start(policy(Strategy.ROLLING, 2, 0, false, false), HOSTS)
                .with(List.of("h1", "h2"), Host.APPLYING).with("h1", Host.FAILED);
        assertEquals(new RolloutState.Wait(), s.next(), "h2's apply ends first");
        assertEquals(new RolloutState.Failed(List.of(), List.of("h1", "h2")), s.with("h2", Host.PASSED).next());
    }

    @Test
    void canariesGoFirstTogetherAndWaitForPromotion() {
        RolloutState s = RolloutState.start(policy(Strategy.ROLLING, 1, 2, false, true), HOSTS);
        assertEquals(new RolloutState.Apply(List.of("h1", "h2")), s.next(), "the canaries together, whatever max_parallel");
        s = s.with(List.of("h1", "h2"), Host.APPLYING).with("h1", Host.PASSED);
        assertEquals(new RolloutState.Wait(), s.next());
        s = s.with("h2", Host.PASSED);
        assertEquals(new RolloutState.AwaitPromotion(List.of("h1", "h2")), s.next());
        assertEquals(new RolloutState.Apply(List.of("h3")), s.promote().next());
        assertEquals(new RolloutState.Confirm(HOSTS), s.promote().with("h3", Host.PASSED).next());
    }

    @Test
    void autoPromoteWaitsForThePromotionTheEntityJournalsAtOnce() {
        RolloutState s = RolloutState.start(policy(Strategy.ROLLING, 1, 1, true, true), HOSTS).with("h1", Host.PASSED);
        assertEquals(new RolloutState.AwaitPromotion(List.of("h1")), s.next(), "a promotion, journaled as automatic, not a silent step");
        assertEquals(new RolloutState.Apply(List.of("h2")), s.promote().next());
    }

    @Test
    void anAbortRevertsTheCanariesEvenWithoutAutoRevert() {
        RolloutState s = RolloutState.start(policy(Strategy.ROLLING, 1, 1, false, false), HOSTS).with("h1", Host.PASSED).abort();
        assertEquals(new RolloutState.Revert(List.of("h1")), s.next());
        RolloutState.Step end = s.with("h1", Host.REVERTED).next();
        assertEquals(new RolloutState.Failed(List.of("h1"), List.of(), true), end);
        assertEquals("Aborted", ((RolloutState.Failed) end).outcome(), "an operator's abort, not a failure");
    }

    @Test
    void aFailedRolloutEndsRevertedOrFailedAsItsHostsAre() {
        assertEquals("Reverted", new RolloutState.Failed(List.of("h1"), List.of()).outcome());
        assertEquals("Failed", new RolloutState.Failed(List.of(), List.of("h1")).outcome());
    }

    @Test
    void aCoordinatedCanaryIsSnapshottedWithEveryHostFirst() {
        RolloutState s = RolloutState.start(policy(Strategy.COORDINATED, 1, 1, false, true), HOSTS);
        assertEquals(new RolloutState.Snapshot(HOSTS), s.next());
        assertEquals(new RolloutState.Apply(List.of("h1")), s.with(HOSTS, Host.SNAPSHOTTED).next());
    }

    @Test
    void aHostThatPassedAndThenWentBackOrFailedFailsTheRolloutAndEveryHostItChangedIsReverted() {
        assertEquals(null, RolloutState.passedNoLonger(3, 3, "Converged", false, null));
        assertEquals(null, RolloutState.passedNoLonger(3, 3, "Converging", false, null), "converging the revision again (a drift) is still on it");
        assertEquals("it passed, then went back to revision 2: gate", RolloutState.passedNoLonger(3, 2, "Converged", false, "gate"));
        assertEquals("it passed, then went back to revision 3", RolloutState.passedNoLonger(3, 3, "RollingBack", true, null));
        assertEquals("it passed, then failed: boom", RolloutState.passedNoLonger(3, 3, "Failed", false, "boom"));
        // h1 passed, then was lost or went back (FAILED) while h2 applied: every host it changed goes back
        RolloutState s = RolloutState.start(policy(Strategy.COORDINATED, 1, 0, false, true), HOSTS)
                .with(HOSTS, Host.SNAPSHOTTED).with("h1", Host.FAILED).with("h2", Host.APPLYING);
        assertEquals(new RolloutState.Revert(List.of("h1", "h2")), s.next());
    }

    @Test
    void aPolicyOrAHostThatCannotBeIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> policy(Strategy.ROLLING, 0, 0, false, true));
        assertThrows(IllegalArgumentException.class, () -> policy(Strategy.ROLLING, 1, -1, false, true));
        assertThrows(IllegalArgumentException.class, () -> RolloutState.start(policy(Strategy.ROLLING, 1, 0, false, true), HOSTS).with("h9", Host.PASSED));
    }
}
