package zed.actors.rollout;

import org.junit.jupiter.api.Test;
import zed.actors.rollout.RolloutEvent.HostStepped;
import zed.actors.rollout.RolloutEvent.Promoted;
import zed.actors.rollout.RolloutEvent.RolloutEnded;
import zed.actors.rollout.RolloutEvent.RolloutStarted;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A level's rollouts as their journal replays them, and the state status names: pure, milliseconds. */
class RolloutLogTest {
    static final List<String> HOSTS = List.of("h1", "h2", "h3");
    static final Instant T = Instant.parse("2026-12-04T20:00:00Z");

    static RolloutStarted started(String strategy, int canary) {
        return new RolloutStarted(1, "src", "Zedfile", "/d", null, false, strategy, 1, canary, false, true, Duration.ofMinutes(10), HOSTS,
                Map.of("h1", 1L, "h2", 1L, "h3", 1L), T);
    }

    static HostStepped step(String host, RolloutState.Host step, long rev, String why) {
        return new HostStepped(1, host, step.name(), rev, why, T);
    }

    static RolloutLog replay(RolloutEvent... events) {
        RolloutLog l = RolloutLog.empty("web");
        for (RolloutEvent e : events) l = l.apply(e);
        return l;
    }

    @Test
    void aCoordinatedRolloutSnapshotsAppliesAndEndsStableWithTheRevisionItHanded() {
        RolloutLog l = replay(started("coordinated", 0));
        assertTrue(l.running());
        assertEquals("Snapshotting", l.phase());
        assertEquals(new RolloutState.Snapshot(HOSTS), l.state().next());
        for (String h : HOSTS) l = l.apply(step(h, RolloutState.Host.SNAPSHOTTING, 0, null));
        for (String h : HOSTS) l = l.apply(new RolloutEvent.HostSnapshotted(1, h, "zed-rollout-1-20261204T200000Z", T));
        assertEquals(RolloutState.Host.SNAPSHOTTED, l.state().hostStep().get("h3"), "each host's snapshot is its first step");
        assertEquals(new RolloutState.Apply(List.of("h1")), l.state().next(), "then the first batch (max_parallel 1)");
        l = l.apply(step("h1", RolloutState.Host.APPLYING, 0, null)).apply(step("h1", RolloutState.Host.APPLYING, 2, null));
        assertEquals(Map.of("h1", 2L), l.applied(), "the revision the host accepted");
        l = l.apply(new RolloutEnded(1, "Stable", Map.of("h1", 2L, "h2", 2L, "h3", 2L), List.of(), List.of(), T));
        assertFalse(l.running());
        assertEquals("Stable", l.phase());
        assertEquals(Map.of("h1", 2L, "h2", 2L, "h3", 2L), l.stable());
    }

    @Test
    void aFailureIsKeptWithItsReasonAndTheRolloutRevertsUntilItEndsReverted() {
        RolloutLog l = replay(started("rolling", 0), step("h1", RolloutState.Host.APPLYING, 2, null), step("h1", RolloutState.Host.FAILED, 2, "gate failed"));
        assertEquals("Reverting", l.phase());
        assertEquals("gate failed", l.why().get("h1"));
        l = l.apply(step("h1", RolloutState.Host.REVERTING, 1, null)).apply(step("h1", RolloutState.Host.REVERTED, 1, null));
        assertEquals(new RolloutState.Failed(List.of("h1"), List.of()), l.state().next());
        l = l.apply(new RolloutEnded(1, "Reverted", Map.of(), List.of("h1"), List.of(), T));
        assertEquals("Reverted", l.phase());
        assertEquals(Map.of("h1", 1L, "h2", 1L, "h3", 1L), l.stable(), "the stable revision stays what it was");
    }

    @Test
    void aCanaryWaitsForPromotionAndAnAbortRevertsIt() {
        RolloutLog l = replay(started("rolling", 1), step("h1", RolloutState.Host.APPLYING, 2, null), step("h1", RolloutState.Host.PASSED, 2, null));
        assertEquals("WaitingForPromotion", l.phase());
        assertEquals("Applying", l.apply(new Promoted(1, false, false, T)).phase());
        RolloutLog aborted = l.apply(new Promoted(1, true, false, T));
        assertEquals(new RolloutState.Revert(List.of("h1")), aborted.state().next());
        assertEquals("Reverting", aborted.phase());
    }

