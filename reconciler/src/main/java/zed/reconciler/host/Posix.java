package zed.reconciler.host;

import jnr.ffi.LastError;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;
import jnr.ffi.Runtime;
import jnr.ffi.annotations.Variadic;

/**
 * The few libc calls that Java does not offer: flock(2), and open(2)/close(2) for a descriptor of our own to lock.
 * The numbers are each kernel's ABI: JNR gives the functions, not the constants. Loaded on first use.
 */
final class Posix {
    static final int LOCK_SH = 1;
    static final int LOCK_EX = 2;
    static final int LOCK_NB = 4;
    static final int LOCK_UN = 8;
    static final int EINTR = 4;

    /** Public only because JNR implements it in a class loader of its own, which must be allowed to see it. */
    public interface C {
        // open(2) is variadic (the mode is the "..."), and on some ABIs (Apple arm64) variadic arguments travel
        // differently from fixed ones
        @Variadic(fixedCount = 2)
        int open(String path, int flags, int mode);

        int flock(int fd, int operation);

        int close(int fd);

        String strerror(int errno);
    }

    static final C LIBC = LibraryLoader.create(C.class).load("c");
    private static final Runtime RUNTIME = Runtime.getRuntime(LIBC);
    /**
     * O_RDONLY | O_CREAT | O_CLOEXEC: read-only is enough to lock and works on a lock file we may not write; the
     * file may not exist yet; and a child process (zed starts many) must not inherit the descriptor, or the lock
     * would live on in it after we unlock.
     */
    static final int OPEN_FLAGS;
    static final int EWOULDBLOCK;

    static {
        Platform.OS os = Platform.getNativePlatform().getOS();
        switch (os) {
            case LINUX -> {
                OPEN_FLAGS = 0100 | 02000000;
                EWOULDBLOCK = 11;
            }
            case FREEBSD -> {
                OPEN_FLAGS = 0x0200 | 0x00100000;
                EWOULDBLOCK = 35;
            }
            case DARWIN -> {
                OPEN_FLAGS = 0x0200 | 0x01000000;
                EWOULDBLOCK = 35;
            }
            default -> throw new UnsupportedOperationException("flock: the open(2) flags of " + os + " are not known");
        }
    }

    private Posix() {
    }

    /** errno of this thread's last call through {@link #LIBC}: JNR saves it before the JVM can change it. */
    static int errno() {
        return LastError.getLastError(RUNTIME);
    }
}
