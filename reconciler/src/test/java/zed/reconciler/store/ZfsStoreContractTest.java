package zed.reconciler.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.PlanRunner;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Snapshots;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract against a real zfs-fuse pool, plus what only ZFS has: one-call reads, quotas, busy mounts, holds. */
class ZfsStoreContractTest extends StoreContract {
    String pool;
    String root;
    TestPool.Counting command;
    ZfsStore store;

    @BeforeEach
    void setUp() {
        pool = TestPool.pool("ZED_TEST_POOL");
        command = new TestPool.Counting();
        store = ZfsStore.probe(command, pool);
        root = pool + "/" + TestPool.freshName();
        store.create(root, Map.of());
    }

    @AfterEach
    void tearDown() {
        if (store != null) TestPool.destroyTree(store, root);
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    String root() {
        return root;
    }

    @Test
    void aLevelRootThreeNamesDeepConvergesWhetherItsAncestorsExistOrNot() {
        LevelSpec spec = Specs.level("deep", Specs.dataset("web", Map.of()));
        // <root>/a exists, <root>/a/b does not: only b and the dataset are made
        store.create(root + "/a", Map.of());
        Convergence.Result first = Convergence.converge(spec, store, root + "/a/b", zed.reconciler.dataset.Stamp.now(1));
        assertTrue(first.converged(), () -> String.valueOf(first.report().failure()));
        assertTrue(store.exists(root + "/a/b/web"));
        // every ancestor exists now: converging again makes nothing ("cannot create 'tank/a': dataset already exists")
        Convergence.Result again = Convergence.converge(spec, store, root + "/a/b", zed.reconciler.dataset.Stamp.now(1));
        assertTrue(again.converged(), () -> String.valueOf(again.report().failure()));
        assertTrue(again.plan().steps().isEmpty(), again.plan().table());
        // nothing of the chain exists: each missing one is made, top first
        Convergence.Result fresh = Convergence.converge(spec, store, root + "/x/y", zed.reconciler.dataset.Stamp.now(1));
        assertTrue(fresh.converged(), () -> String.valueOf(fresh.report().failure()));
        assertTrue(store.exists(root + "/x/y/web"));
    }

    @Test
    void probingFindsWhatZfsFuseLacks() {
        Capabilities c = store.capabilities();
        // zfs-fuse 0.7 (CI); OpenZFS 2.x would say true to all of these
        if (!Files.exists(Path.of("/sbin/zfs")) || Files.exists(Path.of("/usr/sbin/zfs-fuse"))) {
            assertFalse(c.multiSet());
            assertFalse(c.listParsable());
            assertFalse(c.multiSnapshot());
            assertFalse(c.resumableReceive());
            assertTrue(c.holds());
        }
    }

    @Test
    void observingAThousandDatasetsWorthIsOneCommand() {
        Convergence.converge(web(Map.of()), store, root, stamp(1));
        int before = command.calls.get();
        Map<String, Observation> all = store.observe(root, Set.of("compression", "quota"));
        assertEquals(1, command.calls.get() - before);
        assertEquals(4, all.size(), all.keySet().toString());
    }

    @Test
    void aLevelsStateAndSnapshotsAreOneCommandEach() {
        Convergence.converge(web(Map.of()), store, root, stamp(1));
        int before = command.calls.get();
        store.zedStates(root);
        store.snapshotNames(root);
        assertEquals(2, command.calls.get() - before);
    }

    @Test
    void anInvalidNameRunsNoCommand() {
        int before = command.calls.get();
        assertThrows(StoreError.class, () -> store.create(root + "/-o", Map.of()));
        assertThrows(StoreError.class, () -> store.destroy(root + "/../x"));
        assertEquals(before, command.calls.get());
    }

    @Test
    void outOfQuotaIsTypedAndLeavesThePreviousStamp() throws IOException {
        LevelSpec v1 = Specs.level("shop", Specs.dataset("data", Map.of("quota", "8M")));
        Convergence.Result c1 = Convergence.converge(v1, store, root, stamp(1));
        assertTrue(c1.converged(), c1.after() == null ? c1.report().toString() : c1.after().table());
        Path file = store.mountpoint(root + "/data").resolve("fill");
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[1 << 20];
            new java.util.Random(1).nextBytes(block);
            for (int i = 0; i < 16; i++) out.write(block);
        } catch (IOException full) {
            // the quota stops the writes: that is the point
        }
        LevelSpec v2 = Specs.level("shop", Specs.dataset("data", Map.of("quota", "1M", "compression", "on")));
        Plan p = Convergence.plan(v2, store, root, stamp(2));
        PlanRunner.Report r = PlanRunner.apply(p, store);
        assertFalse(r.ok());
        assertEquals(StoreError.Kind.NO_SPACE, r.failure().kind(), r.failure().getMessage());
        assertTrue(r.failure().getMessage().startsWith(root + "/data: out of space or quota"), r.failure().getMessage());
        Observation o = store.observe(root, Set.of("quota")).get(root + "/data");
        assertEquals("1", o.own(Planner.REV), "still the previous stamp");
        assertEquals(Planner.specHash("data", Map.of("quota", "8M")), o.own(Planner.SPEC_HASH));
        assertEquals(String.valueOf(8 << 20), o.value("quota"));
    }

    @Test
    void aBusyDatasetIsTypedAndCanBeDestroyedOnceFree() throws Exception {
        store.create(root + "/busy", Map.of());
        Path mp = store.mountpoint(root + "/busy");
        Process holder = new ProcessBuilder("tail", "-f", "/dev/null").directory(mp.toFile()).start();
        try {
            StoreError e = assertThrows(StoreError.class, () -> store.destroy(root + "/busy"));
            assertEquals(StoreError.Kind.BUSY, e.kind(), e.getMessage());
        } finally {
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
        store.destroy(root + "/busy");
        assertFalse(store.exists(root + "/busy"));
    }

    @Test
    void aHeldSnapshotSurvivesRetention() {
        Convergence.converge(web(Map.of()), store, root, stamp(1));
        String d = root + "/apps/web";
        for (int rev = 2; rev <= 4; rev++) Snapshots.beforeDeploy(store, List.of(d), rev, T0.plusSeconds(rev));
        store.hold(Replicator.HOLD, d, "zed-deploy-2-20261126T100002Z");
        Snapshots.Pruned p = Snapshots.prune(store, d, 1, Set.of());
        assertEquals(List.of("zed-deploy-3-20261126T100003Z"), p.destroyed());
        assertEquals(List.of("zed-deploy-2-20261126T100002Z"), p.skipped());
    }

    @Test
    void aSlowCommandTimesOutAndIsTyped() {
        ZfsStore slow = new ZfsStore((argv, timeout, subject) -> new ProcessCommand().run(List.of("sleep", "5"), timeout, subject),
                store.capabilities(), Duration.ofMillis(200), Duration.ofMillis(200));
        StoreError e = assertThrows(StoreError.class, () -> slow.create(root + "/x", Map.of()));
        assertEquals(StoreError.Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().startsWith(root + "/x: timed out"), e.getMessage());
    }
}
