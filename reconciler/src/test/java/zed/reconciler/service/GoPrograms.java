package zed.reconciler.service;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A hello-world HTTP server in Go (standard library only), in a local git repository or a plain tree. */
final class GoPrograms {
    private GoPrograms() {
    }

    /** Listens on a free port, prints where as its first line, then answers every request with the greeting. */
    static String server(String greeting) {
        return """
                package main

                import (
                	"fmt"
                	"net"
                	"net/http"
                )

                func main() {
                	ln, err := net.Listen("tcp", "127.0.0.1:0")
                	if err != nil {
                		panic(err)
                	}
                	fmt.Println("listening on " + ln.Addr().String())
                	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
                		fmt.Fprintln(w, "%s")
                	}))
                }
                """.formatted(greeting);
    }

    /** A module with the server at its top; its greeting is {@code hello from <greeting>}. */
    static Path tree(Path dir, String greeting) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("go.mod"), "module example.com/hello\n\ngo 1.19\n");
        Files.writeString(dir.resolve("main.go"), server("hello from " + greeting));
        return dir;
    }

    /** A repository on branch main with one commit of the server. */
    static Path repository(Path dir, String greeting) throws IOException {
        tree(dir, greeting);
        Processes.ok(dir, "git", "init", "--quiet", "--initial-branch=main");
        commitAll(dir, greeting);
        return dir;
    }

    /** Commits the server with a new greeting; returns the commit. */
    static String commit(Path repo, String greeting) throws IOException {
        Files.writeString(repo.resolve("main.go"), server("hello from " + greeting));
        return commitAll(repo, greeting);
    }

    static String commitAll(Path repo, String message) {
        Processes.ok(repo, "git", "add", "--all");
        Processes.ok(repo, "git", "-c", "user.name=Zed Test", "-c", "user.email=test@zed.invalid", "-c", "commit.gpgsign=false",
                "commit", "--quiet", "--message", message);
        return head(repo);
    }

    static String head(Path repo) {
        return Processes.ok(repo, "git", "rev-parse", "HEAD").strip();
    }

    static void tag(Path repo, String tag) {
        Processes.ok(repo, "git", "tag", tag);
    }

    /** Starts what prepare returned and asks it over HTTP what it says. */
    static String ask(Prepared p) throws IOException, InterruptedException {
        try (Processes.Started s = Processes.start(p.argv(), p.workdir())) {
            assertNotNull(s.firstLine(), p.argv() + " printed nothing");
            assertTrue(s.firstLine().startsWith("listening on "), s.firstLine());
            String addr = s.firstLine().substring("listening on ".length());
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + addr + "/")).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.body();
        }
    }

    /** The go tests build for real: without Debian's golang-go they fail, saying so. */
    static void requireGo() {
        assertTrue(Host.current().onPath("go").isPresent(), "go is needed for these tests: apt-get install golang-go");
    }
}
