package zed.reconciler.replica;

import org.junit.jupiter.api.Test;
import zed.reconciler.replica.ReplicaPlan.Snap;
import zed.reconciler.replica.ReplicaPlan.Target;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What is sent to a standby for each thing it may hold. */
class ReplicaPlanTest {
    static final Snap A = new Snap("a", "1"), B = new Snap("b", "2"), C = new Snap("c", "3");

    static Target replica(Snap... snaps) {
        return new Target(true, "h1", List.of(snaps));
    }

    @Test
    void nothingIsSentBeforeTheSourceHasASnapshot() {
        assertEquals(new ReplicaPlan.NothingYet(), ReplicaPlan.decide("h1", "p/web", List.of(), Target.NONE));
    }

    @Test
    void theFirstSendIsTheNewestSnapshotInFull() {
        assertEquals(new ReplicaPlan.Full("c"), ReplicaPlan.decide("h1", "p/web", List.of(A, B, C), Target.NONE));
    }

    @Test
    void laterSendsAreIncrementsFromTheNewestCommonSnapshot() {
        assertEquals(new ReplicaPlan.Incremental("b", "c", List.of()), ReplicaPlan.decide("h1", "p/web", List.of(A, B, C), replica(A, B)));
        // the source pruned a: b is still common
        assertEquals(new ReplicaPlan.Incremental("b", "c", List.of()), ReplicaPlan.decide("h1", "p/web", List.of(B, C), replica(A, B)));
    }

    @Test
    void aRoundSendsUpToItsOwnSnapshotAndACheckpointTakenAfterItWaitsForTheNext() {
        Snap round1 = new Snap("zed-replica-1", "1"), ckpt5 = new Snap("ckpt-5", "2"), round2 = new Snap("zed-replica-2", "3"), ckpt10 = new Snap("ckpt-10", "4");
        List<Snap> source = List.of(round1, ckpt5, round2, ckpt10);
        assertEquals(List.of(round1, ckpt5, round2), ReplicaPlan.upTo(source, "zed-replica-2"));
        assertEquals(new ReplicaPlan.Incremental("zed-replica-1", "zed-replica-2", List.of()),
                ReplicaPlan.decide("h1", "p/run", ReplicaPlan.upTo(source, "zed-replica-2"), replica(round1)), "ckpt-5 goes with it, ckpt-10 does not");
        assertEquals(new ReplicaPlan.Full("zed-replica-1"), ReplicaPlan.decide("h1", "p/run", ReplicaPlan.upTo(source, "zed-replica-1"), Target.NONE));
        assertEquals(source, ReplicaPlan.upTo(source, "zed-replica-9"), "a round's snapshot not there: all of it");
    }

    @Test
    void aStandbyThatHasTheNewestIsUpToDate() {
        assertEquals(new ReplicaPlan.UpToDate("c"), ReplicaPlan.decide("h1", "p/web", List.of(A, C), replica(A, C)));
    }

    @Test
    void aSnapshotOfTheSameNameTakenOnTheStandbyIsNotCommon() {
        assertEquals(new ReplicaPlan.Incremental("a", "b", List.of("b")),
                ReplicaPlan.decide("h1", "p/web", List.of(A, B), replica(A, new Snap("b", "99"))), "its own b goes, then b comes");
    }

    @Test
    void snapshotsTheStandbyTookAfterTheCommonOneAreDiscardedNewestFirst() {
        assertEquals(new ReplicaPlan.Incremental("a", "c", List.of("y", "x")),
                ReplicaPlan.decide("h1", "p/web", List.of(A, C), replica(A, new Snap("x", "8"), new Snap("y", "9"))));
    }

    @Test
    void aReplicaThatSharesNothingIsReceivedAgainInFullAndSaysSo() {
        ReplicaPlan.Step s = ReplicaPlan.decide("h1", "p/web", List.of(C), replica(A, B));
        ReplicaPlan.Again again = assertInstanceOf(ReplicaPlan.Again.class, s);
        assertEquals("c", again.snapshot());
        assertTrue(again.why().contains("p/web shares no snapshot with its source any more"), again.why());
    }

    @Test
    void theStandbysOwnDatasetOrAnotherHostsReplicaIsNeverWritten() {
        ReplicaPlan.Refuse own = assertInstanceOf(ReplicaPlan.Refuse.class, ReplicaPlan.decide("h1", "p/web", List.of(A), new Target(true, null, List.of(A))));
        assertEquals("p/web on the standby is not a replica, not of h1: it is never overwritten; rename or destroy it there, or choose another standby", own.why());
        ReplicaPlan.Refuse other = assertInstanceOf(ReplicaPlan.Refuse.class, ReplicaPlan.decide("h1", "p/web", List.of(A), new Target(true, "h2", List.of(A))));
        assertTrue(other.why().startsWith("p/web on the standby is a replica of host h2, not of h1"), other.why());
    }
}
