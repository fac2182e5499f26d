package zed.reconciler.service;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.GitSource;
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

/** go services from git: a real repository made here, cloned and built with the real go. */
class GoGitTest {
    @TempDir
    Path tmp;
    Path home;
    Path state;
    Path repo;
    String first;

    @BeforeAll
    static void go() {
        GoPrograms.requireGo();
    }

    @BeforeEach
    void aRepository() throws IOException {
        home = Files.createDirectories(tmp.resolve("srv/web"));
        state = Files.createDirectories(tmp.resolve("state"));
        repo = GoPrograms.repository(tmp.resolve("repo"), "v1");
        first = GoPrograms.head(repo);
    }

    private ServiceSpec web(String tag, String branch, String rev, String... cmd) {
        return ServiceSpecs.go("web", home, new GitSource(repo.toString(), tag, branch, rev), null, cmd);
    }

    private Prepared prepare(ServiceSpec spec) {
        return Artifacts.prepare(spec, Paths.of(spec, state));
    }

    private Path binary() {
        return state.resolve("bin/web");
    }

    @Test
    void buildsTheBranchIntoFsBinAndRunsIt() throws Exception {
        Prepared p = prepare(web(null, "main", null));
        assertEquals(List.of(binary().toString()), p.argv());
        assertEquals(home, p.workdir());
        assertEquals(first, p.sourceRevision(), "the commit is the revision");
        assertEquals("hello from v1\n", GoPrograms.ask(p));
        assertEquals(first, GoPrograms.head(state.resolve("src/web")), "the clone lives in the service's work directory");
    }

    @Test
    void theSameCommitIsNotBuiltAgain() throws IOException {
        ServiceSpec web = web(null, "main", null);
        Prepared p = prepare(web);
        Object built = Tree.identity(binary());
        assertEquals(p, prepare(web));
        assertEquals(built, Tree.identity(binary()), "the same binary file: no rebuild");
    }

    @Test
    void aNewCommitOnTheBranchIsFetchedAndBuilt() throws Exception {
        ServiceSpec web = web(null, "main", null);
        prepare(web);
        Object built = Tree.identity(binary());

        String second = GoPrograms.commit(repo, "v2");
        Prepared p = prepare(web);
        assertEquals(second, p.sourceRevision());
        assertNotEquals(built, Tree.identity(binary()), "a new binary");
        assertEquals("hello from v2\n", GoPrograms.ask(p));
    }

    @Test
    void aTagIsCheckedOutEvenWhenTheBranchMovedOn() throws Exception {
        GoPrograms.tag(repo, "v1.0.0");
        GoPrograms.commit(repo, "v2");
        ServiceSpec web = ServiceSpecs.go("web", home, new GitSource("file://" + repo, "v1.0.0", null, null), null);
        Prepared p = prepare(web);
        assertEquals(first, p.sourceRevision());
        assertEquals("hello from v1\n", GoPrograms.ask(p));
    }

    @Test
    void aRevPinsTheCommit() throws Exception {
        GoPrograms.commit(repo, "v2");
        Prepared p = prepare(web(null, null, first.substring(0, 12)));
        assertEquals(first, p.sourceRevision(), "a short rev resolves to the full commit");
        assertEquals("hello from v1\n", GoPrograms.ask(p));
    }

    @Test
    void withoutARefTheDefaultBranchIsBuilt() throws Exception {
        String second = GoPrograms.commit(repo, "v2");
        Prepared p = prepare(web(null, null, null));
        assertEquals(second, p.sourceRevision());
        assertEquals("hello from v2\n", GoPrograms.ask(p));
    }

