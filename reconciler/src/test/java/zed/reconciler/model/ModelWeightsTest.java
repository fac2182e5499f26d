package zed.reconciler.model;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Copying a model's source into its dataset on the dir store (real files); the ZFS case is JobLevelTest's. */
class ModelWeightsTest {
    @TempDir
    Path tmp;
    Store store;
    Path src;

    @BeforeEach
    void setUp() throws Exception {
        store = new DirStore(tmp.resolve("store"));
        store.create("m", Map.of());
        src = tmp.resolve("weights");
        Files.createDirectories(src.resolve("layers"));
        Files.writeString(src.resolve("layers/0.bin"), "zero");
        Files.writeString(src.resolve("config.json"), "{}");
    }

    @Test
    void aDirectoryIsCopiedOnceAndStampedThenAChangeIsSnapshottedAndCopiedAgain() throws Exception {
        ModelWeights.Done first = ModelWeights.converge(store, "m", src);
        assertTrue(first.copied());
        assertEquals(1, first.version());
        Path mp = store.mountpoint("m");
        assertEquals("zero", Files.readString(mp.resolve("layers/0.bin")));
        Map<String, String> stamp = store.zedState("m");
        assertEquals(src.toString(), stamp.get(ModelCopy.SOURCE));
        assertEquals(ModelWeights.digest(src), stamp.get(ModelCopy.DIGEST));
        assertEquals("1", stamp.get(ModelCopy.VERSION));
        assertFalse(stamp.containsKey(ModelCopy.COPYING));

        ModelWeights.Done again = ModelWeights.converge(store, "m", src);
        assertFalse(again.copied());
        assertEquals(stamp.get(ModelCopy.COPIED_AT), store.zedState("m").get(ModelCopy.COPIED_AT));
        assertEquals(List.of(), store.snapshots("m"));

        Files.delete(src.resolve("config.json"));
        Files.writeString(src.resolve("layers/0.bin"), "ZERO");
        ModelWeights.Done changed = ModelWeights.converge(store, "m", src);
        assertEquals(2, changed.version());
        assertEquals("model-1", changed.snapshot());
        assertEquals("ZERO", Files.readString(mp.resolve("layers/0.bin")));
        assertFalse(Files.exists(mp.resolve("config.json")), "the dataset mirrors the source");
        List<Snapshot> snaps = store.snapshots("m");
        assertEquals(List.of("model-1"), snaps.stream().map(Snapshot::name).toList());
        assertEquals("1", snaps.get(0).zedState().get(ModelCopy.VERSION));
        assertEquals("2", store.zedState("m").get(ModelCopy.VERSION));
    }

    @Test
    void aFileLandsUnderItsNameAndACopyCutShortIsDoneAgain() throws Exception {
        Path file = src.resolve("config.json");
        ModelWeights.converge(store, "m", file);
        Path mp = store.mountpoint("m");
        assertEquals(List.of("config.json"), names(mp));
        // a node killed mid-copy leaves the mark and half the files
        store.set("m", Map.of(ModelCopy.COPYING, ModelWeights.digest(file)));
        Files.delete(mp.resolve("config.json"));
        ModelWeights.Done redone = ModelWeights.converge(store, "m", file);
        assertTrue(redone.copied());
        assertNull(redone.snapshot(), "half-copied files are not a version worth keeping");
        assertEquals("{}", Files.readString(mp.resolve("config.json")));
        assertFalse(store.zedState("m").containsKey(ModelCopy.COPYING));
    }

    private static List<String> names(Path dir) throws Exception {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.startsWith(".zed-")).sorted().toList();
        }
    }
}
