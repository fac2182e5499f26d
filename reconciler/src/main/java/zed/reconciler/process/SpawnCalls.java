package zed.reconciler.process;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;

import java.util.List;

/**
 * posix_spawn(3) and its file actions straight from the C library through jnr-ffi. jnr-posix has no
 * {@code posix_spawn_file_actions_addclosefrom_np} (glibc 2.34, FreeBSD 13.1), and only that closes, in the child,
 * what another thread of the JVM opened a moment before the spawn: a listing made in the parent cannot.
 */
final class SpawnCalls {
    /** posix_spawn_file_actions_t and posix_spawnattr_t are opaque: 80 and 336 bytes in glibc, a pointer in FreeBSD. */
    private static final int OPAQUE = 1024;

    public interface C {
        int posix_spawn_file_actions_init(Pointer actions);

        int posix_spawn_file_actions_destroy(Pointer actions);

        int posix_spawn_file_actions_addopen(Pointer actions, int fd, String path, int flags, int mode);

        int posix_spawn_file_actions_adddup2(Pointer actions, int fd, int to);

        int posix_spawn_file_actions_addclose(Pointer actions, int fd);

        int posix_spawn_file_actions_addclosefrom_np(Pointer actions, int from);

        int posix_spawnattr_init(Pointer attr);

        int posix_spawnattr_destroy(Pointer attr);

        int posix_spawnattr_setflags(Pointer attr, short flags);

        int posix_spawnattr_setpgroup(Pointer attr, int group);

        int posix_spawnp(IntByReference pid, String file, Pointer actions, Pointer attr, String[] argv, String[] envp);

        String strerror(int errno);
    }

    private static final class Loaded {
        static final C C = LibraryLoader.create(SpawnCalls.C.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(C);
    }

    /** One file action, applied in the child in order. */
    sealed interface Action {
        record Open(int fd, String path, int flags, int mode) implements Action {
        }

        record Dup(int fd, int to) implements Action {
        }

        /** Every descriptor from {@code fd} up, closed in the child. */
        record CloseFrom(int fd) implements Action {
        }
    }

    private SpawnCalls() {
    }

    /**
     * Spawns {@code argv} (searched in the JVM's PATH only when {@code argv[0]} has no slash) with {@code envp}, in a
     * process group of its own when {@code ownGroup}; returns its pid.
     *
     * @throws CannotStart when the C library refuses, with its reason
     */
    static long spawn(List<String> argv, List<String> envp, List<Action> actions, boolean ownGroup, short setpgroupFlag) throws CannotStart {
        C c = Loaded.C;
        Pointer fa = Memory.allocateDirect(Loaded.RUNTIME, OPAQUE);
        Pointer attr = Memory.allocateDirect(Loaded.RUNTIME, OPAQUE);
        check(argv, c, c.posix_spawn_file_actions_init(fa), "file actions");
        try {
            check(argv, c, c.posix_spawnattr_init(attr), "attributes");
            try {
                for (Action a : actions) {
                    if (a instanceof Action.Open o) {
                        check(argv, c, c.posix_spawn_file_actions_addopen(fa, o.fd(), o.path(), o.flags(), o.mode()), "open " + o.path());
                    } else if (a instanceof Action.Dup d) {
                        check(argv, c, c.posix_spawn_file_actions_adddup2(fa, d.fd(), d.to()), "dup2");
                    } else if (a instanceof Action.CloseFrom f) {
                        closeFrom(argv, c, fa, f.fd());
                    }
                }
                if (ownGroup) {
                    check(argv, c, c.posix_spawnattr_setflags(attr, setpgroupFlag), "flags");
                    check(argv, c, c.posix_spawnattr_setpgroup(attr, 0), "process group");
                }
                IntByReference pid = new IntByReference();
                int rc = c.posix_spawnp(pid, argv.get(0), fa, attr, argv.toArray(String[]::new), envp.toArray(String[]::new));
                if (rc != 0) throw new CannotStart(argv.get(0), "posix_spawn: " + c.strerror(rc), null);
                return pid.getValue();
            } finally {
                c.posix_spawnattr_destroy(attr);
            }
        } finally {
            c.posix_spawn_file_actions_destroy(fa);
        }
    }

    /** closefrom in the child where the C library has it; else each descriptor open now (one opened meanwhile still leaks). */
    private static void closeFrom(List<String> argv, C c, Pointer fa, int from) throws CannotStart {
        try {
            check(argv, c, c.posix_spawn_file_actions_addclosefrom_np(fa, from), "closefrom");
            return;
        } catch (UnsatisfiedLinkError older) {
            // a C library before glibc 2.34 or FreeBSD 13.1
        }
        for (int fd : OpenDescriptors.aboveStderr()) if (fd >= from) check(argv, c, c.posix_spawn_file_actions_addclose(fa, fd), "close");
    }

    private static void check(List<String> argv, C c, int rc, String what) throws CannotStart {
        if (rc != 0) throw new CannotStart(argv.get(0), "posix_spawn " + what + ": " + c.strerror(rc), null);
    }
}