    @Test
    void withAutoPromoteTheCanariesPassingIsNoWaitAndThePromotionIsJournaledAsAutomatic() {
        RolloutStarted auto = new RolloutStarted(1, "src", "Zedfile", "/d", null, false, "rolling", 1, 1, true, true, Duration.ofMinutes(10), HOSTS,
                Map.of("h1", 1L, "h2", 1L, "h3", 1L), T);
        RolloutLog l = replay(auto, step("h1", RolloutState.Host.APPLYING, 2, null), step("h1", RolloutState.Host.PASSED, 2, null));
        assertEquals("Applying", l.phase(), "zed up does not stop as if it waited for zed promote");
        assertEquals(new RolloutState.AwaitPromotion(List.of("h1")), l.state().next(), "the entity's cue to journal Promoted {automatic}");
        assertEquals(new RolloutState.Apply(List.of("h2")), l.apply(new Promoted(1, false, true, T)).state().next());
    }

    @Test
    void aRolloutIsStableOnlyOnceEveryHostAnsweredConvergedAfterTheLastOnePassed() {
        RolloutLog l = replay(started("rolling", 0));
        for (int i = 0; i < HOSTS.size(); i++) {
            String h = HOSTS.get(i);
            l = l.apply(new HostStepped(1, h, RolloutState.Host.APPLYING.name(), 2, null, T.plusSeconds(10 * i)))
                    .apply(new HostStepped(1, h, RolloutState.Host.PASSED.name(), 2, null, T.plusSeconds(10 * i + 5)));
        }
        assertEquals(new RolloutState.Confirm(HOSTS), l.state().next());
        Instant after = T.plusSeconds(26);
        assertTrue(l.confirmed(Map.of("h1", after, "h2", after, "h3", after)));
        // h1 passed first and was lost since: its last answer is from before h3 passed, and it never answers again
        assertFalse(l.confirmed(Map.of("h1", T.plusSeconds(6), "h2", after, "h3", after)), "a host lost after it passed is not counted");
        assertFalse(l.confirmed(Map.of("h2", after, "h3", after)));
        assertFalse(replay(started("rolling", 0)).confirmed(Map.of("h1", after, "h2", after, "h3", after)), "no host passed yet");
    }

    @Test
    void anAbortedRolloutEndsAbortedWhileAJournalFromBeforeAbortedReplaysAsItWas() {
        RolloutEvent[] aborted = {started("rolling", 1), step("h1", RolloutState.Host.APPLYING, 2, null), step("h1", RolloutState.Host.PASSED, 2, null),
                new Promoted(1, true, false, T), step("h1", RolloutState.Host.REVERTING, 1, null), step("h1", RolloutState.Host.REVERTED, 1, null)};
        RolloutLog l = replay(aborted);
        assertEquals(new RolloutState.Failed(List.of("h1"), List.of(), true), l.state().next(), "what the entity journals next");
        assertEquals("Aborted", l.apply(new RolloutEnded(1, "Aborted", Map.of(), List.of("h1"), List.of(), T)).phase());
        // journaled before Aborted existed: the same steps ended Reverted, and replay to what they were
        RolloutLog old = l.apply(new RolloutEnded(1, "Reverted", Map.of(), List.of("h1"), List.of(), T));
        assertEquals("Reverted", old.phase());
        assertFalse(old.running());
        assertEquals(Map.of("h1", 1L, "h2", 1L, "h3", 1L), old.stable());
    }

    @Test
    void anEventOfNoRolloutChangesNothing() {
        assertEquals(RolloutLog.empty("web"), RolloutLog.empty("web").apply(step("h1", RolloutState.Host.APPLYING, 2, null)));
        assertEquals("None", RolloutLog.empty("web").phase());
    }
}
