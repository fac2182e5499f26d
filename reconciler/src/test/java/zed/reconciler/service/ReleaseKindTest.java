package zed.reconciler.service;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.ServiceSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReleaseKindTest {
    @TempDir
    Path tmp;
    Path home;
    Path state;
    Path archives;

    @BeforeEach
    void dirs() throws IOException {
        home = Files.createDirectories(tmp.resolve("srv/app"));
        state = Files.createDirectories(tmp.resolve("state"));
        archives = Files.createDirectories(tmp.resolve("archives"));
    }

    private Prepared prepare(ServiceSpec spec) {
        return Artifacts.prepare(spec, Paths.of(spec, state));
    }

    private static String run(Prepared p) {
        return Processes.ok(p.workdir(), p.argv().toArray(String[]::new));
    }

    private static String sha256sum(Path file) {
        return Processes.ok(file.getParent(), "sha256sum", file.toString()).split(" ")[0];
    }

    @Test
    void unpacksIntoReleasesVersionAndPointsCurrentAtItRelatively() throws IOException {
        Path archive = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        Prepared p = prepare(ServiceSpecs.release("app", home, archive, null));

        assertEquals(List.of(home + "/current/bin/app", "start"), p.argv());
        assertEquals(home, p.workdir());
        assertEquals(sha256sum(archive), p.sourceRevision());
        assertEquals(Path.of("releases/1.4.2"), Files.readSymbolicLink(home.resolve("current")));
        assertEquals("1.4.2\n", Files.readString(home.resolve("current/lib/app/VERSION")));
        assertEquals("app 1.4.2 (first) start\n", run(p));
        assertEquals(List.of("current", "releases/"), entriesOf(home));
        assertEquals(List.of("1.4.2/"), entriesOf(home.resolve("releases")));
    }

    @Test
    void theSameArchiveAgainIsNotUnpackedAgain() throws IOException {
        Path archive = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        ServiceSpec app = ServiceSpecs.release("app", home, archive, null);
        Prepared first = prepare(app);
        Object dir = Tree.identity(home.resolve("releases/1.4.2"));
        Object link = Tree.identity(home.resolve("current"));

        Prepared again = prepare(app);
        assertEquals(first, again);
        assertEquals(dir, Tree.identity(home.resolve("releases/1.4.2")), "the same directory, not a fresh unpack");
        assertEquals(link, Tree.identity(home.resolve("current")), "current not switched");
    }

    @Test
    void aNewVersionSwitchesCurrentAndKeepsTheOldOne() throws IOException {
        prepare(ServiceSpecs.release("app", home, ReleaseArchives.make(archives, "app", "1.4.2", "first"), null));
        Path next = ReleaseArchives.make(archives, "app", "1.4.3", "second");
        Prepared p = prepare(ServiceSpecs.release("app", home, next, null));

        assertEquals(Path.of("releases/1.4.3"), Files.readSymbolicLink(home.resolve("current")));
        assertEquals("app 1.4.3 (second) start\n", run(p));
        assertEquals(sha256sum(next), p.sourceRevision());
        assertTrue(Files.isDirectory(home.resolve("releases/1.4.2")), "the previous release stays, for going back");
        assertEquals(List.of("1.4.2/", "1.4.3/"), entriesOf(home.resolve("releases")));
    }

    @Test
    void goingBackToAnUnpackedReleaseOnlySwitchesCurrent() throws IOException {
        Path old = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        prepare(ServiceSpecs.release("app", home, old, null));
        Object dir = Tree.identity(home.resolve("releases/1.4.2"));
        prepare(ServiceSpecs.release("app", home, ReleaseArchives.make(archives, "app", "1.4.3", "second"), null));

        Prepared back = prepare(ServiceSpecs.release("app", home, old, null));
        assertEquals(Path.of("releases/1.4.2"), Files.readSymbolicLink(home.resolve("current")));
        assertEquals(dir, Tree.identity(home.resolve("releases/1.4.2")));
        assertEquals("app 1.4.2 (first) start\n", run(back));
    }

    @Test
    void aRebuiltArchiveWithTheSameVersionIsANewRelease() throws IOException {
        Path archive = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        ServiceSpec app = ServiceSpecs.release("app", home, archive, null);
        Prepared first = prepare(app);

        ReleaseArchives.make(archives, "app", "1.4.2", "rebuilt"); // same name, same version, new contents
        Prepared second = prepare(app);

        assertNotEquals(first.sourceRevision(), second.sourceRevision(), "the checksum is the revision, not the version");
        assertEquals(sha256sum(archive), second.sourceRevision());
        assertEquals("app 1.4.2 (rebuilt) start\n", run(second));
        assertEquals(Path.of("releases/1.4.2"), Files.readSymbolicLink(home.resolve("current")));
        assertEquals(List.of("1.4.2/"), entriesOf(home.resolve("releases")), "the old unpack is gone, no temporary left");
    }

    @Test
    void theVersionAttributeNamesTheDirectory() throws IOException {
        Path archive = ReleaseArchives.pack(ReleaseArchives.tree(archives, "app", "2.0.0", "named"), archives.resolve("app.tar.gz"));
        prepare(ServiceSpecs.release("app", home, archive, "2.0.0"));
        assertEquals(Path.of("releases/2.0.0"), Files.readSymbolicLink(home.resolve("current")));
    }

    @Test
    void anArchiveNamedWithoutAVersionNeedsTheVersionAttribute() throws IOException {
        Path archive = ReleaseArchives.pack(ReleaseArchives.tree(archives, "app", "2.0.0", "named"), archives.resolve("app.tar.gz"));
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, archive, null)));
        assertEquals("service.release.app: cannot tell the version of release app.tar.gz from its name; "
                + "set version = \"...\" or name it <app>-<version>.tar.gz", e.getMessage());
        assertEquals(List.of(), Tree.entries(home));
    }

    @Test
    void runtimeCmdReplacesBinStart() throws IOException {
        Path tree = ReleaseArchives.tree(archives, "other", "1.0.0", "custom"); // its script is bin/other, not bin/app
        Path archive = ReleaseArchives.pack(tree, archives.resolve("app-1.0.0.tar.gz"));
        Prepared p = prepare(ServiceSpecs.release("app", home, archive, null, home + "/current/bin/other", "foreground"));
        assertEquals(List.of(home + "/current/bin/other", "foreground"), p.argv());
        assertEquals("other 1.0.0 (custom) foreground\n", run(p));
    }

    @Test
    void aRuntimeCmdMissingFromTheReleaseIsRefusedBeforeAnythingIsSwitched() throws IOException {
        prepare(ServiceSpecs.release("app", home, ReleaseArchives.make(archives, "app", "1.4.2", "first"), null));
        List<String> before = Tree.entries(home);
        Path next = ReleaseArchives.make(archives, "app", "1.4.3", "second");
        ServiceError e = assertThrows(ServiceError.class,
                () -> prepare(ServiceSpecs.release("app", home, next, null, home + "/current/bin/server", "foreground")));
        assertEquals("service.release.app: runtime.cmd[0] \"" + home + "/current/bin/server\" is not an executable file of release " + next,
                e.getMessage());
        assertEquals(before, Tree.entries(home), "1.4.2 still current, no 1.4.3");
    }

    @Test
    void aRuntimeCmdFromOutsideTheReleaseIsCheckedWhereItIs() throws IOException {
        Path archive = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        Prepared p = prepare(ServiceSpecs.release("app", home, archive, null, "/bin/sh", "-c", "current/bin/app foreground"));
        assertEquals("app 1.4.2 (first) foreground\n", run(p));

        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, archive, null, "/nope/erl")));
        assertEquals("service.release.app: runtime.cmd[0] \"/nope/erl\" does not exist", e.getMessage());
    }

    @Test
    void aReleaseWithoutItsStartScriptIsRefused() throws IOException {
        Path tree = ReleaseArchives.tree(archives, "other", "1.0.0", "custom");
        Path archive = ReleaseArchives.pack(tree, archives.resolve("app-1.0.0.tar.gz"));
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, archive, null)));
        assertEquals("service.release.app: release " + archive + " has no executable bin/app at its top level, which is what a release "
                + "service runs; set runtime.cmd to the command that starts it", e.getMessage());
        assertEquals(List.of(), Tree.entries(home), "no releases/, no current");
    }

    @Test
    void somethingThatIsNotATarballIsRefusedAndLeavesNothingBehind() throws IOException {
        Path good = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        prepare(ServiceSpecs.release("app", home, good, null));
        List<String> before = Tree.entries(home);

        Path text = Files.writeString(archives.resolve("app-1.4.3.tar.gz"), "this is not an archive\n");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, text, null)));
        assertTrue(e.getMessage().startsWith("service.release.app: release " + text + " is not a gzip-compressed tar archive: "), e.getMessage());
        assertTrue(e.getMessage().contains("not in gzip format"), "tar's own words: " + e.getMessage());
        assertEquals(before, Tree.entries(home), "current untouched, no partial directory");

        Processes.ok(archives, "sh", "-c", "echo plain text | gzip > app-1.4.4.tar.gz");
        Path gzipped = archives.resolve("app-1.4.4.tar.gz");
        e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, gzipped, null)));
        assertEquals("service.release.app: release " + gzipped + " is not a gzip-compressed tar archive: it holds no files", e.getMessage());
        assertEquals(before, Tree.entries(home));
    }

    @Test
    void aFirstBadArchiveLeavesAnEmptyHome() throws IOException {
        Path text = Files.writeString(archives.resolve("app-1.4.3.tar.gz"), "this is not an archive\n");
        assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, text, null)));
        assertEquals(List.of(), Tree.entries(home));
    }

    @Test
    void aMissingArchiveIsAnError() {
        Path missing = archives.resolve("app-9.9.9.tar.gz");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, missing, null)));
        assertEquals("service.release.app: release archive " + missing + " does not exist", e.getMessage());
    }

    @Test
    void aCurrentThatIsNotASymlinkIsNotReplaced() throws IOException {
        Files.createDirectories(home.resolve("current"));
        Path archive = ReleaseArchives.make(archives, "app", "1.4.2", "first");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(ServiceSpecs.release("app", home, archive, null)));
        assertEquals("service.release.app: " + home.resolve("current") + " is not a symlink; Zed points it at the release to run, so move it away",
                e.getMessage());
        assertEquals(List.of("current/"), Tree.entries(home));
    }

    @Test
    void leftoversOfAnInterruptedUnpackAreCleared() throws IOException {
        Files.createDirectories(home.resolve("releases/.zed-unpack-123/bin"));
        Files.createSymbolicLink(home.resolve("current.tmp"), Path.of("releases/0.0.1"));
        prepare(ServiceSpecs.release("app", home, ReleaseArchives.make(archives, "app", "1.4.2", "first"), null));
        assertEquals(List.of("1.4.2/"), entriesOf(home.resolve("releases")));
        assertFalse(Files.exists(home.resolve("current.tmp"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    @Test
    void withoutTarOnPathTheErrorSaysWhatIsMissing() throws IOException {
        ServiceSpec app = ServiceSpecs.release("app", home, ReleaseArchives.make(archives, "app", "1.4.2", "first"), null);
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(app, Paths.of(app, state), java.util.Map.of("PATH", "/nonexistent")));
        assertEquals("service.release.app: tar is needed to unpack the release but is not on PATH (/nonexistent)", e.getMessage());
        assertEquals(List.of(), Tree.entries(home));
    }

    /** The top level of a directory. */
    private static List<String> entriesOf(Path dir) throws IOException {
        return Tree.entries(dir).stream().filter(e -> e.indexOf('/') < 0 || e.indexOf('/') == e.length() - 1).toList();
    }
}
