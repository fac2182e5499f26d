package zed.reconciler.host;

import java.nio.file.Path;
import java.util.Optional;

/**
 * An flock(2) lock on a file, held until {@link #close()}; {@code zed up} holds one on {@code <state>/start.lock}.
 * <p>
 * Why flock(2) through JNR and not {@link java.nio.channels.FileLock}: on Linux a FileLock is an fcntl(2) POSIX
 * record lock. Those belong to the process, not to the open file: two opens in one JVM would not exclude each other
 * (the JVM only papers over that with OverlappingFileLockException), closing any descriptor of the file drops all of
 * the process's locks on it, and they do not conflict with flock(1) or other tools that use flock(2). An flock(2)
 * lock belongs to the open file description: every {@code Flock} opens the file anew, so two of them conflict even
 * within one JVM, exactly as two processes do, and the kernel drops the lock when its holder dies.
 * <p>
 * A blocking acquire waits inside the kernel: a Java interrupt does not wake it; use a {@code try} variant when
 * waiting is not wanted.
 */
public final class Flock implements AutoCloseable {
    public enum Mode {
        SHARED(Posix.LOCK_SH), EXCLUSIVE(Posix.LOCK_EX);

        final int operation;

        Mode(int operation) {
            this.operation = operation;
        }
    }

    private final Path path;
    private final Mode mode;
    private int fd;

    private Flock(Path path, Mode mode, int fd) {
        this.path = path;
        this.mode = mode;
        this.fd = fd;
    }

    /** Waits until no one else holds a lock on {@code file}, then holds it exclusively. The file is created if missing. */
    public static Flock exclusive(Path file) {
        return acquire(file, Mode.EXCLUSIVE, true).orElseThrow();
    }

    /** Waits until no one holds {@code file} exclusively, then holds it shared with any other shared holders. */
    public static Flock shared(Path file) {
        return acquire(file, Mode.SHARED, true).orElseThrow();
    }

    /** The exclusive lock if it is free now; empty when anyone else holds a lock on the file. */
    public static Optional<Flock> tryExclusive(Path file) {
        return acquire(file, Mode.EXCLUSIVE, false);
    }

    /** A shared lock if no one holds the file exclusively now; empty otherwise. */
    public static Optional<Flock> tryShared(Path file) {
        return acquire(file, Mode.SHARED, false);
    }

    public Path path() {
        return path;
    }

    public Mode mode() {
        return mode;
    }

    /** Unlocks and closes the file. Closing twice does nothing. The lock file itself stays. */
    @Override
    public synchronized void close() {
        if (fd < 0) return;
        int f = fd;
        fd = -1;
        // unlock explicitly, not only by closing: should the descriptor have been duplicated (a fork by native code),
        // closing ours alone would leave the lock held by the copy
        int unlocked = retryingEintr(() -> Posix.LIBC.flock(f, Posix.LOCK_UN));
        int unlockErrno = unlocked < 0 ? Posix.errno() : 0;
        // close(2) is not retried on EINTR: Linux and FreeBSD have released the descriptor by then, and a retry
        // could close one that another thread just opened
        int closeErrno = Posix.LIBC.close(f) < 0 ? Posix.errno() : 0;
        if (closeErrno != 0 && closeErrno != Posix.EINTR) throw error(path, "close", closeErrno);
        if (unlocked < 0) throw error(path, "flock(LOCK_UN)", unlockErrno);
    }

    @Override
    public synchronized String toString() {
        return (mode == Mode.EXCLUSIVE ? "exclusive" : "shared") + " flock on " + path + (fd < 0 ? " (released)" : "");
    }

    private static Optional<Flock> acquire(Path file, Mode mode, boolean wait) {
        String name = file.toString();
        int fd = retryingEintr(() -> Posix.LIBC.open(name, Posix.OPEN_FLAGS, 0644));
        if (fd < 0) throw error(file, "open", Posix.errno());
        int op = mode.operation | (wait ? 0 : Posix.LOCK_NB);
        // a blocking flock is woken by any signal the JVM handles (EINTR): that is not a failure, wait again
        if (retryingEintr(() -> Posix.LIBC.flock(fd, op)) == 0) return Optional.of(new Flock(file, mode, fd));
        int errno = Posix.errno();
        Posix.LIBC.close(fd);
        if (!wait && errno == Posix.EWOULDBLOCK) return Optional.empty();
        throw error(file, "flock(" + (mode == Mode.EXCLUSIVE ? "LOCK_EX" : "LOCK_SH") + (wait ? "" : "|LOCK_NB") + ")", errno);
    }

    private interface Call {
        int call();
    }

    private static int retryingEintr(Call call) {
        int r;
        do {
            r = call.call();
        } while (r < 0 && Posix.errno() == Posix.EINTR);
        return r;
    }

    private static FlockError error(Path file, String call, int errno) {
        return new FlockError(file, call, errno, Posix.LIBC.strerror(errno));
    }
}
