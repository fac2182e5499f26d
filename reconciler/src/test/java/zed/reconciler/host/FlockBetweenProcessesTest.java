package zed.reconciler.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The lock between real processes: another JVM using Flock, as a second {@code zed up} would, and flock(1), which
 * uses flock(2) too: fcntl locks (java.nio FileLock) would not conflict with it, so these also show which lock
 * this is.
 */
class FlockBetweenProcessesTest {
    private static final String WAITER = "zed-flock-wait";

    @TempDir
    Path tmp;

    @Test
    void whileAnotherZedHoldsTheLockTryFailsAndWaitingLastsUntilItLetsGo() throws Exception {
        Path file = tmp.resolve("start.lock");
        try (Child other = Child.jvm("exclusive", file)) {
            other.awaitLine("locked");
            assertEquals(Optional.empty(), Flock.tryExclusive(file));
            assertEquals(Optional.empty(), Flock.tryShared(file));

            AtomicBoolean released = new AtomicBoolean();
            CompletableFuture<Boolean> gotItAfterRelease = new CompletableFuture<>();
            Thread waiter = new Thread(() -> {
                try (Flock ignored = Flock.exclusive(file)) {
                    gotItAfterRelease.complete(released.get());
                } catch (Throwable t) {
                    gotItAfterRelease.completeExceptionally(t);
                }
            }, WAITER);
            waiter.setDaemon(true);
            waiter.start();
            awaitBlockedInFlockOrDone(WAITER, gotItAfterRelease);
            assertFalse(gotItAfterRelease.isDone(), () -> "the waiter did not wait while the other zed held the lock: "
                    + gotItAfterRelease.handle((v, t) -> t == null ? "it got the lock" : t.toString()).join());

            released.set(true);
            other.release();
            assertTrue(gotItAfterRelease.get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS), "granted only after the release");
            assertEquals(0, other.awaitExit());
        }
    }

    @Test
    void aZedThatDiesLeavesNoStaleLock() throws Exception {
        Path file = tmp.resolve("start.lock");
        try (Child other = Child.jvm("exclusive", file)) {
            other.awaitLine("locked");
            assertEquals(Optional.empty(), Flock.tryExclusive(file));
            other.kill();
            other.awaitExit();
        }
        try (Flock lock = Flock.tryExclusive(file).orElseThrow(() -> new AssertionError("the kernel dropped the dead holder's lock"))) {
            assertTrue(Files.exists(lock.path()));
        }
    }

    @Test
    void whileThisZedHoldsTheLockAnotherOneCannotTakeIt() throws Exception {
        Path file = tmp.resolve("start.lock");
        try (Flock held = Flock.exclusive(file); Child other = Child.jvm("try-exclusive", file)) {
            other.awaitLine("busy");
            assertEquals(1, other.awaitExit());
        }
        try (Child other = Child.jvm("try-exclusive", file)) {
            other.awaitLine("locked");
            other.release();
            assertEquals(0, other.awaitExit());
        }
    }

    @Test
    void flockTheToolAndFlockTheClassExcludeEachOther() throws Exception {
        assumeTrue(onPath("flock"), "flock(1) from util-linux is not installed");
        Path file = tmp.resolve("start.lock");
        try (Child tool = Child.flockTool(file)) {
            tool.awaitLine("locked");
            assertEquals(Optional.empty(), Flock.tryExclusive(file));
            tool.release();
            assertEquals(0, tool.awaitExit());
        }
        try (Flock held = Flock.exclusive(file)) {
            assertEquals(1, flockNonBlocking(file, "--exclusive"), "flock -n reports the file busy");
            assertEquals(1, flockNonBlocking(file, "--shared"));
        }
        try (Flock held = Flock.shared(file)) {
            assertEquals(0, flockNonBlocking(file, "--shared"), "readers share it across processes");
            assertEquals(1, flockNonBlocking(file, "--exclusive"));
        }
        assertEquals(0, flockNonBlocking(file, "--exclusive"), "free again once closed");
    }

    private static int flockNonBlocking(Path file, String mode) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("flock", "--nonblock", mode, file.toString(), "true").inheritIO().start();
        if (!p.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)) throw new AssertionError("flock -n did not return");
        return p.exitValue();
    }

    private static boolean onPath(String tool) {
        return Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, tool)));
    }

    /**
     * Waits until the kernel shows the named thread asleep in a file-lock wait, so that "it waits" is observed
     * rather than assumed; or until the thread is done, having not waited. Linux names a JVM thread after its Java
     * name (15 characters at most) and shows the kernel function a sleeping thread waits in (wchan):
     * locks_lock_inode_wait, flock_lock_inode_wait.
     */
    private static void awaitBlockedInFlockOrDone(String threadName, CompletableFuture<?> done) {
        Path tasks = Path.of("/proc/self/task");
        // without Linux's /proc the test still shows that the lock comes only after the release
        if (!Files.isDirectory(tasks)) return;
        Await.until(threadName + " waiting in the kernel for the lock", () -> {
            if (done.isDone()) return true;
            try (Stream<Path> all = Files.list(tasks)) {
                return all.anyMatch(t -> threadName.equals(read(t.resolve("comm"))) && read(t.resolve("wchan")).contains("lock"));
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static String read(Path file) {
        try {
            return Files.readString(file).strip();
        } catch (IOException e) {
            return "";
        }
    }
}
