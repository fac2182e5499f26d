package zed.chaos;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed up} as a user runs it, on a level of one service: it follows the deploy and exits 0 at Converged, and
 * when a revision fails it exits 1 with a failure block (the error, and the last lines of the service's log).
 */
class UpTest {
    @TempDir
    Path tmp;
    String url;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopEverything() throws Exception {
        if (url == null) return;
        try {
            NodeApi.stop(url, tmp.resolve("home"), "shop");
            String health = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
            // and wait for it to go: no node outlives its test
            ProcessHandle.of(new ObjectMapper().readTree(health).get("pid").asLong()).ifPresent(h -> {
                h.destroy();
                h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
            });
        } catch (Exception ignored) {
            // no node: nothing to stop
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** A service that says {@code stderr} on its log and is healthy when {@code health} exits 0. */
    static String shop(String stderr, String health) {
        return """
                update {
                  min_healthy_time = "500ms"
                  healthy_deadline = "3s"
                }
                service "exec" "web" {
                  runtime { cmd = ["/bin/sh", "-c", "echo '%s' >&2; exec sleep 600"] }
                  health "exec" {
                    command  = ["%s"]
                    interval = "300ms"
                    timeout  = "300ms"
                  }
                  print = "web says %s"
                }
                """.formatted(stderr, health, stderr);
    }

    @Test
    void upExitsZeroAtConvergedAndOneWithAFailureBlockWhenTheRevisionFails() throws Exception {
        url = "http://127.0.0.1:" + freePort();
        Map<String, String> env = Map.of("ZED_HOME", ZedProcess.homeOfUp(tmp.resolve("home")).toString(), "ZED_URL", url);
        Path zedfile = Files.createDirectories(tmp.resolve("work/shop")).resolve("Zedfile");

        Files.writeString(zedfile, shop("v1 serving", "true"));
        ZedProcess.Outcome up = ZedProcess.run(tmp.resolve("work"), env, "up", "shop");
        assertEquals(0, up.exit(), up.toString());
        assertTrue(up.out().startsWith("shop: revision 1\n"), up.toString());
        assertTrue(up.out().matches("(?s).*\n  service service\\.exec\\.web  RUNNING passed \\(healthy\\)  pid \\d+  web says v1 serving\n.*"), "its resource, line by line: " + up);
        // the level's print lines, then the dashboard's one-time login link (docs/ui.md)
        assertTrue(up.out().matches("(?s).*shop: Converged at revision 1\n  service\\.exec\\.web  web says v1 serving\n"
                + "dashboard: http://127\\.0\\.0\\.1:\\d+/ui/login\\?key=[A-Za-z0-9_-]{20,}  \\(a login link: it works once, within 120 s; zed ui login makes another\\)\n"), up.toString());
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("home"))),
                "the node's home is its own");
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(tmp.resolve("home/agent.log"))));

        Files.writeString(zedfile, shop("v2: cannot read /etc/web.conf", "false"));
        ZedProcess.Outcome failed = ZedProcess.run(tmp.resolve("work"), env, "up", "shop");
        assertEquals(1, failed.exit(), failed.toString());
        assertTrue(failed.out().startsWith("shop: revision 2\n"), failed.toString());
        assertTrue(failed.err().contains("shop: revision 2 failed: service.exec.web: not healthy within healthy_deadline"), failed.toString());
        assertTrue(failed.err().contains("(reverted to revision 1)"), failed.toString());
        assertTrue(failed.err().matches("(?s).*\n  service\\.exec\\.web: RUNNING [^\n]*\n    last lines of [^\n]*/stderr\\.log:\n(    \\| [^\n]*\n)*"
                + "    \\| v2: cannot read /etc/web\\.conf\n.*"), "a failure block with the end of the service's log: " + failed);
    }
}
