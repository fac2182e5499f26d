package zed.reconciler.service;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Platform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** The two atomic switches of a release: the {@code current} symlink, and a version directory replaced in place. */
final class Swap {
    private Swap() {
    }

    /**
     * Points {@code link} at {@code target} (kept as written: relative stays relative) in one rename, so that anyone
     * following the link sees the old target or the new one, never no link at all.
     */
    static void symlink(Path link, Path target) throws IOException {
        Path tmp = link.resolveSibling(link.getFileName() + ".tmp");
        Files.deleteIfExists(tmp); // left by a node that died between the two steps
        Files.createSymbolicLink(tmp, target);
        Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /**
     * Trades two directories' places: afterwards {@code target} holds what {@code fresh} held, and {@code fresh} the
     * old contents. rename(2) cannot replace a non-empty directory, so on Linux this is renameat2(RENAME_EXCHANGE), one
     * atomic step. Elsewhere, or on a file system without it, it is three renames, and {@code target} is missing
     * for the moment between the first two.
     */
    static void exchange(Path fresh, Path target) throws IOException {
        if (!exchangeAtOnce(fresh, target)) exchangeByRenames(fresh, target);
    }

    static void exchangeByRenames(Path fresh, Path target) throws IOException {
        Path aside = fresh.resolveSibling(fresh.getFileName() + ".old");
        Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
        Files.move(fresh, target, StandardCopyOption.ATOMIC_MOVE);
        Files.move(aside, fresh, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The one-step exchange: false, with nothing moved, where the kernel or the file system does not have it. */
    static boolean exchangeAtOnce(Path a, Path b) {
        return Native.exchange(a, b);
    }

    /** renameat2(2), which Java does not offer. Public: JNR implements it from a class loader of its own. */
    public interface LinuxRename {
        int AT_FDCWD = -100;
        int RENAME_EXCHANGE = 2;

        int renameat2(int olddirfd, String oldpath, int newdirfd, String newpath, int flags);
    }

    private static final class Native {
        // loaded on first use, and only on Linux: no other kernel has the call
        private static final LinuxRename RENAME = load();

        private static LinuxRename load() {
            if (Platform.getNativePlatform().getOS() != Platform.OS.LINUX) return null;
            try {
                return LibraryLoader.create(LinuxRename.class).load("c");
            } catch (LinkageError | RuntimeException e) {
                return null;
            }
        }

        /** False when the exchange did not happen (no such call, or the file system refuses it): nothing moved then. */
        static boolean exchange(Path a, Path b) {
            if (RENAME == null) return false;
            try {
                return RENAME.renameat2(LinuxRename.AT_FDCWD, a.toString(), LinuxRename.AT_FDCWD, b.toString(), LinuxRename.RENAME_EXCHANGE) == 0;
            } catch (LinkageError | RuntimeException e) {
                return false; // a libc older than glibc 2.28 has no renameat2 symbol; JNR reports that on the call
            }
        }
    }
}
