package zed.reconciler.model;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.StoreError;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A copy into a real zfs-fuse dataset that fills its quota: a typed failure, recorded, and done whole the next time. */
class ModelWeightsZfsTest {
    @TempDir
    Path tmp;
    ZfsStore zfs;
    String root;

    @AfterEach
    void cleanUp() {
        if (zfs != null) TestPool.destroyTree(zfs, root);
    }

    @Test
    void aCopyThatFillsTheDatasetsQuotaFailsAsNoSpaceKeepsItsMarkAndIsDoneWholeOnceThereIsRoom() throws Exception {
        String pool = TestPool.pool("ZED_TEST_POOL");
        zfs = ZfsStore.probe(new ProcessCommand(), pool);
        root = pool + "/" + TestPool.freshName();
        zfs.create(root, Map.of());
        String model = root + "/m";
        zfs.create(model, Map.of("quota", "1M"));
        byte[] weights = new byte[4 << 20];
        new Random(7).nextBytes(weights); // incompressible, whatever the pool's compression
        Path src = tmp.resolve("weights.bin");
        Files.write(src, weights);

        StoreError full = assertThrows(StoreError.class, () -> ModelWeights.converge(zfs, model, src));
        assertEquals(StoreError.Kind.NO_SPACE, full.kind(), full.getMessage());
        assertEquals(model, full.dataset());
        assertTrue(full.getMessage().contains("copying its model source " + src), full.getMessage());
        Map<String, String> state = zfs.zedState(model);
        assertEquals(ModelWeights.digest(src), state.get(ModelCopy.COPYING), "the cut-short copy is on record");
        assertNull(state.get(ModelCopy.DIGEST), "and nothing says it was copied");

        zfs.set(model, Map.of("quota", "none"));
        ModelWeights.Done done = ModelWeights.converge(zfs, model, src);
        assertEquals(1, done.version());
        assertNull(done.snapshot(), "half-copied files are not kept as a version");
        assertArrayEquals(weights, Files.readAllBytes(zfs.mountpoint(model).resolve("weights.bin")));
        assertEquals(List.of(), zfs.snapshots(model));
        assertNull(zfs.zedState(model).get(ModelCopy.COPYING));
    }
}
