package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;
import zed.reconciler.store.TextFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * {@code service "go"}: the source from {@code git} or from a local {@code src} tree, built with {@code go build}
 * into {@code fs::bin()/<service name>}, and built again only when the source's revision (or the package built)
 * changes. When both blocks are given, {@code src} wins: it is the operator's local checkout of the same program.
 */
record GoKind() implements ServiceKind {
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(20);

    @Override
    public Prepared prepare(ServiceSpec spec, Paths paths, Host host) {
        Path go = host.tool(spec.ref(), "go", "to build the service");
        String pkg = spec.src() != null && spec.src().exe() != null ? spec.src().exe() : ".";
        Build build = new Build(spec, paths, host, go, pkg);
        boolean own = spec.runtime() != null && !spec.runtime().cmd().isEmpty();
        List<String> argv = own ? spec.runtime().cmd() : List.of(build.binary().toString());
        // checked before any work, so that a wrong command leaves nothing behind; only the binary itself is not
        // there yet, before its first build
        if (own && !paths.home().resolve(argv.get(0)).normalize().equals(build.binary())) {
            ExecKind.checkCommand(spec.ref(), argv, paths.home(), host);
        }
        try {
            String rev = spec.src() != null ? fromTree(spec, build) : fromGit(spec, paths, host, build);
            return new Prepared(argv, paths.home(), rev);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String fromTree(ServiceSpec spec, Build build) throws IOException {
        Path dir = Path.of(spec.src().path());
        if (!Files.isDirectory(dir)) throw new ServiceError(spec.ref(), "src.path " + dir + " is not a directory");
        String rev = SourceTree.hash(dir);
        if (build.needed(rev)) build.run(dir, rev);
        return rev;
    }

    private static String fromGit(ServiceSpec spec, Paths paths, Host host, Build build) throws IOException {
        GitCheckout git = new GitCheckout(spec.ref(), spec.git(), host);
        Path work = paths.work();
        if (GitCheckout.isClone(work)) {
            git.fetch(work);
            String rev = git.resolve(work);
            if (build.needed(rev)) {
                git.checkout(work, rev);
                build.run(work, rev);
            }
            return rev;
        }
        // no clone yet (or something that is not one, in a directory that is ours): clone beside it, and keep the
        // clone only once it built, so that a bad url, ref or program leaves no work directory behind
        Trees.delete(work);
        Files.createDirectories(work.getParent());
        Path fresh = Files.createTempDirectory(work.getParent(), ".zed-clone-" + spec.name() + "-");
        boolean done = false;
        try {
            git.cloneInto(fresh);
            String rev = git.resolve(fresh);
            git.checkout(fresh, rev);
            // built in its final place: the compiler writes the source paths into the binary, for stack traces
            Files.move(fresh, work, StandardCopyOption.ATOMIC_MOVE);
            if (build.needed(rev)) build.run(work, rev);
            done = true;
            return rev;
        } finally {
            if (!done) {
                Trees.delete(fresh);
                Trees.delete(work);
            }
        }
    }

    /** One service's binary, and the stamp that says which revision and package it was built from. */
    private record Build(ServiceSpec spec, Paths paths, Host host, Path go, String pkg) {
        Path binary() {
            return paths.bin().resolve(spec.name());
        }

        /** Beside the work directory, not in the bin directory that operators may put on PATH. */
        Path stamp() {
            return paths.work().resolveSibling(spec.name() + ".built");
        }

        /** What was built: the revision, and the package as written without go's "./" (both spellings are one package). */
        String key(String rev) {
            String p = pkg.startsWith("./") && pkg.length() > 2 ? pkg.substring(2) : pkg;
            return rev + " " + (p.endsWith("/") && p.length() > 1 ? p.substring(0, p.length() - 1) : p);
        }

        boolean needed(String rev) throws IOException {
            return !Files.isRegularFile(binary()) || !key(rev).equals(Trees.read(stamp()).orElse(null));
        }

        void run(Path dir, String rev) throws IOException {
            Files.createDirectories(paths.bin());
            Files.createDirectories(stamp().getParent());
            // go build refuses to write over a file it did not build, so a fresh name; renamed over the binary once
            // built, so a running service keeps its own file and a failed build leaves the old binary alone
            Path out = paths.bin().resolve(".zed-build-" + spec.name() + "-" + UUID.randomUUID());
            try {
                Run.Result r = Run.run(spec.ref(), List.of(go.toString(), "build", "-o", out.toString(), packageIn(dir)),
                        dir, environment(), BUILD_TIMEOUT);
                if (!r.ok()) throw new ServiceError(spec.ref(), "go build failed in " + dir + ":\n" + r.said());
                Files.move(out, binary(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                TextFiles.replace(stamp(), key(rev) + "\n");
            } finally {
                Files.deleteIfExists(out);
            }
        }

        /** go build reads "cmd/web" as an import path; the operator means the directory. */
        private String packageIn(Path dir) {
            boolean relativeDir = !pkg.startsWith(".") && !pkg.startsWith("/") && Files.isDirectory(dir.resolve(pkg));
            return relativeDir ? "./" + pkg : pkg;
        }

        /**
         * The node's environment, with the build kept to what is on this host and under the level's state:
         * never a toolchain or module download in the middle of a converge (dependencies must be vendored).
         */
        private Map<String, String> environment() {
            Map<String, String> env = new HashMap<>(host.env());
            env.put("GOTOOLCHAIN", "local");
            env.put("GOPROXY", "off");
            env.put("GOCACHE", paths.state().resolve("cache").resolve("go-build").toString());
            env.put("GOPATH", paths.state().resolve("go").toString());
            return env;
        }
    }
}
