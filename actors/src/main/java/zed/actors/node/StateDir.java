package zed.actors.node;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * The node's state directory ({@code $ZED_HOME}) and its journal directory are the node's alone, mode 0700: they hold
 * the API token, the H2 journal with every Zedfile pushed, the services' secrets and logs. Made so when missing, and
 * narrowed to 0700 when found wider (the node owns them; nobody else has any business there).
 */
public final class StateDir {
    private static final Set<PosixFilePermission> OWNER = PosixFilePermissions.fromString("rwx------");

    private StateDir() {
    }

    /** @param h2 whether the journal is the H2 file in the state directory (its directory is made too) */
    public static void secure(Path stateDir, boolean h2) {
        for (Path d : h2 ? new Path[]{stateDir, stateDir.resolve("journal")} : new Path[]{stateDir}) {
            try {
                if (!Files.isDirectory(d)) Files.createDirectories(d, PosixFilePermissions.asFileAttribute(OWNER));
                if (!Files.getPosixFilePermissions(d).equals(OWNER)) Files.setPosixFilePermissions(d, OWNER);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot make " + d + " the node's own (mode 0700)", e);
            }
        }
    }

    /** A file only the node reads and writes (mode 0600): made empty when missing, narrowed when wider. */
    public static Path privateFile(Path f) {
        try {
            Set<PosixFilePermission> rw = PosixFilePermissions.fromString("rw-------");
            if (!Files.exists(f)) Files.createFile(f, PosixFilePermissions.asFileAttribute(rw));
            else if (!Files.getPosixFilePermissions(f).equals(rw)) Files.setPosixFilePermissions(f, rw);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + f + " private (mode 0600)", e);
        }
    }
}
