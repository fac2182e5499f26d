package zed.actors.ui.ssh;

import zed.actors.http.OwnerOnly;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;

/**
 * {@code $ZED_HOME/authorized_keys}, read at each login (a key added or removed counts from the next one, with no
 * restart). As sshd does with its own, a file that others could have written is not trusted: one writable by its
 * group or others, owned by someone but the node's user or root, or a symbolic link (whose target's mode would be
 * another file's) lets no key in, and says why.
 */
public final class AuthorizedKeysFile {
    public static final String NAME = "authorized_keys";

    /** The keys, or why none may log in. */
    public sealed interface Read {
        record Keys(AuthorizedKeys keys) implements Read {
        }

        record Unusable(String why) implements Read {
        }
    }

    private final Path file;

    public AuthorizedKeysFile(Path zedHome) {
        this.file = zedHome.resolve(NAME);
    }

    public Path file() {
        return file;
    }

    public Read read() {
        try {
            PosixFileAttributes a = Files.readAttributes(file, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) return new Read.Unusable(file + " is a symbolic link: make it a plain file, so that its own mode and owner are checked");
            if (!a.isRegularFile()) return new Read.Unusable(file + " is not a plain file");
            String writable = OwnerOnly.writableByOthers(file);
            if (writable != null) return new Read.Unusable(file + " may be written by its group or others (" + writable + "): chmod go-w " + file);
            String owner = a.owner().getName();
            if (!owner.equals("root") && !owner.equals(System.getProperty("user.name"))) {
                return new Read.Unusable(file + " is owned by " + owner + ", not by the node's user or root");
            }
            return new Read.Keys(AuthorizedKeys.parse(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (NoSuchFileException e) {
            return new Read.Unusable(file + " does not exist: list the public keys that may log in there, one a line (docs/ui.md)");
        } catch (IOException | RuntimeException e) {
            return new Read.Unusable(file + " cannot be read: " + e.getMessage());
        }
    }
}
