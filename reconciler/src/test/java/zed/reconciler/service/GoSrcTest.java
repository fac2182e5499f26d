package zed.reconciler.service;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.GitSource;
import zed.config.LevelSpec.ServiceSpec;
import zed.config.LevelSpec.SrcSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** go services from a local source tree ({@code src { path, exe }}), built with the real go. */
class GoSrcTest {
    @TempDir
    Path tmp;
    Path home;
    Path state;
    Path src;

    @BeforeAll
    static void go() {
        GoPrograms.requireGo();
    }

    @BeforeEach
    void aTree() throws IOException {
        home = Files.createDirectories(tmp.resolve("srv/web"));
        state = Files.createDirectories(tmp.resolve("state"));
        src = GoPrograms.tree(tmp.resolve("web"), "the tree");
    }

    private Prepared prepare(ServiceSpec spec) {
        return Artifacts.prepare(spec, Paths.of(spec, state));
    }

    private ServiceSpec web(String exe) {
        return ServiceSpecs.go("web", home, null, new SrcSource(src.toString(), exe));
    }

    private Path binary() {
        return state.resolve("bin/web");
    }

    @Test
    void buildsTheTreeAndRunsIt() throws Exception {
        Prepared p = prepare(web(null));
        assertEquals(List.of(binary().toString()), p.argv());
        assertEquals(64, p.sourceRevision().length(), "a sha256 of the tree: " + p.sourceRevision());
        assertEquals("hello from the tree\n", GoPrograms.ask(p));
    }

    @Test
    void anUnchangedTreeIsNotBuiltAgainWhateverGitDoes() throws IOException {
        ServiceSpec web = web(null);
        Prepared p = prepare(web);
        Object built = Tree.identity(binary());

        Processes.ok(src, "git", "init", "--quiet"); // a .git appears: history is not what gets built
        GoPrograms.commitAll(src, "first");
        assertEquals(p, prepare(web));
        assertEquals(built, Tree.identity(binary()));
    }

    @Test
    void anEditIsANewRevisionAndANewBuild() throws Exception {
        ServiceSpec web = web(null);
        Prepared before = prepare(web);
        Object built = Tree.identity(binary());

        Files.writeString(src.resolve("main.go"), GoPrograms.server("hello from the edited tree"));
        Prepared after = prepare(web);
        assertNotEquals(before.sourceRevision(), after.sourceRevision());
        assertNotEquals(built, Tree.identity(binary()));
        assertEquals("hello from the edited tree\n", GoPrograms.ask(after));
    }

    @Test
    void aNewFileChangesTheRevisionToo() throws IOException {
        ServiceSpec web = web(null);
        Prepared before = prepare(web);
        Files.writeString(src.resolve("README"), "");
        assertNotEquals(before.sourceRevision(), prepare(web).sourceRevision());
    }

    @Test
    void exeNamesThePackageToBuild() throws Exception {
        Path cmd = Files.createDirectories(src.resolve("cmd/web"));
        Files.writeString(cmd.resolve("main.go"), GoPrograms.server("hello from cmd/web"));
        Files.writeString(src.resolve("main.go"), "package hello\n"); // the top is a library now
        Prepared p = prepare(web("cmd/web"));
        assertEquals("hello from cmd/web\n", GoPrograms.ask(p));

        // "./cmd/web", as go itself spells it, is the same package: no new build; another package is one
        Object built = Tree.identity(binary());
        prepare(web("./cmd/web"));
        assertEquals(built, Tree.identity(binary()));
        Files.writeString(Files.createDirectories(src.resolve("cmd/admin")).resolve("main.go"), GoPrograms.server("hello from cmd/admin"));
        Prepared admin = prepare(web("cmd/admin"));
        assertEquals("hello from cmd/admin\n", GoPrograms.ask(admin));
    }

    @Test
    void srcWinsOverGitWhenBothAreGiven() throws Exception {
        Path repo = GoPrograms.repository(tmp.resolve("repo"), "git");
        ServiceSpec web = ServiceSpecs.go("web", home, new GitSource(repo.toString(), null, "main", null), new SrcSource(src.toString(), null));
        assertEquals("hello from the tree\n", GoPrograms.ask(prepare(web)));
        assertFalse(Files.exists(state.resolve("src/web")), "nothing cloned");
    }

    @Test
    void aMissingTreeIsAnError() {
        src = tmp.resolve("gone");
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null)));
        assertEquals("service.go.web: src.path " + src + " is not a directory", e.getMessage());
    }

    @Test
    void aTreeThatIsNotAModuleIsGosErrorNamingTheService() throws IOException {
        Files.delete(src.resolve("go.mod"));
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null)));
        assertTrue(e.getMessage().startsWith("service.go.web: go build failed in " + src + ":\n"), e.getMessage());
        assertTrue(e.getMessage().contains("go.mod file not found"), e.getMessage());
        assertFalse(Files.exists(binary()));
    }

    /** A module that needs example.com/greet; with {@code vendored}, its copy is in vendor/ as {@code go mod vendor} leaves it. */
    private void needsGreet(boolean vendored) throws IOException {
        Files.writeString(src.resolve("go.mod"), "module example.com/hello\n\ngo 1.19\n\nrequire example.com/greet v1.0.0\n");
        Files.writeString(src.resolve("main.go"), """
                package main

                import (
                	"fmt"

                	"example.com/greet"
                )

                func main() { fmt.Println(greet.Hello()) }
                """);
        if (vendored) {
            Path greet = Files.createDirectories(src.resolve("vendor/example.com/greet"));
            Files.writeString(greet.resolve("greet.go"), "package greet\n\nfunc Hello() string { return \"hello from a vendored module\" }\n");
            Files.writeString(src.resolve("vendor/modules.txt"), "# example.com/greet v1.0.0\n## explicit\nexample.com/greet\n");
        } else {
            String sum = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
            Files.writeString(src.resolve("go.sum"), "example.com/greet v1.0.0 " + sum + "\nexample.com/greet v1.0.0/go.mod " + sum + "\n");
        }
    }

    @Test
    void vendoredDependenciesBuildOffline() throws IOException {
        needsGreet(true);
        Prepared p = prepare(web(null));
        assertEquals("hello from a vendored module\n", Processes.ok(home, p.argv().toArray(String[]::new)));
        assertTrue(Files.isDirectory(state.resolve("cache/go-build")), "go's build cache is the level's");
    }

    @Test
    void aDependencyThatIsNotVendoredIsNeverDownloaded() throws IOException {
        needsGreet(false);
        ServiceError e = assertThrows(ServiceError.class, () -> prepare(web(null)));
        assertTrue(e.getMessage().contains("module lookup disabled by GOPROXY=off"), e.getMessage());
        assertFalse(Files.exists(binary()));
    }

    @Test
    void withoutGoOnPathTheErrorSaysWhatIsMissing() {
        ServiceSpec web = web(null);
        ServiceError e = assertThrows(ServiceError.class, () -> Artifacts.prepare(web, Paths.of(web, state), java.util.Map.of("PATH", "/nonexistent")));
        assertEquals("service.go.web: go is needed to build the service but is not on PATH (/nonexistent)", e.getMessage());
    }
}
