package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stop the node (terminate its ActorSystem) and start a new one on the same H2 journal: the levels recover, and the
 * running services are adopted, not started twice.
 */
class RestartTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws Exception {
        if (node == null) return;
        send("DELETE", "/v1/levels/shop", null);
        node.close();
    }

    JsonNode send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return json.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    ZedNode start() {
        return ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
    }

    JsonNode converged() throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = send("GET", "/v1/levels/shop", null);
            if (last.has("state") && last.get("state").asText().equals("Converged") && last.get("resources").size() == 1
                    && last.get("resources").get(0).get("pid").asLong() > 0) {
                return last;
            }
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("not converged: " + last);
    }

    @Test
    void aNewNodeOnTheSameJournalRecoversTheLevelAndAdoptsItsService() throws Exception {
        node = start();
        Files.createDirectories(state.resolve("project"));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "worker" {
                  runtime { cmd = ["/bin/sh", "-c", "echo started >> started.log; while true; do sleep 1; done"] }
                }
                """);
        body.put("dir", state.resolve("project").toString());
        send("PUT", "/v1/levels/shop", json.writeValueAsString(body));
        long pid = converged().get("resources").get(0).get("pid").asLong();

        node.close();
        node = null;
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopping the node leaves its services running");

        node = start();
        JsonNode after = converged();
        assertEquals(1, after.get("revision").asLong(), "recovered from the journal");
        assertEquals(pid, after.get("resources").get(0).get("pid").asLong(), "the running service was adopted");
        long twins = ProcessHandle.allProcesses().filter(h -> h.info().commandLine().map(c -> c.contains("started.log")).orElse(false)).count();
        assertEquals(1, twins, "not started twice");
    }
}
