package zed.reconciler.secret;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.Store;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The secrets store on a zfs-fuse pool ({@code <root>/zed/secrets}, properties as ZFS user properties), and what a
 * snapshot of it sends: ciphertext and fingerprints, never a value.
 */
class SecretStoreZfsTest extends SecretStoreTest {
    ZfsStore zfs;
    String root;

    @Override
    String pool() {
        return root;
    }

    @Override
    Store store() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        zfs = ZfsStore.probe(new ProcessCommand(), pool);
        root = pool + "/" + TestPool.freshName();
        zfs.create(root, Map.of());
        return zfs;
    }

    /**
     * A file as the snapshot holds it, read from a clone of the snapshot (zfs-fuse has no {@code .zfs/snapshot}),
     * which goes again before the test's tree does.
     */
    @Override
    byte[] fileIn(String snapshot, String file) throws Exception {
        String clone = root + "/seen-" + snapshot;
        Process p = new ProcessBuilder("zfs", "clone", secrets.dataset() + "@" + snapshot, clone).redirectErrorStream(true).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "zfs clone did not finish");
        assertEquals(0, p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        try {
            return Files.readAllBytes(zfs.mountpoint(clone).resolve(file));
        } finally {
            zfs.destroy(clone);
        }
    }

    @AfterEach
    void destroy() {
        if (zfs != null && root != null) TestPool.destroyTree(zfs, root);
    }

    @Test
    void aZfsSendStreamOfTheSecretsHoldsNoValue() throws Exception {
        String ds = root + "/zed/secrets";
        assertEquals(ds, secrets.dataset());
        secrets.set(new Slot("db"), null, VALUE.getBytes(StandardCharsets.UTF_8));
        secrets.set(new Slot("api"), "token", VALUE.getBytes(StandardCharsets.UTF_8));
        assertTrue(zfs.zedState(ds).get("com.zed:secret.db.fingerprint").startsWith("hmac-sha256:"), "the fingerprint is a ZFS property: " + zfs.zedState(ds));
        zfs.snapshot(List.of(ds), "sent", Map.of());
        Path stream = tmp.resolve("stream");
        // -p: the properties travel too, as a standby's receive gets them
        Process send = new ProcessBuilder("zfs", "send", "-p", ds + "@sent").redirectOutput(stream.toFile()).redirectError(tmp.resolve("send.err").toFile()).start();
        assertTrue(send.waitFor(60, TimeUnit.SECONDS), "zfs send did not finish");
        assertEquals(0, send.exitValue(), Files.readString(tmp.resolve("send.err")));
        byte[] sent = Files.readAllBytes(stream);
        String asText = new String(sent, StandardCharsets.ISO_8859_1);
        assertTrue(asText.contains("age-encryption.org/v1"), "the stream holds the age files (" + sent.length + " bytes)");
        assertTrue(asText.contains("hmac-sha256:"), "and the fingerprint properties");
        assertFalse(asText.contains(VALUE), "the value in plaintext in the stream");
        assertFalse(new String(sent, StandardCharsets.UTF_16LE).contains(VALUE));
    }
}
