package zed.reconciler.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** flock(2) within one JVM: every Flock is its own open of the file, so they conflict as two processes would. */
class FlockTest {
    @TempDir
    Path tmp;

    @Test
    void sharedLocksCoexistAndKeepAnExclusiveOut() {
        Path file = tmp.resolve("start.lock");
        try (Flock a = Flock.shared(file); Flock b = Flock.shared(file)) {
            assertEquals(Flock.Mode.SHARED, a.mode());
            assertTrue(Flock.tryShared(file).map(l -> {
                l.close();
                return true;
            }).orElse(false), "a third reader gets in too");
            assertEquals(Optional.empty(), Flock.tryExclusive(file), "no writer while readers hold it");
        }
        try (Flock c = Flock.tryExclusive(file).orElseThrow(() -> new AssertionError("free once the readers are gone"))) {
            assertEquals(Flock.Mode.EXCLUSIVE, c.mode());
        }
    }

    @Test
    void anExclusiveLockExcludesEveryOtherOpenInTheSameJvm() {
        Path file = tmp.resolve("start.lock");
        Flock held = Flock.exclusive(file);
        assertAll(
                () -> assertEquals(Optional.empty(), Flock.tryExclusive(file)),
                () -> assertEquals(Optional.empty(), Flock.tryShared(file)));
        held.close();
        held.close();
        assertTrue(held.toString().endsWith("(released)"), held.toString());
        try (Flock again = Flock.tryExclusive(file).orElseThrow(() -> new AssertionError("free after close"))) {
            assertEquals(file, again.path());
        }
    }

    @Test
    void theLockFileIsCreatedWhenMissingAndItsContentsAreLeftAlone() throws Exception {
        Path missing = tmp.resolve("new.lock");
        try (Flock ignored = Flock.exclusive(missing)) {
            assertTrue(Files.isRegularFile(missing));
        }
        Path withPid = tmp.resolve("pid.lock");
        Files.writeString(withPid, "4242\n");
        try (Flock ignored = Flock.exclusive(withPid)) {
            assertEquals("4242\n", Files.readString(withPid));
        }
        assertTrue(Files.exists(withPid), "unlocking does not delete the file");
    }

    @Test
    void aFailureNamesTheFileAndTheErrno() {
        Path nowhere = tmp.resolve("no-such-dir/start.lock");
        FlockError e = assertThrows(FlockError.class, () -> Flock.exclusive(nowhere));
        assertAll(
                () -> assertEquals(nowhere, e.path()),
                () -> assertEquals(2, e.errno()),
                () -> assertEquals(nowhere + ": open failed: errno 2 (No such file or directory)", e.getMessage()));
    }
}
