package zed.reconciler.secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Set;

/**
 * The host key's file, outside the pool and the store (docs/secrets.md): age-keygen's layout, mode 0400, owned by the
 * user that runs the node. A key that others may read is refused, not used: the secrets would be only as safe as that file.
 */
public final class KeyFile {
    static final Set<PosixFilePermission> READ_ONLY = PosixFilePermissions.fromString("r--------");

    private KeyFile() {
    }

    /** Where the host key is when {@code $ZED_SECRETS_KEY} does not say: the installed units set it (docs/install.md). */
    public static final String ENV = "ZED_SECRETS_KEY";

    /** {@code $ZED_HOME/secrets.key}: beside the node's other private files, never in a dataset that is snapshotted or sent. */
    public static Path in(Path stateDir) {
        return stateDir.resolve("secrets.key");
    }

    /**
     * {@code $ZED_SECRETS_KEY} of {@code env}, else {@link #in}: an installed host keeps the key in {@code /etc/zed},
     * which only root writes, since {@code ZED_HOME} is the unprivileged agent's there.
     */
    public static Path located(java.util.Map<String, String> env, Path stateDir) {
        String k = env.get(ENV);
        return k != null && !k.isBlank() ? Path.of(k).toAbsolutePath() : in(stateDir);
    }

    /**
     * Makes a new key at {@code file}, mode 0400 from its first byte (written to a file beside it, renamed into place).
     *
     * @throws IllegalStateException when there is one already: a new key would make every stored secret unreadable
     */
    public static HostKey create(Path file) {
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) throw new IllegalStateException(file + " exists already; a new key would make the stored secrets unreadable");
        HostKey key = HostKey.generate();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".new");
            Files.deleteIfExists(tmp);
            Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(tmp, key.fileText(Instant.now().toString()), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(tmp, READ_ONLY);
            // no REPLACE_EXISTING: two inits at once leave one key, and the second says so
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            throw new IllegalStateException(file + " exists already; a new key would make the stored secrets unreadable");
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + file + ": " + e.getMessage());
        }
        return key;
    }

    /**
     * Why the key at {@code file} may have been put there by someone other than its reader ({@code self}, a uid), or
     * null: it must be the reader's, and its directory the reader's or root's and writable by nobody else. A key that
     * another user could replace (an unprivileged agent owning {@code ZED_HOME}) would have root encrypt the next
     * secrets to that user's key.
     */
    static String heldByAnother(Path file, Object self) throws IOException {
        Object owner = Files.getAttribute(file, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        if (!owner.equals(self)) return file + " belongs to uid " + owner + ", not to its reader (uid " + self + "): chown it, or point " + ENV + " at the reader's key";
        Path dir = file.toAbsolutePath().getParent();
        Object dirOwner = Files.getAttribute(dir, "unix:uid");
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        boolean othersWrite = mode.contains(PosixFilePermission.GROUP_WRITE) || mode.contains(PosixFilePermission.OTHERS_WRITE);
        if ((!dirOwner.equals(self) && !dirOwner.equals(0)) || othersWrite) {
            return file + " is in " + dir + " (owner uid " + dirOwner + ", mode " + PosixFilePermissions.toString(mode)
                    + "), where another user may replace it: keep the host key in a directory only its reader and root write (an installed host's: /etc/zed/secrets.key)";
        }
        return null;
    }

    /** @throws IllegalStateException when it is missing, others may read it or replace it, or it is no age key */
    public static HostKey load(Path file) {
        try {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> others = java.util.EnumSet.copyOf(mode);
            others.removeAll(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE));
            if (!others.isEmpty()) {
                throw new IllegalStateException(file + " is mode " + PosixFilePermissions.toString(mode) + "; the host key must be readable by its owner alone: chmod 400 " + file);
            }
            String held = heldByAnother(file, Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
            if (held != null) throw new IllegalStateException(held);
            return HostKey.parse(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (NoSuchFileException e) {
            throw new IllegalStateException("no host key at " + file + ": run zed secrets init");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + file + ": " + e.getMessage());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(file + " " + e.getMessage());
        }
    }
}
