package zed.reconciler.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.dataset.Planner;
import zed.reconciler.model.ModelReceive;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A model's snapshot sent from one zfs-fuse test pool and received into the other's {@code zed-received}, as a model's
 * {@code source { host, snapshot }} is: in full, then as an increment, then back to an older snapshot it holds. Run
 * on zfs itself ({@link ZfsReplicasModelTest}) and through zed ops ({@link OpsReplicasModelTest}).
 */
abstract class ReplicasModelContract {
    ZfsStore store;
    Replicas replicas;
    String source;
    String target;
    String top;
    String top2;

    /** The replicas under test, managing (at least) {@code roots}. */
    abstract Replicas replicas(List<String> roots) throws Exception;

    /** Ends what {@link #replicas} started. */
    void close() throws Exception {
    }

    @BeforeEach
    void setUp() throws Exception {
        String pool = TestPool.pool("ZED_TEST_POOL");
        String pool2 = TestPool.pool("ZED_TEST_POOL2");
        store = ZfsStore.probe(new ProcessCommand(), pool);
        String name = TestPool.freshName();
        top = pool + "/" + name;
        top2 = pool2 + "/" + name;
        source = top + "/base";
        target = top2 + "/" + ModelReceive.received("h1", "base@v1");
        store.create(top, Map.of());
        // the source is a level's dataset: its stamps must not make the received copy that level's dataset
        store.create(source, Map.of(Planner.MANAGED, "true", Planner.LEVEL, "base", Planner.REV, "1"));
        replicas = replicas(List.of(top, top2));
    }

    @AfterEach
    void tearDown() throws Exception {
        close();
        if (store == null) return;
        TestPool.destroyTree(store, top);
        TestPool.destroyTree(store, top2);
    }

    /** As the two hosts do it: the source offers from what the target holds, the target receives. */
    private ReplicaPlan.Step fetch(String snapshot) {
        Set<String> held = Set.copyOf(replicas.target(target).snapshots().stream().map(ReplicaPlan.Snap::guid).toList());
        ReplicaPlan.Step step = ModelReceive.offer(replicas.snapshots(source), snapshot, held);
        if (step instanceof ReplicaPlan.UpToDate) {
            replicas.receiveModel(target, step, null, "h1");
            return step;
        }
        try (Replicas.Sending s = replicas.send(source, step)) {
            replicas.receiveModel(target, step, s.stream(), "h1");
            s.finish();
        }
        return step;
    }

    private String read() throws Exception {
        return Files.readString(store.mountpoint(target).resolve("w.txt"));
    }

    @Test
    void aFullReceiveThenAnIncrementThenBackToTheOlderSnapshot() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("w.txt"), "one");
        store.snapshot(List.of(source), "v1", Map.of());
        assertInstanceOf(ReplicaPlan.Full.class, fetch("v1"));
        assertEquals("one", read());
        assertEquals(Map.of(ModelReceive.RECEIVED_FROM, "h1"), store.zedState(target), "none of the source's stamps, no replica-of");
        // zfs-fuse reports readonly as "off (temporary)" on a mounted dataset set readonly=on: what counts is a write refused
        assertThrows(java.io.IOException.class, () -> Files.writeString(store.mountpoint(target).resolve("x"), "x"), "the received copy is read-only");

        Files.writeString(store.mountpoint(source).resolve("w.txt"), "two");
        store.snapshot(List.of(source), "v2", Map.of());
        assertInstanceOf(ReplicaPlan.Incremental.class, fetch("v2"));
        assertEquals("two", read());
        assertEquals(Map.of(ModelReceive.RECEIVED_FROM, "h1"), store.zedState(target));

        assertInstanceOf(ReplicaPlan.UpToDate.class, fetch("v1"));
        assertEquals("one", read(), "back to the snapshot asked for");
        assertEquals(List.of("v1"), replicas.snapshots(target).stream().map(ReplicaPlan.Snap::name).toList());
        assertInstanceOf(ReplicaPlan.Incremental.class, fetch("v2"));
        assertEquals("two", read());
    }
}
