package zed.reconciler.model;

import org.junit.jupiter.api.Test;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.ReplicaPlan.Snap;

import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Where a model's snapshot from another host lands, and what its source sends for it: the pure rules of ModelReceive. */
class ModelReceiveTest {
    static final List<Snap> SOURCE = List.of(new Snap("v1", "11"), new Snap("zed-deploy-2", "22"), new Snap("v2", "33"));

    @Test
    void itIsNamedByHostAndLandsUnderZedReceived() {
        assertEquals("h1:models/base@v1", ModelReceive.name("h1", "models/base@v1"));
        assertEquals("zed-received/h1/models/base", ModelReceive.received("h1", "models/base@v1"));
        assertEquals("models/base", ModelReceive.dataset("models/base@v1"));
        assertEquals("v1", ModelReceive.snapshotName("models/base@v1"));
        assertEquals("guid:11", ModelReceive.fingerprint("11"));
    }

    @Test
    void aSnapshotTheSourceDoesNotHoldIsNothingToSend() {
        assertNull(ModelReceive.offer(SOURCE, "v3", Set.of()));
        assertNull(ModelReceive.offer(List.of(), "v1", Set.of()));
    }

    @Test
    void theFirstReceiveIsFull() {
        assertEquals(new ReplicaPlan.Full("v2"), ModelReceive.offer(SOURCE, "v2", Set.of()));
    }

    @Test
    void aLaterOneIsAnIncrementFromTheNewestOlderSnapshotHeldByGuid() {
        assertEquals(new ReplicaPlan.Incremental("zed-deploy-2", "v2", List.of()), ModelReceive.offer(SOURCE, "v2", Set.of("11", "22")));
        assertEquals(new ReplicaPlan.Incremental("v1", "v2", List.of()), ModelReceive.offer(SOURCE, "v2", Set.of("11")));
        // a snapshot of the same name with another guid is another snapshot
        assertEquals(new ReplicaPlan.Full("v2"), ModelReceive.offer(SOURCE, "v2", Set.of("99")));
    }

    @Test
    void aSnapshotHeldAlreadyIsUpToDateEvenWithNewerOnesHeld() {
        assertEquals(new ReplicaPlan.UpToDate("v1"), ModelReceive.offer(SOURCE, "v1", Set.of("11", "33")));
    }

    @Test
    void whatTheReceivingSideHoldsAfterTheIncrementsStartGoesNewestFirst() {
        List<Snap> there = List.of(new Snap("v1", "11"), new Snap("v2", "33"), new Snap("v3", "44"));
        assertEquals(List.of("v3", "v2"), ModelReceive.after(there, "v1"));
        assertEquals(List.of(), ModelReceive.after(there, "v3"));
    }
}
