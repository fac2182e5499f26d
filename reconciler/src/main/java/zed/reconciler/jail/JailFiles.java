package zed.reconciler.jail;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

/** The file work the drivers share: configuration files written atomically, directories made inside a jail's root. */
final class JailFiles {
    private JailFiles() {
    }

    /** Writes {@code text} so that a reader sees the old file or the new one, never half of either. */
    static void writeAtomically(String jail, Path file, String text) {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".zed-" + UUID.randomUUID().toString().substring(0, 8));
        try {
            Files.createDirectories(file.getParent());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (b.hasRemaining()) ch.write(b);
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new JailError(jail, JailError.Kind.FAILED, "writing " + file + ": " + e);
        } finally {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the move already took it, or there is nothing more we can do about a stray temp file
            }
        }
    }

    static Optional<String> read(String jail, Path file) {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new JailError(jail, JailError.Kind.FAILED, "reading " + file + ": " + e);
        }
    }

    static void delete(String jail, Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new JailError(jail, JailError.Kind.FAILED, "removing " + file + ": " + e);
        }
    }

    /**
     * Makes {@code root + path} and its parents as directories. A jail's processes own its root, so any part of the
     * path may be a symbolic link they planted (say /var -> /etc on the host); following it would make directories,
     * and later mounts, outside the jail. Such a path is refused.
     */
    static Path mkdirsInside(String jail, Path root, String path) {
        Path at = root;
        for (Path part : Path.of("/").relativize(Path.of(path))) {
            at = at.resolve(part.toString());
            if (Files.isSymbolicLink(at)) {
                throw new JailError(jail, JailError.Kind.INVALID, at + " is a symbolic link inside the jail's root; refusing to follow it");
            }
            if (Files.exists(at, LinkOption.NOFOLLOW_LINKS)) {
                if (!Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                    throw new JailError(jail, JailError.Kind.INVALID, at + " is in the way: it is not a directory");
                }
                continue;
            }
            try {
                Files.createDirectory(at);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // made meanwhile by another ensure of the same jail (its actor's and a service's may run at once)
                if (Files.isSymbolicLink(at) || !Files.isDirectory(at, LinkOption.NOFOLLOW_LINKS)) {
                    throw new JailError(jail, JailError.Kind.INVALID, at + " is in the way: it is not a directory");
                }
            } catch (IOException e) {
                throw new JailError(jail, JailError.Kind.FAILED, "making " + at + ": " + e);
            }
        }
        return at;
    }

    /** Throws MISSING unless {@code dir} is a directory. */
    static void requireDirectory(String jail, Path dir, String what) {
        if (!Files.isDirectory(dir)) throw new JailError(jail, JailError.Kind.MISSING, what + " " + dir + " is not a directory (is its dataset mounted?)");
    }
}
