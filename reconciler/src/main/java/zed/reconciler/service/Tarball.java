package zed.reconciler.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.stream.Stream;

/**
 * A release archive (a gzip-compressed tar), unpacked with the system's tar and checked twice: its member names
 * before anything is written, and the unpacked tree before anyone sees it.
 */
final class Tarball {
    private static final Duration TIMEOUT = Duration.ofMinutes(10);

    private final String service;
    private final Path archive;
    private final Path tar;
    private final Host host;

    Tarball(String service, Path archive, Host host) {
        this.service = service;
        this.archive = archive;
        this.host = host;
        this.tar = host.tool(service, "tar", "to unpack the release");
    }

    /**
     * Lists the members and refuses names that would land outside the target: absolute paths and {@code ..}. -P
     * shows the names as stored; without it tar would strip a leading "/" and hide the problem.
     */
    void checkNames() {
        Run.Result r = Run.run(service, List.of(tar.toString(), "-tzPf", archive.toString()), null, host.env(), TIMEOUT);
        if (!r.ok()) throw notATarball(r.said());
        List<String> names = r.out().lines().toList();
        // GNU tar lists a short gzip stream (plain text compressed) as an empty archive, successfully
        if (names.isEmpty()) throw notATarball("it holds no files");
        for (String name : names) {
            if (name.startsWith("/")) throw escapes(name, "is an absolute path");
            for (String part : name.split("/")) {
                if (part.equals("..")) throw escapes(name, "climbs out with \"..\"");
            }
        }
    }

    /** Unpacks into {@code into}, an empty directory. As root, tar would give the files the archive's owners; not ours. */
    void unpack(Path into) {
        Run.Result r = Run.run(service, List.of(tar.toString(), "-xzf", archive.toString(), "-C", into.toString(), "--no-same-owner"),
                null, host.env(), TIMEOUT);
        if (!r.ok()) throw new ServiceError(service, "cannot unpack release " + archive + ": " + r.said());
    }

    /**
     * Refuses an unpacked tree with a symlink that leads outside it (followed through every other symlink on the
     * way, as the kernel would), or with anything but files, directories and symlinks (device nodes, fifos).
     */
    void checkTree(Path root) throws IOException {
        Path realRoot = root.toRealPath();
        try (Stream<Path> all = Files.walk(realRoot)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                String name = realRoot.relativize(p).toString();
                if (a.isSymbolicLink()) {
                    Path target = Files.readSymbolicLink(p);
                    if (leadsOutside(realRoot, p)) throw escapes(name, "is a symlink to \"" + target + "\", outside the release");
                } else if (a.isOther()) {
                    throw new ServiceError(service, "release " + archive + " is refused: archive entry \"" + name + "\" is not a file, directory or symlink");
                }
            }
        }
    }

    /**
     * Resolves the link one name at a time from its own directory, following links met on the way; a ".." after a
     * link goes up from where that link led, which is why a check on the link's text alone would not do.
     */
    static boolean leadsOutside(Path root, Path link) throws IOException {
        Path at = link.getParent(); // a real directory: the walk does not follow links
        Path first = Files.readSymbolicLink(link);
        if (first.isAbsolute()) return true;
        Deque<String> todo = new ArrayDeque<>();
        push(todo, first);
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                at = at.getParent();
                if (at == null || !at.startsWith(root)) return true;
                continue;
            }
            Path next = at.resolve(part);
            if (Files.isSymbolicLink(next)) {
                Path t = Files.readSymbolicLink(next);
                // a loop, or a chain no kernel would follow (Linux gives up after 40)
                if (t.isAbsolute() || ++hops > 40) return true;
                push(todo, t);
            } else {
                at = next;
            }
        }
        return !at.startsWith(root);
    }

    private static void push(Deque<String> todo, Path target) {
        String[] parts = target.toString().split("/");
        for (int i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
    }

    private ServiceError notATarball(String why) {
        return new ServiceError(service, "release " + archive + " is not a gzip-compressed tar archive: " + why);
    }

    private ServiceError escapes(String name, String how) {
        return new ServiceError(service, "release " + archive + " is refused: archive entry \"" + name + "\" " + how
                + "; a release must unpack inside its own directory");
    }
}
