package zed.chaos;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

/**
 * A {@code zfs} first on the agents' PATH that runs the real one, except once, when armed: the first {@code zfs
 * rollback} of a snapshot under the armed dataset then fails as zfs-fuse's did on a standby's first failover after a
 * fresh start ({@code cannot rollback ...: I/O error}, exit 1). Fake at the argv level, since zfs-fuse's error cannot be
 * caused at will; the firing is one atomic rename, so it fails one command only.
 */
final class FakeZfsRollbackFault {
    private FakeZfsRollbackFault() {
    }

    /** Writes the wrapper into {@code dir}; returns {@code dir}, for {@link #env}, {@link #arm} and {@link #fired}. */
    static Path install(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path zfs = dir.resolve("zfs");
        Files.writeString(zfs, """
                #!/bin/sh
                if [ "$1" = rollback ] && [ -s '%1$s/armed' ]; then
                  under=$(cat '%1$s/armed')
                  for a in "$@"; do
                    case "$a" in
                      "$under"@*|"$under"/*@*)
                        if mv '%1$s/armed' '%1$s/fired' 2>/dev/null; then echo "cannot rollback to '$a': I/O error" >&2; exit 1; fi;;
                    esac
                  done
                fi
                exec '%2$s' "$@"
                """.formatted(dir, real()));
        Files.setPosixFilePermissions(zfs, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** The agents' environment: the wrapper first on their PATH. */
    static Map<String, String> env(Path dir) {
        return Map.of("PATH", dir + File.pathSeparator + System.getenv("PATH"));
    }

    /** The next rollback of {@code dataset} (or of one under it) fails, once. */
    static void arm(Path dir, String dataset) throws Exception {
        Files.writeString(dir.resolve("armed.tmp"), dataset);
        Files.move(dir.resolve("armed.tmp"), dir.resolve("armed"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    static boolean fired(Path dir) {
        return Files.exists(dir.resolve("fired"));
    }

    private static String real() {
        for (String d : System.getenv("PATH").split(File.pathSeparator)) {
            Path p = Path.of(d, "zfs");
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new IllegalStateException("no zfs on the PATH");
    }
}
