package zed.reconciler.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.dataset.Planner;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link Replicas} contract: a level's dataset sent as a byte stream from one zfs-fuse test pool and received into
 * the other, as a standby would. Run against zfs itself ({@link ZfsReplicasTest}) and through zed ops
 * ({@link OpsReplicasContractTest}); {@link #store} (zfs, directly) makes the fixtures and reads what landed.
 */
abstract class ReplicasContract {
    ZfsStore store;
    Replicas replicas;
    String source;
    String target;
    Instant clock = Instant.parse("2026-12-04T10:00:00Z");

    @BeforeEach
    void setUp() throws Exception {
        String pool = TestPool.pool("ZED_TEST_POOL");
        String pool2 = TestPool.pool("ZED_TEST_POOL2");
        store = ZfsStore.probe(new ProcessCommand(), pool);
        String name = TestPool.freshName();
        source = pool + "/" + name + "/web";
        target = pool2 + "/" + name + "/web";
        store.create(pool + "/" + name, Map.of());
        store.create(source, Map.of(Planner.MANAGED, "true", Planner.LEVEL, "web", Planner.REV, "1", "com.zed:pid", "4242"));
        replicas = replicas(List.of(pool + "/" + name, pool2 + "/" + name));
    }

    /** The replicas under test, managing (at least) {@code roots}: the test's datasets on each pool. */
    abstract Replicas replicas(List<String> roots) throws Exception;

    @AfterEach
    void tearDown() throws Exception {
        close();
        if (store == null) return;
        TestPool.destroyTree(store, source.substring(0, source.lastIndexOf('/')));
        TestPool.destroyTree(store, target.substring(0, target.lastIndexOf('/')));
    }

    /** Ends what {@link #replicas} started. */
    void close() throws Exception {
    }

    /** One round as the primary and the standby do it: snapshot, plan from both sides, send, receive. */
    private ReplicaPlan.Step replicate() {
        clock = clock.plusSeconds(1);
        replicas.snapshot(List.of(source), clock);
        ReplicaPlan.Step step = ReplicaPlan.decide("h1", target, replicas.snapshots(source), replicas.target(target));
        if (step instanceof ReplicaPlan.UpToDate || step instanceof ReplicaPlan.Refuse || step instanceof ReplicaPlan.NothingYet) return step;
        try (Replicas.Sending s = replicas.send(source, step)) {
            replicas.receive(target, step, s.stream(), "h1");
            s.finish();
        }
        return step;
    }

    private String read(String dataset) throws Exception {
        return Files.readString(store.mountpoint(dataset).resolve("data.txt"));
    }

    @Test
    void aFullThenAnIncrementCarryDataAndStateAndMarkTheReplica() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        assertInstanceOf(ReplicaPlan.Full.class, replicate());
        assertEquals("one", read(target));
        Map<String, String> state = store.zedState(target);
        assertEquals("h1", state.get(Replicas.REPLICA_OF));
        assertEquals("1", state.get(Planner.REV), "the level's state travels");
        assertNull(state.get("com.zed:pid"), "the primary's process does not run here");

        Files.writeString(store.mountpoint(source).resolve("data.txt"), "two");
        store.set(source, Map.of(Planner.REV, "2"));
        ReplicaPlan.Incremental inc = assertInstanceOf(ReplicaPlan.Incremental.class, replicate());
        assertEquals(List.of(inc.to()), replicas.snapshots(target).stream().map(ReplicaPlan.Snap::name).toList(),
                "the standby keeps the newest replication snapshot: all the next increment needs");
        assertEquals("two", read(target));
        assertEquals("2", store.zedState(target).get(Planner.REV));
        assertEquals("h1", store.zedState(target).get(Replicas.REPLICA_OF), "still marked after an increment");
        assertNull(store.zedState(target).get("com.zed:pid"));

        replicas.prune(source, inc.to());
        assertEquals(List.of(inc.to()), replicas.snapshots(source).stream().map(ReplicaPlan.Snap::name).toList(), "only the base of the next increment stays");
        ReplicaPlan.Step next = replicate();
        assertInstanceOf(ReplicaPlan.Incremental.class, next, "pruned on the source, the increment starts at what both still hold");
    }

    /** A round sent and received; the receive's refusal is returned (null when it landed). */
    StoreError refusedRound() throws Exception {
        clock = clock.plusSeconds(1);
        replicas.snapshot(List.of(source), clock);
        ReplicaPlan.Step step = ReplicaPlan.decide("h1", target, replicas.snapshots(source), replicas.target(target));
        try (Replicas.Sending s = replicas.send(source, step)) {
            try {
                replicas.receive(target, step, s.stream(), "h1");
            } catch (StoreError e) {
                return e;
            }
            s.finish();
        }
        return null;
    }

    @Test
    void aStreamThatWouldSetSetuidOnTheReplicaIsRefusedAndLandsNothing() throws Exception {
        // the sender's dataset as a compromised sender could make it: its stream (zfs send -p) says setuid=on
        store.set(source, Map.of("setuid", "on"));
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        StoreError e = refusedRound();
        assertTrue(e != null && e.getMessage().contains("setuid=1") && e.getMessage().contains("nothing received"), String.valueOf(e));
        assertFalse(store.exists(target), "nothing landed");
        store.set(source, Map.of("setuid", "off"));
        assertNull(refusedRound(), "setuid off travels");
        assertEquals("one", read(target));
    }

    /** A first round of "one", then 2 MiB and "two" in a round not sent yet: returns that round's step (an increment). */
    private ReplicaPlan.Step aBigIncrement() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        replicate();
        byte[] big = new byte[BIG];
        new java.util.Random(7).nextBytes(big);
        Files.write(store.mountpoint(source).resolve("big.bin"), big);
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "two");
        clock = clock.plusSeconds(1);
        replicas.snapshot(List.of(source), clock);
        return ReplicaPlan.decide("h1", target, replicas.snapshots(source), replicas.target(target));
    }

    static final int BIG = 2 << 20;

    @Test
    void aCutStreamLandsNothingAndTheNextTrySendsTheIncrementAgain() throws Exception {
        ReplicaPlan.Step step = aBigIncrement();
        try (Replicas.Sending s = replicas.send(source, step)) {
            InputStream cut = new ByteArrayInputStream(s.stream().readNBytes(256 * 1024));
            StoreError e = assertThrows(StoreError.class, () -> replicas.receive(target, step, cut, "h1"));
            assertTrue(e.getMessage().contains("replication interrupted"), e.getMessage());
        }
        assertEquals(1, replicas.snapshots(target).size(), "the cut increment did not land");
        assertEquals("one", read(target));
        assertInstanceOf(ReplicaPlan.Incremental.class, replicate());
        assertEquals("two", read(target));
        assertEquals(BIG, Files.size(store.mountpoint(target).resolve("big.bin")));
    }

    @Test
    void aReplicaThatSharesNothingWithItsSourceIsReceivedAgain() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        replicate();
        String first = replicas.snapshots(source).get(0).name();
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "two");
        clock = clock.plusSeconds(1);
        replicas.snapshot(List.of(source), clock);
        store.destroySnapshot(source, first);
        ReplicaPlan.Step step = ReplicaPlan.decide("h1", target, replicas.snapshots(source), replicas.target(target));
        assertInstanceOf(ReplicaPlan.Again.class, step);
        try (Replicas.Sending s = replicas.send(source, step)) {
            replicas.receive(target, step, s.stream(), "h1");
            s.finish();
        }
        assertEquals("two", read(target));
        assertEquals("h1", store.zedState(target).get(Replicas.REPLICA_OF));
    }

    @Test
    void theStandbysOwnDatasetIsRefused() {
        store.create(target.substring(0, target.lastIndexOf('/')), Map.of());
        store.create(target, Map.of());
        assertInstanceOf(ReplicaPlan.Refuse.class, replicate());
        assertFalse(store.zedState(target).containsKey(Replicas.REPLICA_OF));
    }

    @Test
    void aRollbackThatFailsLeavesTheReplicaMountedAndAReplicaForTheNextTry() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        replicate();
        String round = replicas.snapshots(target).get(replicas.snapshots(target).size() - 1).name();
        // a rollback to a round the replica does not hold fails, as a rollback with zfs-fuse's I/O error does
        assertThrows(StoreError.class, () -> replicas.takeOver(target, "zed-replica-19990101T000000.000Z"));
        assertEquals("one", read(target), "mounted again, as before the try");
        assertEquals("h1", store.zedState(target).get(Replicas.REPLICA_OF), "still a replica");
        replicas.takeOver(target, round);
        assertNull(store.zedState(target).get(Replicas.REPLICA_OF), "the next try takes it over");
        assertEquals("one", read(target));
    }

    @Test
    void aFailoverTakesTheReplicaBackToItsLastRoundAndTheOldSourceThenReceivesFromIt() throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "one");
        replicate();
        String root2 = target.substring(0, target.lastIndexOf('/'));
        assertEquals(List.of(target), replicas.replicasOf(root2, "web", "h1"));
        assertEquals(List.of(), replicas.replicasOf(root2, "web", "h9"), "only the lost host's replicas");
        assertEquals(List.of(), replicas.replicasOf(root2, "shop", "h1"), "only the level's");
        String round = replicas.snapshots(target).get(replicas.snapshots(target).size() - 1).name();

        // the source is lost with a change that never left it; the standby takes over at the round it holds
        Files.writeString(store.mountpoint(source).resolve("data.txt"), "lost");
        replicas.takeOver(target, round);
        assertNull(store.zedState(target).get(Replicas.REPLICA_OF), "the level's own dataset now");
        assertEquals("one", read(target));
        assertEquals(List.of(), replicas.replicasOf(root2, "web", "h1"));
        assertEquals(List.of(target), replicas.replicasOf(root2, "web", null), "the level's own, found again by a failover asked again");
        assertEquals(List.of(target), replicas.toTakeOver(root2, "web", "h1"), "taken over already: a failover asked again takes it with the others");
        assertEquals(List.of(), replicas.toTakeOver(root2, "shop", "h1"), "only the level's");

        // the old source comes back as a replica of the new host: an increment from the round they share lands on it,
        // over what it wrote after that round
        Files.writeString(store.mountpoint(target).resolve("data.txt"), "two");
        replicas.demote(source, "h2");
        clock = clock.plusSeconds(1);
        replicas.snapshot(List.of(target), clock);
        ReplicaPlan.Step back = ReplicaPlan.decide("h2", source, replicas.snapshots(target), replicas.target(source));
        assertInstanceOf(ReplicaPlan.Incremental.class, back, back.toString());
        try (Replicas.Sending sending = replicas.send(target, back)) {
            replicas.receive(source, back, sending.stream(), "h2");
            sending.finish();
        }
        assertEquals("two", read(source));
        assertEquals("h2", store.zedState(source).get(Replicas.REPLICA_OF));
    }
    @Test
    void aSourceThatBreaksMidStreamLandsNothingAndTheNextTryDoes() throws Exception {
        ReplicaPlan.Step step = aBigIncrement();
        try (Replicas.Sending s = replicas.send(source, step)) {
            // the primary or the link goes away after 300 KiB: the read fails, as a cut stream ref's does
            InputStream breaking = new java.io.FilterInputStream(s.stream()) {
                long read;

                @Override
                public int read(byte[] b, int off, int len) throws java.io.IOException {
                    if (read >= 300 << 10) throw new java.io.IOException("the link went away");
                    int n = super.read(b, off, (int) Math.min(len, (300 << 10) - read));
                    if (n > 0) read += n;
                    return n;
                }
            };
            StoreError e = assertThrows(StoreError.class, () -> replicas.receive(target, step, breaking, "h1"));
            assertTrue(e.getMessage().contains("replication interrupted") && e.getMessage().contains("the link went away"), e.getMessage());
        }
        assertEquals(1, replicas.snapshots(target).size(), "the cut increment did not land");
        assertEquals("one", read(target));
        assertEquals("h1", store.zedState(target).get(Replicas.REPLICA_OF), "still a replica for the next try");
        assertInstanceOf(ReplicaPlan.Incremental.class, replicate());
        assertEquals("two", read(target));
        assertEquals(BIG, Files.size(store.mountpoint(target).resolve("big.bin")));
    }

    @Test
    void aSendWhoseReaderGoesAwayEndsItsZfsSendAndLeavesTheSnapshotFreeToPrune() throws Exception {
        byte[] big = new byte[2 << 20];
        new java.util.Random(13).nextBytes(big);
        Files.write(store.mountpoint(source).resolve("big.bin"), big);
        String first = replicas.snapshot(List.of(source), clock);
        try (Replicas.Sending s = replicas.send(source, new ReplicaPlan.Full(first))) {
            assertEquals(64 << 10, s.stream().readNBytes(64 << 10).length);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (sending(source + "@" + first)) {
            assertTrue(System.nanoTime() < deadline, "the zfs send of " + first + " is still running after its reader went away");
            Thread.sleep(100); // polling interval of a deadline wait
        }
        String second = replicas.snapshot(List.of(source), clock.plusSeconds(1));
        replicas.prune(source, second);
        assertEquals(List.of(second), replicas.snapshots(source).stream().map(ReplicaPlan.Snap::name).toList(), "no hold of the cut send keeps the older round");
    }

    /** Whether a {@code zfs send} of {@code snapshot} runs on this host. */
    static boolean sending(String snapshot) {
        return ProcessHandle.allProcesses().anyMatch(p -> {
            String line = String.join(" ", p.info().arguments().orElse(new String[0]));
            return p.info().command().orElse("").endsWith("zfs") && line.contains("send") && line.contains(snapshot);
        });
    }
}
