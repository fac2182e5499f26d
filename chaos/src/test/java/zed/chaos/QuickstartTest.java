package zed.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's first command, as a user runs it on a machine without ZFS: {@code bin/zed up examples/quickstart/app}
 * starts a node in the background, brings both levels up, and prints the app's address; the app found the registry
 * of the parent level through the context.
 */
class QuickstartTest {
    @TempDir
    Path tmp;
    Map<String, String> env;
    String url;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stopEverything() throws Exception {
        if (url == null) return;
        for (String level : new String[]{"quickstart/app", "quickstart"}) {
            try {
                NodeApi.stop(url, tmp.resolve("home"), level);
            } catch (Exception ignored) {
                // no node: nothing to stop
            }
        }
        try {
            String health = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/health")).build(), HttpResponse.BodyHandlers.ofString()).body();
            long pid = new ObjectMapper().readTree(health).get("pid").asLong();
            // and wait for it to go: no node outlives its test
            ProcessHandle.of(pid).ifPresent(h -> {
                h.destroy();
                h.onExit().orTimeout(30, java.util.concurrent.TimeUnit.SECONDS).join();
            });
        } catch (Exception ignored) {
            // already gone
        }
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void upBringsTheTwoLevelQuickstartUpAndPrintsItsAddress() throws Exception {
        url = "http://127.0.0.1:" + freePort();
        env = Map.of("ZED_HOME", ZedProcess.homeOfUp(tmp.resolve("home")).toString(), "ZED_URL", url);
        Path repo = ZedProcess.bin().getParent().getParent();
        ZedProcess.Outcome up = ZedProcess.run(repo, env, "up", "examples/quickstart/app");
        assertEquals(0, up.exit(), up.toString());
        assertTrue(up.out().contains("quickstart: Converged at revision 1"), up.toString());
        assertTrue(up.out().contains("quickstart/app: Converged at revision 1"), up.toString());
        Matcher m = Pattern.compile("service\\.exec\\.app  (http://127\\.0\\.0\\.1:\\d+/)").matcher(up.out());
        assertTrue(m.find(), up.out());

        String page = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.startsWith("Hello from app at " + m.group(1)), page);

        // the app registers itself in the background: await it with a deadline
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!page.contains("  app " + m.group(1))) {
            if (System.nanoTime() > deadline) throw new AssertionError("the app never appeared in the registry:\n" + page);
            Thread.sleep(200); // polling interval of a deadline wait
            page = http.send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString()).body();
        }

        ZedProcess.Outcome again = ZedProcess.run(repo, env, "up", "examples/quickstart/app");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().contains("quickstart: revision 1 (unchanged)") && again.out().contains("quickstart/app: revision 1 (unchanged)"),
                "an unchanged chain is reused, not redeployed: " + again);

        ZedProcess.Outcome status = ZedProcess.run(repo, env, "status", "examples/quickstart/app", "--format", "json");
        JsonNode levels = new ObjectMapper().readTree(status.out());
        assertEquals("Converged", levels.get(1).get("state").asText());

        ZedProcess.Outcome down = ZedProcess.run(repo, env, "down", "examples/quickstart/app");
        assertEquals("quickstart/app: Stopped", down.out().trim());
    }
}
