package zed.reconciler.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Snapshots;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Replication between the two zfs-fuse test pools: full, incremental, and interrupted then resumed. */
class ReplicationTest {
    @TempDir
    Path tmp;
    ZfsStore store;
    String source;
    String target;

    @BeforeEach
    void setUp() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        String pool2 = TestPool.pool("ZED_TEST_POOL2");
        store = ZfsStore.probe(new ProcessCommand(), pool);
        source = pool + "/" + TestPool.freshName();
        target = pool2 + "/" + TestPool.freshName();
        store.create(source, Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop", Planner.REV, "1"));
    }

    @AfterEach
    void tearDown() {
        if (store == null) return;
        TestPool.destroyTree(store, source);
        TestPool.destroyTree(store, target);
    }

    private void deploy(long rev, String content) throws Exception {
        Files.writeString(store.mountpoint(source).resolve("data.txt"), content);
        store.set(source, Map.of(Planner.REV, String.valueOf(rev)));
        Snapshots.beforeDeploy(store, List.of(source), rev + 1, Instant.parse("2026-11-26T10:00:00Z").plusSeconds(rev));
    }

    @Test
    void aFullThenIncrementalReplicationCarriesDataAndState() throws Exception {
        Replicator r = new Replicator(store, new ResumeTokens(tmp.resolve("tokens.json")), Duration.ofMinutes(2));
        deploy(1, "one");
        Replicator.Result first = r.replicate(source, target);
        assertTrue(first.full(), "the first send is a full one");
        assertEquals("one", Files.readString(store.mountpoint(target).resolve("data.txt")));
        Map<String, Observation> there = store.observe(target, Set.of());
        assertEquals("1", there.get(target).own(Planner.REV), "received com.zed:* state counts as the standby's own");
        assertEquals("received", there.get(target).properties().get(Planner.REV).source());

        deploy(2, "two");
        deploy(3, "three");
        Replicator.Result second = r.replicate(source, target);
        assertEquals("zed-deploy-2-20261126T100001Z", second.from());
        assertEquals("zed-deploy-4-20261126T100003Z", second.to());
        assertEquals("three", Files.readString(store.mountpoint(target).resolve("data.txt")));
        assertEquals(List.of("zed-deploy-2-20261126T100001Z", "zed-deploy-3-20261126T100002Z", "zed-deploy-4-20261126T100003Z"),
                store.snapshots(target).stream().map(Snapshot::name).toList());
        assertEquals("3", store.snapshots(target).get(2).zedState().get(Planner.REV), "snapshot state travels too");
        assertEquals("3", store.observe(target, Set.of()).get(target).own(Planner.REV));
    }

    @Test
    void anInterruptedReplicationIsResumedByTheNextTry() throws Exception {
        Replicator r = new Replicator(store, new ResumeTokens(tmp.resolve("tokens.json")), Duration.ofMinutes(2));
        deploy(1, "one");
        r.replicate(source, target);
        byte[] big = new byte[4 << 20];
        new java.util.Random(7).nextBytes(big);
        Files.write(store.mountpoint(source).resolve("big.bin"), big);
        deploy(2, "two");

        StoreError e = assertThrows(StoreError.class, () -> r.cutNextAfter(256 * 1024).replicate(source, target));
        assertTrue(e.getMessage().contains("replication interrupted: the stream was cut after 262144 bytes"), e.getMessage());
        assertEquals(1, store.snapshots(target).size(), "the cut increment did not land");

        Replicator.Result again = r.replicate(source, target);
        assertEquals("zed-deploy-2-20261126T100001Z", again.from(), "it starts again from the newest common snapshot");
        assertEquals("two", Files.readString(store.mountpoint(target).resolve("data.txt")));
        assertEquals(big.length, Files.size(store.mountpoint(target).resolve("big.bin")));
        assertEquals("2", store.observe(target, Set.of()).get(target).own(Planner.REV));
    }

    @Test
    void theNewestCommonSnapshotIsHeldAgainstRetention() throws Exception {
        Replicator r = new Replicator(store, new ResumeTokens(tmp.resolve("tokens.json")), Duration.ofMinutes(2));
        deploy(1, "one");
        deploy(2, "two");
        r.replicate(source, target);
        deploy(3, "three");
        Snapshots.Pruned p = Snapshots.prune(store, source, 1, Set.of());
        assertEquals(List.of("zed-deploy-2-20261126T100001Z"), p.destroyed());
        assertEquals(List.of("zed-deploy-3-20261126T100002Z"), p.skipped(), "held: the next increment starts there");
        assertFalse(store.snapshots(source).isEmpty());
        r.replicate(source, target);
        assertEquals("three", Files.readString(store.mountpoint(target).resolve("data.txt")));
    }

    @Test
    void aTargetWithNoCommonSnapshotIsNeverOverwritten() throws Exception {
        Replicator r = new Replicator(store, new ResumeTokens(tmp.resolve("tokens.json")), Duration.ofMinutes(2));
        deploy(1, "one");
        store.create(target, Map.of());
        store.snapshot(List.of(target), "other", Map.of());
        StoreError e = assertThrows(StoreError.class, () -> r.replicate(source, target));
        assertTrue(e.getMessage().contains("shares no snapshot with " + source + "; refusing to overwrite it"), e.getMessage());
    }
}
