package zed.reconciler.process;

import zed.config.LevelSpec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The {@code file} blocks of a service: written before the process starts, each to a temporary file in its
 * directory with its mode, then renamed over the old one, so a reader sees the old file or the new one. The digest
 * of all of them (paths, modes, contents, a secret in them as its keyed stamp) is part of what makes the service change.
 */
public final class RenderedFiles {
    private RenderedFiles() {
    }

    /** Where the files go when not written by this process (zed ops writes them as the service's user). */
    public interface Sink {
        void put(Path path, String body, String mode);

        void remove(Path path);
    }

    /** @return a digest of the rendered files; unchanged files are not rewritten */
    public static String write(String service, List<LevelSpec.FileSpec> files, Secrets secrets) {
        return write(service, files, secrets, null);
    }

    /**
     * The same, each file owned by {@code owner} (null: by the node's own user, root), since they may hold its
     * secrets and only it should read them.
     */
    public static String write(String service, List<LevelSpec.FileSpec> files, Secrets secrets, RunAs owner) {
        return write(service, files, secrets, owner, null);
    }

    /** @param sink null: written here (as root, owned by {@code owner}); else each file goes to it, every time */
    public static String write(String service, List<LevelSpec.FileSpec> files, Secrets secrets, RunAs owner, Sink sink) {
        MessageDigest md = sha256();
        for (LevelSpec.FileSpec f : files) {
            String body = secrets.text(f.body());
            Path path = Path.of(f.path());
            md.update((f.path() + "\0" + f.mode() + "\0").getBytes(StandardCharsets.UTF_8));
            // the secrets in it as their keyed stamps: the digest goes into com.zed:service.spec-hash, which anyone who
            // can read the dataset's properties (or a snapshot, a zfs send stream) sees
            md.update(secrets.stampText(f.body()).getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            if (sink != null) {
                sink.put(path, body, f.mode());
                continue;
            }
            try {
                Set<PosixFilePermission> perms = permissions(f.mode());
                if (Files.isRegularFile(path) && Files.readString(path, StandardCharsets.UTF_8).equals(body)
                        && Files.getPosixFilePermissions(path).equals(perms) && ownedBy(path, owner)) {
                    continue;
                }
                Files.createDirectories(path.getParent());
                Path tmp = Files.createTempFile(path.getParent(), "." + path.getFileName(), ".zed-tmp");
                try {
                    Files.setPosixFilePermissions(tmp, perms);
                    if (owner != null) {
                        Files.setAttribute(tmp, "unix:uid", (int) owner.uid());
                        Files.setAttribute(tmp, "unix:gid", (int) owner.gid());
                    }
                    Files.writeString(tmp, body, StandardCharsets.UTF_8);
                    try {
                        Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                    } catch (AtomicMoveNotSupportedException e) {
                        Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
                    }
                } finally {
                    Files.deleteIfExists(tmp);
                }
            } catch (IOException | RuntimeException e) {
                throw new Launcher.LaunchError(service + ": cannot write file \"" + f.name() + "\" at " + f.path() + ": "
                        + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
            }
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    private static boolean ownedBy(Path path, RunAs owner) throws IOException {
        if (owner == null) return true; // as the node made it
        long uid = owner == null ? 0 : owner.uid();
        long gid = owner == null ? 0 : owner.gid();
        return ((Number) Files.getAttribute(path, "unix:uid")).longValue() == uid && ((Number) Files.getAttribute(path, "unix:gid")).longValue() == gid;
    }

    /** On down: the files Zed rendered go with the service. */
    public static void remove(List<LevelSpec.FileSpec> files) {
        remove(files, null);
    }

    public static void remove(List<LevelSpec.FileSpec> files, Sink sink) {
        for (LevelSpec.FileSpec f : files) {
            try {
                if (sink != null) sink.remove(Path.of(f.path()));
                else Files.deleteIfExists(Path.of(f.path()));
            } catch (IOException | RuntimeException ignored) {
                // best effort: a file that cannot be removed is left, and reported by the next converge
            }
        }
    }

    static Set<PosixFilePermission> permissions(String mode) {
        int m = Integer.parseInt(mode, 8);
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
                PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
                PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) if ((m & (1 << i)) != 0) s.add(order[i]);
        return s;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