    @Test
    void aMissingTagIsAClearErrorAndLeavesNothingBehind() throws IOException {
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web("v9", null, null)));
        assertEquals("service.go.web: git tag \"v9\" does not exist in " + repo, e.getMessage());
        assertEquals(List.of("src/"), Tree.entries(state), "no clone, no binary, no stamp");
    }

    @Test
    void aMissingBranchOrRevIsAClearError() {
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null, "nope", null)));
        assertEquals("service.go.web: git branch \"nope\" does not exist in " + repo, e.getMessage());
        e = assertThrows(ServiceError.class, () -> prepare(web(null, null, "0123456789abcdef0123456789abcdef01234567")));
        assertEquals("service.go.web: git rev \"0123456789abcdef0123456789abcdef01234567\" is not a commit in " + repo, e.getMessage());
    }

    @Test
    void aMissingTagLaterKeepsTheBuiltBinary() throws Exception {
        prepare(web(null, "main", null));
        Object built = Tree.identity(binary());
        assertThrows(ServiceError.class, () -> prepare(web("v9", null, null)));
        assertEquals(built, Tree.identity(binary()));
        assertEquals("hello from v1\n", GoPrograms.ask(new Prepared(List.of(binary().toString()), home, first)));
    }

    @Test
    void aCommitThatDoesNotCompileKeepsTheOldBinaryUntilItIsFixed() throws Exception {
        ServiceSpec web = web(null, "main", null);
        prepare(web);
        Object built = Tree.identity(binary());

        Files.writeString(repo.resolve("broken.go"), "package main\n\nvar x = undefinedThing\n");
        GoPrograms.commitAll(repo, "broken");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web));
        assertTrue(e.getMessage().startsWith("service.go.web: go build failed in " + state.resolve("src/web") + ":\n"), e.getMessage());
        assertTrue(e.getMessage().contains("undefined: undefinedThing"), "the compiler's words: " + e.getMessage());
        assertEquals(built, Tree.identity(binary()), "the running binary stays");
        assertEquals(List.of("web"), Files.list(state.resolve("bin")).map(b -> b.getFileName().toString()).toList(), "no half-built file");

        Files.delete(repo.resolve("broken.go"));
        String fixed = GoPrograms.commit(repo, "v3");
        Prepared p = prepare(web);
        assertEquals(fixed, p.sourceRevision());
        assertEquals("hello from v3\n", GoPrograms.ask(p));
    }

    @Test
    void aFirstBuildThatFailsLeavesNoClone() throws IOException {
        Files.writeString(repo.resolve("main.go"), "package main\n\nfunc main() { nope() }\n");
        GoPrograms.commitAll(repo, "broken from the start");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null, "main", null)));
        assertTrue(e.getMessage().contains("undefined: nope"), e.getMessage());
        assertEquals(List.of(), Tree.entries(state.resolve("src")));
        assertFalse(Files.exists(binary()));
    }

    @Test
    void anUnreachableUrlIsAClearError() throws IOException {
        Path nowhere = tmp.resolve("no-such-repo");
        ServiceSpec web = ServiceSpecs.go("web", home, new GitSource(nowhere.toString(), null, "main", null), null);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web));
        assertTrue(e.getMessage().startsWith("service.go.web: cannot clone " + nowhere + ": "), e.getMessage());
        assertEquals(List.of("src/"), Tree.entries(state));
    }

    @Test
    void runtimeCmdRunsInsteadOfTheBinaryWhichIsStillBuilt() throws Exception {
        Prepared p = prepare(web(null, "main", null, binary().toString(), "--verbose"));
        assertEquals(List.of(binary().toString(), "--verbose"), p.argv());
        assertTrue(Files.isExecutable(binary()));
    }

    @Test
    void aRevMustBeACommitId() {
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null, null, "main")));
        assertEquals("service.go.web: git rev \"main\" is not a commit id; for a branch or a tag use branch = or tag =", e.getMessage());
    }

    @Test
    void aUrlThatGitWouldTakeForAnOptionIsRefused() {
        ServiceSpec web = ServiceSpecs.go("web", home, new GitSource("--upload-pack=touch /tmp/owned", null, "main", null), null);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web));
        assertEquals("service.go.web: git url \"--upload-pack=touch /tmp/owned\" is not a url", e.getMessage());
    }

    @Test
    void aRuntimeCmdThatDoesNotExistIsRefusedBeforeAnyWork() throws IOException {
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null, "main", null, "/nope/web")));
        assertEquals("service.go.web: runtime.cmd[0] \"/nope/web\" does not exist", e.getMessage());
        assertEquals(List.of(), Tree.entries(state), "nothing cloned, nothing built");
    }

    @Test
    void aPasswordInTheUrlNeverShowsInAMessage() {
        // nothing listens on port 1: git fails at once, and says so
        ServiceSpec web = ServiceSpecs.go("web", home, new GitSource("https://zed:s3cret@127.0.0.1:1/web.git", null, "main", null), null);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web));
        assertTrue(e.getMessage().startsWith("service.go.web: cannot clone https://***@127.0.0.1:1/web.git: "), e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void withoutGitOnPathTheErrorSaysWhatIsMissing() throws IOException {
        ServiceSpec web = web(null, "main", null);
        Path tools = Files.createDirectories(tmp.resolve("tools")); // go, and no git
        Files.createSymbolicLink(tools.resolve("go"), Host.current().onPath("go").orElseThrow());
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(web, Paths.of(web, state), java.util.Map.of("PATH", tools.toString())));
        assertEquals("service.go.web: git is needed to fetch git { url = \"" + repo + "\" } but is not on PATH (" + tools + ")", e.getMessage());
    }
}
