package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * {@code service "release"}: a tarball such as a mix release, unpacked into {@code <home>/releases/<version>}, with
 * {@code <home>/current} pointing at it (a relative symlink, so the home can move or be mounted elsewhere, in a jail
 * say). The unpacked directory appears whole or not at all, and so does every switch of {@code current}; both happen
 * only once the release is known to hold the command that starts it.
 */
record ReleaseKind() implements ServiceKind {
    /** Inside each unpacked release: the sha256 of the archive it came from, so an unchanged archive is not unpacked again. */
    static final String STAMP = ".zed-archive-sha256";
    /** Our own temporary entries under releases/; any left there belong to a node that died mid-unpack. */
    private static final String TEMP_PREFIX = ".zed-";
    private static final Pattern NAME_VERSION = Pattern.compile("(.+?)-(\\d.*)");

    @Override
    public Prepared prepare(ServiceSpec spec, Paths paths, Host host) {
        String ref = spec.ref();
        Path archive = Path.of(spec.release());
        if (!Files.isRegularFile(archive)) throw new ServiceError(ref, "release archive " + archive + " does not exist");
        String version = version(spec, archive);
        Path home = paths.home();
        if (!Files.isDirectory(home)) throw new ServiceError(ref, "home " + home + " does not exist; the release unpacks there");
        Path current = home.resolve("current");
        if (Files.exists(current, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(current)) {
            throw new ServiceError(ref, current + " is not a symlink; Zed points it at the release to run, so move it away");
        }
        Start start = new Start(spec, archive, home, host);
        Path releases = home.resolve("releases");
        Path target = releases.resolve(version);
        try {
            String sha = Trees.sha256(archive);
            // the version alone does not say the archive is the same: a rebuilt 1.4.2 is a new release too
            if (sha.equals(Trees.read(target.resolve(STAMP)).orElse(null))) start.checkIn(target);
            else unpack(spec, archive, sha, releases, target, start, host);
            Path link = Path.of("releases", version);
            if (!Files.isSymbolicLink(current) || !Files.readSymbolicLink(current).equals(link)) Swap.symlink(current, link);
            return new Prepared(start.argv(), home, sha);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void unpack(ServiceSpec spec, Path archive, String sha, Path releases, Path target, Start start, Host host) throws IOException {
        Tarball tarball = new Tarball(spec.ref(), archive, host);
        tarball.checkNames(); // before anything is written: a bad archive leaves no trace
        boolean madeReleases = !Files.exists(releases, LinkOption.NOFOLLOW_LINKS);
        Files.createDirectories(releases);
        removeLeftovers(releases);
        // beside the target, on the same file system, so that the final rename is atomic
        Path staged = Files.createTempDirectory(releases, TEMP_PREFIX + "unpack-");
        boolean done = false;
        try {
            tarball.unpack(staged);
            tarball.checkTree(staged);
            start.checkIn(staged);
            Files.writeString(staged.resolve(STAMP), sha + "\n");
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) Swap.exchange(staged, target); // staged now holds the old one
            else Files.move(staged, target, StandardCopyOption.ATOMIC_MOVE);
            done = true;
        } finally {
            Trees.delete(staged);
            if (!done && madeReleases) Trees.delete(releases);
        }
    }

    /** What starts the release: {@code current/bin/<name> start}, or {@code runtime.cmd}. */
    private record Start(ServiceSpec spec, Path archive, Path home, Host host) {
        boolean own() {
            return spec.runtime() != null && !spec.runtime().cmd().isEmpty();
        }

        List<String> argv() {
            // through current, not the version directory: what runs is whatever current points at when it starts
            return own() ? spec.runtime().cmd() : List.of(home.resolve("current/bin").resolve(spec.name()).toString(), "start");
        }

        /**
         * Checks that the command will be there once current points at {@code release}: a command under current is
         * looked for in the release itself, before anything is switched.
         */
        void checkIn(Path release) {
            String exe = argv().get(0);
            Path current = home.resolve("current");
            Path p = exe.contains("/") ? home.resolve(exe).normalize() : null;
            if (p == null || !p.startsWith(current)) {
                ExecKind.checkCommand(spec.ref(), argv(), home, host);
                return;
            }
            Path inRelease = release.resolve(current.relativize(p).toString());
            if (Host.isExecutableFile(inRelease)) return;
            if (own()) {
                throw new ServiceError(spec.ref(), "runtime.cmd[0] \"" + exe + "\" is not an executable file of release " + archive);
            }
            throw new ServiceError(spec.ref(), "release " + archive + " has no executable bin/" + spec.name()
                    + " at its top level, which is what a release service runs; set runtime.cmd to the command that starts it");
        }
    }

    private static void removeLeftovers(Path releases) throws IOException {
        try (Stream<Path> entries = Files.list(releases)) {
            for (Path p : (Iterable<Path>) entries::iterator) {
                if (p.getFileName().toString().startsWith(TEMP_PREFIX)) Trees.delete(p);
            }
        }
    }

    /** {@code version} when set, else what the archive's name says: {@code app-1.4.2.tar.gz} is 1.4.2. */
    static String version(ServiceSpec spec, Path archive) {
        String version = spec.version();
        if (version == null) {
            String base = archive.getFileName().toString().replaceFirst("(\\.tar\\.gz|\\.tgz)$", "");
            Matcher m = NAME_VERSION.matcher(base);
            if (!m.matches()) {
                throw new ServiceError(spec.ref(), "cannot tell the version of release " + archive.getFileName()
                        + " from its name; set version = \"...\" or name it <app>-<version>.tar.gz");
            }
            version = m.group(2);
        }
        if (version.isEmpty() || version.contains("/") || version.startsWith(".")) {
            throw new ServiceError(spec.ref(), "version \"" + version + "\" cannot name a directory under releases/");
        }
        return version;
    }
}
