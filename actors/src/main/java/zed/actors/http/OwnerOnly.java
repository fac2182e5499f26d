package zed.actors.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * A file that holds a credential (the API token, the scoped tokens, a keystore's password) must be its owner's alone:
 * one its group or others may read or write is refused by its reader, never used.
 */
public final class OwnerOnly {
    private static final Set<PosixFilePermission> GROUP_OR_OTHERS = Set.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
    private static final Set<PosixFilePermission> WRITE = Set.of(PosixFilePermission.GROUP_WRITE, PosixFilePermission.OTHERS_WRITE);

    private OwnerOnly() {
    }

    /** Null when only its owner may read or write {@code f}; else its mode as {@code ls} shows it, for the refusal. */
    public static String breach(Path f) throws IOException {
        return having(f, GROUP_OR_OTHERS);
    }

    /**
     * Null when only its owner may write {@code f}; else its mode. For a file that others may read but must not change
     * (the public keys that may log in, as sshd checks its own authorized_keys).
     */
    public static String writableByOthers(Path f) throws IOException {
        return having(f, WRITE);
    }

    /** {@code f} holds {@code text}, mode 0600, at once: a temporary file moved over it (a reader sees the old or the new). */
    public static void replace(Path f, String text) {
        try {
            Files.createDirectories(f.getParent());
            Path tmp = Files.createTempFile(f.getParent(), f.getFileName().toString(), ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            try {
                Files.writeString(tmp, text, java.nio.charset.StandardCharsets.UTF_8);
                Files.move(tmp, f, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot write " + f, e);
        }
    }

    private static String having(Path f, Set<PosixFilePermission> bits) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(f);
        return mode.stream().anyMatch(bits::contains) ? PosixFilePermissions.toString(mode) : null;
    }
}
