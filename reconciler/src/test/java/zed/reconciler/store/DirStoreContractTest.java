package zed.reconciler.store;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dir store passes the same contract as ZFS, in a temporary directory. */
class DirStoreContractTest extends StoreContract {
    @TempDir
    Path tmp;
    DirStore store;

    @BeforeEach
    void setUp() {
        store = new DirStore(tmp.resolve("store"));
    }

    @Override
    Store store() {
        return store;
    }

    @Override
    String root() {
        return "";
    }

    @Test
    void propertiesLiveInAFileInsideTheDatasetDirectory() throws Exception {
        store.create("a", Map.of("com.zed:rev", "1"));
        Path file = tmp.resolve("store/a/" + DirStore.PROPS);
        assertTrue(Files.readString(file).contains("\"com.zed:rev\" : \"1\""));
        store.set("a", Map.of("com.zed:rev", "2"));
        assertTrue(Files.readString(file).contains("\"com.zed:rev\" : \"2\""));
        try (var s = Files.list(tmp.resolve("store/a"))) {
            assertEquals(1, s.count(), "no temporary file is left behind");
        }
    }

    @Test
    void aDatasetNeverResolvesOutsideTheRoot() {
        assertThrows(StoreError.class, () -> store.dir("../../etc"));
        assertFalse(Files.exists(tmp.resolve("etc")));
    }
}
