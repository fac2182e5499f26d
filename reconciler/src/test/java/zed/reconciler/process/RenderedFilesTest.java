package zed.reconciler.process;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RenderedFilesTest {
    @TempDir
    Path tmp;

    LevelSpec.FileSpec file(String path, Value body, String mode) {
        return new LevelSpec.FileSpec("config", path, body, mode, new Pos("Zedfile", 1, 1));
    }

    @Test
    void filesAreWrittenWithTheirModeAndSecretsResolved() throws Exception {
        Path p = tmp.resolve("etc/web/web.toml");
        String digest = RenderedFiles.write("service.exec.web", List.of(file(p.toString(),
                new Value.Secret(List.of("password=", new Value.SecretRef("db", null), "\n")), "0600")), ref -> "hunter2");
        assertEquals("password=hunter2\n", Files.readString(p));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
        try (var s = Files.list(p.getParent())) {
            assertEquals(1, s.count(), "no temporary file is left");
        }
        assertEquals(digest, RenderedFiles.write("service.exec.web", List.of(file(p.toString(),
                new Value.Secret(List.of("password=", new Value.SecretRef("db", null), "\n")), "0600")), ref -> "hunter2"));
    }

    @Test
    void anUnchangedFileIsNotRewrittenAndAChangedOneChangesTheDigest() throws Exception {
        Path p = tmp.resolve("a.conf");
        String d1 = RenderedFiles.write("s", List.of(file(p.toString(), new Value.Str("v1"), "0644")), ref -> "");
        var t1 = Files.getLastModifiedTime(p);
        Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.fromMillis(t1.toMillis() - 60_000));
        var older = Files.getLastModifiedTime(p);
        assertEquals(d1, RenderedFiles.write("s", List.of(file(p.toString(), new Value.Str("v1"), "0644")), ref -> ""));
        assertEquals(older, Files.getLastModifiedTime(p), "not rewritten");
        String d2 = RenderedFiles.write("s", List.of(file(p.toString(), new Value.Str("v2"), "0644")), ref -> "");
        assertNotEquals(d1, d2);
        assertEquals("v2", Files.readString(p));
    }

    @Test
    void anUnwritablePathIsAClearErrorNamingTheServiceAndLeavesNothing() throws Exception {
        Path blocker = tmp.resolve("not-a-dir");
        Files.writeString(blocker, "a file where a directory should be");
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, () -> RenderedFiles.write("service.exec.web",
                List.of(file(blocker.resolve("web.toml").toString(), new Value.Str("x"), "0644")), ref -> ""));
        assertTrue(e.getMessage().startsWith("service.exec.web: cannot write file \"config\" at " + blocker.resolve("web.toml")), e.getMessage());
        assertFalse(Files.exists(blocker.resolve("web.toml")));
    }

    @Test
    void downRemovesTheRenderedFiles() throws Exception {
        Path p = tmp.resolve("x.conf");
        RenderedFiles.write("s", List.of(file(p.toString(), new Value.Str("v"), "0644")), ref -> "");
        RenderedFiles.remove(List.of(file(p.toString(), new Value.Str("v"), "0644")));
        assertFalse(Files.exists(p));
    }
}
