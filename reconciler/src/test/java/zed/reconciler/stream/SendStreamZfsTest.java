package zed.reconciler.stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The streams zfs-fuse itself sends (full and incremental, plain and with properties, files small and large, a
 * directory tree, an extended attribute) pass through {@link SendStream} byte for byte: its reading of every record's
 * length agrees with zfs's, to the stream's last byte.
 */
class SendStreamZfsTest {
    ZfsStore store;
    String root;
    String ds;

    @BeforeEach
    void setUp() {
        String pool = TestPool.pool("ZED_TEST_POOL");
        store = ZfsStore.probe(new ProcessCommand(), pool);
        root = pool + "/" + TestPool.freshName();
        ds = root + "/web";
        store.create(root, Map.of());
        store.create(ds, Map.of("com.zed:level", "web", "com.acme:note", "a\tb c", "compression", "on", "atime", "off"));
    }

    @AfterEach
    void tearDown() {
        if (store != null) TestPool.destroyTree(store, root);
    }

    static byte[] run(String... argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        byte[] out = p.getInputStream().readAllBytes();
        assertEquals(0, p.waitFor(), String.join(" ", argv));
        return out;
    }

    static byte[] through(byte[] stream) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SendStream.open(new ByteArrayInputStream(stream), StreamRules.OF_A_ROOT_NODE).forward(out);
        return out.toByteArray();
    }

    @Test
    void everyKindOfStreamZfsSendsPassesByteForByte() throws Exception {
        Path dir = store.mountpoint(ds);
        Random random = new Random(11);
        Files.writeString(dir.resolve("small.txt"), "one");
        byte[] big = new byte[700_000];
        random.nextBytes(big);
        Files.write(dir.resolve("big.bin"), big);
        Files.createDirectories(dir.resolve("a/b/c"));
        for (int i = 0; i < 50; i++) Files.writeString(dir.resolve("a/b/c/f" + i), "file " + i);
        Files.createSymbolicLink(dir.resolve("link"), Path.of("small.txt"));
        run("chmod", "4750", dir.resolve("small.txt").toString());
        run("zfs", "snapshot", ds + "@s1");
        Files.writeString(dir.resolve("small.txt"), "two");
        Files.delete(dir.resolve("a/b/c/f7"));
        random.nextBytes(big);
        Files.write(dir.resolve("big.bin"), big, java.nio.file.StandardOpenOption.WRITE);
        run("zfs", "snapshot", ds + "@s2");
        Files.writeString(dir.resolve("third.txt"), "three");
        run("zfs", "snapshot", ds + "@s3");

        List<List<String>> sends = new ArrayList<>(List.of(
                List.of("zfs", "send", ds + "@s1"),
                List.of("zfs", "send", "-p", ds + "@s1"),
                List.of("zfs", "send", "-i", ds + "@s1", ds + "@s2"),
                List.of("zfs", "send", "-p", "-i", ds + "@s1", ds + "@s2"),
                List.of("zfs", "send", "-p", "-I", ds + "@s1", ds + "@s3")));
        for (List<String> send : sends) {
            byte[] stream = run(send.toArray(String[]::new));
            assertTrue(stream.length > big.length / 2 || send.contains("-I"), send + ": " + stream.length + " bytes");
            assertArrayEquals(stream, through(stream), String.join(" ", send));
        }
    }
}
