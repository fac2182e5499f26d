package zed.actors.boot;

import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.MalformedInputException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The root {@code zed agent install} writes into ({@code /}, or a directory standing for one): reads what is there and
 * applies {@link Change}s. Users are added by the system's {@code useradd}, into this root's {@code etc/} through its
 * {@code --prefix}; directories and files are owned by the ids of this root's passwd and group.
 */
public record HostRoot(Path root) {
    private static final LinkOption[] NO_FOLLOW = {LinkOption.NOFOLLOW_LINKS};
    private static final Duration USERADD = Duration.ofSeconds(30);
    private static final String NOLOGIN = "/usr/sbin/nologin";

    /** A host path under this root. */
    public Path at(String hostPath) {
        return root.resolve(hostPath.substring(1));
    }

    public Accounts accounts() throws IOException {
        return Accounts.parse(readOrEmpty(at("/etc/passwd")), readOrEmpty(at("/etc/group")));
    }

    private static String readOrEmpty(Path p) throws IOException {
        return Files.isRegularFile(p) ? Files.readString(p) : "";
    }

    /** What is at a host path; a link is never followed (root must not write through one). */
    public Found found(String hostPath) {
        Path p = at(hostPath);
        try {
            PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, NO_FOLLOW);
            int mode = Modes.mode(a.permissions());
            int uid = (Integer) Files.getAttribute(p, "unix:uid", NO_FOLLOW);
            int gid = (Integer) Files.getAttribute(p, "unix:gid", NO_FOLLOW);
            if (a.isDirectory()) return new Found(Found.Kind.DIRECTORY, mode, uid, gid, null);
            if (!a.isRegularFile()) return new Found(Found.Kind.OTHER, mode, uid, gid, null);
            String text;
            try {
                text = Files.readString(p, StandardCharsets.UTF_8);
            } catch (MalformedInputException e) {
                text = "";  // not text: differs from any file of ours
            }
            return new Found(Found.Kind.FILE, mode, uid, gid, text);
        } catch (java.nio.file.NoSuchFileException e) {
            return Found.NOTHING;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + p + ": " + e.getMessage());
        }
    }

    /**
     * Applies the changes in order, handing each one's line to {@code said} once made.
     *
     * @throws IllegalStateException when one cannot be made: it says which, and those before it were handed on
     */
    public void apply(List<Change> changes, java.util.function.Consumer<String> said) throws InterruptedException {
        for (Change c : changes) {
            try {
                apply(c);
            } catch (IOException e) {
                throw new IllegalStateException("could not " + c.describe() + ": " + e);
            }
            said.accept(c.describe());
        }
    }

    void apply(Change c) throws IOException, InterruptedException {
        if (c instanceof Change.AddAccount a) {
            addAccount(a.account());
        } else if (c instanceof Change.MakeDirectory d) {
            Path p = at(d.path());
            Files.createDirectories(p.getParent());
            Files.createDirectory(p);
            own(p, d.uid(), d.gid(), d.mode());
        } else if (c instanceof Change.WriteFile w) {
            Path p = at(w.path());
            Files.createDirectories(p.getParent());
            // written beside it, owned and moded, then renamed over it: never a half-written or briefly open file
            Path next = Files.createTempFile(p.getParent(), "." + p.getFileName(), ".new");
            try {
                Files.writeString(next, w.text());
                own(next, w.uid(), w.gid(), w.mode());
                Files.move(next, p, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(next);
            }
        } else if (c instanceof Change.SetMode m) {
            Files.setPosixFilePermissions(at(m.path()), Modes.permissions(m.to()));
        } else if (c instanceof Change.SetOwner o) {
            Files.setAttribute(at(o.path()), "unix:uid", o.uid(), NO_FOLLOW);
            Files.setAttribute(at(o.path()), "unix:gid", o.gid(), NO_FOLLOW);
        } else if (c instanceof Change.SetTreeOwner t) {
            for (Path p : notOwned(t.path(), t.except(), t.uid(), t.gid())) {
                Files.setAttribute(p, "unix:uid", t.uid(), NO_FOLLOW);
                Files.setAttribute(p, "unix:gid", t.gid(), NO_FOLLOW);
            }
        } else if (c instanceof Change.MoveFile m) {
            Path to = at(m.to());
            // owned and moded first, then renamed: the key is never readable by another on the way (same file system
            // or not: a copy is made the same way, and the old one removed after)
            Path from = at(m.from());
            own(from, m.uid(), m.gid(), m.mode());
            try {
                Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
            } catch (java.nio.file.AtomicMoveNotSupportedException e) {
                Path next = Files.createTempFile(to.getParent(), "." + to.getFileName(), ".new");
                try {
                    own(next, m.uid(), m.gid(), 0600);
                    Files.copy(from, next, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
                    own(next, m.uid(), m.gid(), m.mode());
                    Files.move(next, to, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(next);
                }
                Files.delete(from);
            }
        }
    }

    /** How many paths under a tree (itself and {@code except} aside) another owns; links are counted, never followed. */
    public int notOwned(Wanted.OwnedTree t, Accounts ids) {
        try {
            return notOwned(t.path(), t.except(), ids.uid(t.owner()), ids.gid(t.group())).size();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + at(t.path()) + ": " + e.getMessage());
        }
    }

    private List<Path> notOwned(String hostPath, String except, int uid, int gid) throws IOException {
        Path top = at(hostPath);
        if (!Files.isDirectory(top, NO_FOLLOW)) return List.of();
        Path skip = except == null ? null : at(except);
        List<Path> out = new ArrayList<>();
        try (java.util.stream.Stream<Path> all = Files.walk(top)) { // walk follows no link unless told to
            for (Path p : (Iterable<Path>) all::iterator) {
                if (p.equals(top) || p.equals(skip)) continue;
                if ((Integer) Files.getAttribute(p, "unix:uid", NO_FOLLOW) != uid || (Integer) Files.getAttribute(p, "unix:gid", NO_FOLLOW) != gid) out.add(p);
            }
        }
        return out;
    }

    private static void own(Path p, int uid, int gid, int mode) throws IOException {
        Files.setAttribute(p, "unix:uid", uid, NO_FOLLOW);
        Files.setAttribute(p, "unix:gid", gid, NO_FOLLOW);
        Files.setPosixFilePermissions(p, Modes.permissions(mode));
    }

    private void addAccount(Wanted.Account a) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("useradd"));
        if (!root.equals(Path.of("/"))) {
            Files.createDirectories(at("/etc"));
            argv.addAll(List.of("--prefix", root.toString()));
        }
        argv.addAll(List.of("--system", "--user-group", "--no-create-home", "--home-dir", a.home(), "--shell", NOLOGIN, "--comment", a.comment(), a.name()));
        Subprocess.Result r = Subprocess.of(argv, USERADD).withEnvironment(java.util.Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin")).mergingErrors().run();
        if (r.exit() != 0) throw new IllegalStateException(String.join(" ", argv) + " failed (exit " + r.exit() + "): " + r.stdout().strip());
    }
}
