package zed.reconciler.service;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Archives that would write outside their release directory, or plant something that is not a file, are refused
 * whole: the running release and {@code current} stay as they were, and no trace of the bad one is left.
 */
class UnsafeArchiveTest {
    @TempDir
    Path tmp;
    Path home;
    Path state;
    Path archives;
    Path outside;

    @BeforeEach
    void aRunningRelease() throws IOException {
        home = Files.createDirectories(tmp.resolve("srv/app"));
        state = Files.createDirectories(tmp.resolve("state"));
        archives = Files.createDirectories(tmp.resolve("archives"));
        outside = Files.writeString(Files.createDirectories(tmp.resolve("outside")).resolve("owned.txt"), "mine\n");
        ServiceSpec good = ServiceSpecs.release("app", home, ReleaseArchives.make(archives, "app", "1.4.2", "good"), null);
        Artifacts.prepare(good, Paths.of(good, state));
    }

    /** How the bad archive is made from a good release tree, and what the operator is told about it. */
    interface Plant {
        /** @return extra names for tar, stored as written */
        List<String> into(Path tree, Path outside) throws IOException;
    }

    /** @param entry the entry named in the error; null: the extra name that the plant gave tar */
    record Case(String what, Plant plant, String entry, String problem) {
        @Override
        public String toString() {
            return what;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("an absolute member name", (t, o) -> List.of(o.toString()),
                        null, "is an absolute path"),
                new Case("a member name climbing out with ..", (t, o) -> List.of(t.relativize(o).toString()),
                        null, "climbs out with \"..\""),
                new Case("a symlink to an absolute path", (t, o) -> {
                    Files.createSymbolicLink(t.resolve("bin/passwd"), Path.of("/etc/passwd"));
                    return List.of();
                }, "bin/passwd", "is a symlink to \"/etc/passwd\", outside the release"),
                new Case("a relative symlink climbing out", (t, o) -> {
                    Files.createSymbolicLink(t.resolve("lib/data"), Path.of("../../../../outside"));
                    return List.of();
                }, "lib/data", "is a symlink to \"../../../../outside\", outside the release"),
                new Case("a symlink that climbs out through another one", (t, o) -> {
                    // lib/here -> "." is harmless, and "here/../.." reads as the release's own top; but the kernel
                    // goes to lib/ through here, then up twice: one level above the release
                    Files.createSymbolicLink(t.resolve("lib/here"), Path.of("."));
                    Files.createSymbolicLink(t.resolve("lib/up"), Path.of("here/../.."));
                    return List.of();
                }, "lib/up", "is a symlink to \"here/../..\", outside the release"),
                new Case("a fifo", (t, o) -> {
                    Processes.ok(t, "mkfifo", t.resolve("lib/pipe").toString());
                    return List.of();
                }, "lib/pipe", "is not a file, directory or symlink"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRefusedAndLeavesTheRunningReleaseAlone(Case c) throws IOException {
        List<String> before = Tree.entries(home);
        for (String version : List.of("1.4.3", "1.4.2")) { // a new version, and a rebuild of the running one
            Path tree = ReleaseArchives.tree(archives, "app", version, "bad");
            List<String> extra = c.plant().into(tree, outside);
            Path archive = ReleaseArchives.pack(tree, archives.resolve("app-" + version + ".tar.gz"), extra.toArray(String[]::new));
            ServiceSpec bad = ServiceSpecs.release("app", home, archive, null);

            ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(bad, Paths.of(bad, state)));
            String entry = c.entry() == null ? extra.get(0) : c.entry(); // the name as tar stored it
            String refused = c.problem().startsWith("is not a file")
                    ? "service.release.app: release " + archive + " is refused: archive entry \"" + entry + "\" " + c.problem()
                    : "service.release.app: release " + archive + " is refused: archive entry \"" + entry + "\" " + c.problem()
                    + "; a release must unpack inside its own directory";
            assertEquals(refused, e.getMessage());
            assertEquals(before, Tree.entries(home), "current, releases/1.4.2 and nothing else");
            assertEquals("app 1.4.2 (good) start\n", Processes.ok(home, home + "/current/bin/app", "start"));
            assertEquals("mine\n", Files.readString(outside));
        }
    }
}
