package zed.reconciler.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.StoreError;
import zed.reconciler.store.TestPool;
import zed.reconciler.store.ZfsStore;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * zed ops on a real Unix socket, as root: who it serves (a client under another uid, started with setpriv), what it
 * refuses, and what its audit log records. The refusals run no zfs; the destroy and rollback run on the zfs-fuse pool.
 */
class OpsServerTest {
    static final String ROOT = "zedtest-ops/managed";
    Path dir;
    Path audit;
    OpsServer ops;

    @BeforeEach
    void setUp() throws IOException {
        // not JUnit's 0700 temp dir: the other uid must reach the socket, as it reaches /run/zed
        dir = Files.createTempDirectory("zed-ops-test");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        audit = dir.resolve("audit.log");
    }

    @AfterEach
    void tearDown() throws IOException {
        if (ops != null) ops.close();
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    OpsServer start(String group, Set<String> served, List<String> roots) throws IOException {
        ops = new OpsServer(dir.resolve("run/ops.sock"), group, served, new OpsRules(roots, List.of()), new AuditLog(audit),
                p -> ZfsStore.probe(new ProcessCommand(), p));
        ops.start();
        Files.setPosixFilePermissions(dir.resolve("run"), PosixFilePermissions.fromString("rwxr-xr-x"));
        return ops;
    }

    String auditText() throws IOException {
        return Files.readString(audit);
    }

    /** Runs a one-file client (the JDK's source launcher, no class path to reach) as uid/gid 65534 (nobody/nogroup). */
    String asNobody(String request) throws Exception {
        Path src = dir.resolve("Client.java");
        Files.writeString(src, """
                import java.net.*; import java.nio.*; import java.nio.channels.*; import java.nio.charset.StandardCharsets;
                public class Client {
                    public static void main(String[] a) throws Exception {
                        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                            ch.connect(UnixDomainSocketAddress.of(a[0]));
                            byte[] b = a[1].getBytes(StandardCharsets.UTF_8);
                            ByteBuffer f = ByteBuffer.allocate(4 + b.length); f.putInt(b.length).put(b).flip();
                            while (f.hasRemaining()) ch.write(f);
                            ByteBuffer len = ByteBuffer.allocate(4);
                            while (len.hasRemaining()) if (ch.read(len) < 0) throw new Exception("closed without an answer");
                            ByteBuffer body = ByteBuffer.allocate(len.flip().getInt());
                            while (body.hasRemaining()) if (ch.read(body) < 0) throw new Exception("closed inside the answer");
                            System.out.println(new String(body.array(), StandardCharsets.UTF_8));
                        }
                    }
                }
                """);
        Files.setPosixFilePermissions(src, PosixFilePermissions.fromString("rw-r--r--"));
        String java = ProcessHandle.current().info().command().orElseThrow();
        Process p = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java, "-Xshare:off", src.toString(),
                ops.socket().toString(), request).redirectErrorStream(true).start();
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "the client as nobody did not end within 90 s");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out;
    }

    @Test
    void aClientUnderAnotherUidIsRefusedAndAudited() throws Exception {
        start("nogroup", Set.of(), List.of(ROOT));
        PosixFileAttributes a = Files.readAttributes(ops.socket(), PosixFileAttributes.class);
        assertEquals("rw-rw----", PosixFilePermissions.toString(a.permissions()));
        assertEquals("nogroup", a.group().getName());
        String out = asNobody("{\"op\":\"destroy\",\"dataset\":\"" + ROOT + "/a\"}");
        assertTrue(out.contains("\"kind\":\"PERMISSION\"") && out.contains("not user nobody"), out);
        assertTrue(auditText().contains("refused: user nobody is not served"), auditText());
    }

    @Test
    void theServedUserGetsPastTheUidCheckToTheRules() throws Exception {
        start("nogroup", Set.of("nobody"), List.of(ROOT));
        // its request reaches the rules (and is refused there, running no zfs): the uid check let it through
        String out = asNobody("{\"op\":\"destroy\",\"dataset\":\"elsewhere/a\"}");
        assertTrue(out.contains("\"kind\":\"NOT_MANAGED\"") && out.contains("outside the managed roots"), out);
        assertTrue(auditText().contains("\"peer\":\"user nobody group nogroup\""), auditText());
    }

    @Test
    void eachInvalidArgumentIsRefusedOverTheSocketAndAudited() throws IOException {
        start(null, Set.of(), List.of(ROOT));
        OpsStore store = new OpsStore(ops.socket(), "zedtest-ops");
        Map<String, Runnable> bad = new java.util.LinkedHashMap<>();
        bad.put("outside", () -> store.destroy("elsewhere/x"));
        bad.put("at", () -> store.create(ROOT + "/a@b", Map.of()));
        bad.put("dots", () -> store.destroy(ROOT + "/../x"));
        bad.put("empty", () -> store.create("", Map.of()));
        bad.put("oversized name", () -> store.create(ROOT + "/" + "a".repeat(300), Map.of()));
        bad.put("property", () -> store.set(ROOT + "/a", Map.of("setuid", "on")));
        bad.put("snapshot name", () -> store.rollback(ROOT + "/a", "-r"));
        for (var e : bad.entrySet()) {
            StoreError x = assertThrows(StoreError.class, e.getValue()::run, e.getKey());
            assertTrue(x.getMessage().contains("refused by zed ops"), e.getKey() + ": " + x.getMessage());
        }
        ObjectNode unknown = Frames.JSON.createObjectNode().put("op", "exec").put("dataset", ROOT + "/a");
        assertTrue(raw(Frames.JSON.writeValueAsBytes(unknown), -1).contains("unknown operation"));
        List<String> lines = auditText().lines().toList();
        assertEquals(bad.size() + 1, lines.size(), auditText());
        assertTrue(lines.stream().allMatch(l -> l.contains("\"result\":\"refused: ") && l.contains("\"peer\":\"user root")), auditText());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(audit)));
    }

    @Test
    void anOversizedFrameIsRefusedUnreadAndAudited() throws IOException {
        start(null, Set.of(), List.of(ROOT));
        String answer = raw(new byte[16], Frames.MAX_REQUEST + 1);
        assertTrue(answer.contains("exceeds the maximum of " + Frames.MAX_REQUEST), answer);
        assertTrue(auditText().contains("refused: a frame of " + (Frames.MAX_REQUEST + 1) + " bytes exceeds"), auditText());
    }

    /** Sends one frame whose length field says {@code length} (its body's when negative) and returns the answer's text. */
    String raw(byte[] body, int length) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(ops.socket()));
            ByteBuffer f = ByteBuffer.allocate(4 + body.length);
            f.putInt(length < 0 ? body.length : length).put(body).flip();
            while (f.hasRemaining()) ch.write(f);
            return Frames.read(ch, Frames.MAX_ANSWER).toString();
        }
    }

    @Test
    void destroysAndRollbacksAreAuditedWithWhoWhatAndWhen() throws IOException {
        String pool = TestPool.pool("ZED_TEST_POOL");
        ZfsStore direct = ZfsStore.probe(new ProcessCommand(), pool);
        String root = pool + "/" + TestPool.freshName();
        direct.create(root, Map.of());
        try {
            start(null, Set.of(), List.of(root));
            OpsStore store = new OpsStore(ops.socket(), pool);
            store.create(root + "/data", Map.of("com.zed:rev", "1"));
            store.snapshot(List.of(root + "/data"), "s1", Map.of());
            store.snapshot(List.of(root + "/data"), "s2", Map.of());
            store.rollback(root + "/data", "s1");
            store.destroySnapshot(root + "/data", "s1");
            store.destroy(root + "/data");
            assertTrue(!direct.exists(root + "/data"));
            List<String> lines = auditText().lines().toList();
            for (String op : List.of("rollback", "destroySnapshot", "destroy")) {
                for (String result : List.of("started", "ok")) {
                    assertTrue(lines.stream().anyMatch(l -> l.contains("\"op\":\"" + op + "\"") && l.contains("\"result\":\"" + result + "\"")
                            && l.contains("\"peer\":\"user root") && l.contains("\"at\":\"2")), op + " " + result + ": " + auditText());
                }
            }
            // creates and snapshots are not destructive: not in the log
            assertTrue(lines.stream().noneMatch(l -> l.contains("\"op\":\"create\"") || l.contains("\"op\":\"snapshot\"")), auditText());
            StoreError gone = assertThrows(StoreError.class, () -> store.destroy(root + "/data"));
            assertEquals(StoreError.Kind.NO_SUCH_DATASET, gone.kind(), gone.getMessage());
            assertTrue(auditText().lines().reduce((x, y) -> y).orElseThrow().contains("\"result\":\"failed: "), auditText());
        } finally {
            TestPool.destroyTree(direct, root);
        }
    }
}
