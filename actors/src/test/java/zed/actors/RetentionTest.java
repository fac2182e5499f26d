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
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deploy snapshots are pruned to keep after each Converged; DELETE ?destroy=true removes what the level manages. */
class RetentionTest {
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).timeout(Duration.ofSeconds(60));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return json.readTree(http.send(b.build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    void push(int version) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", """
                level "shop" {}
                snapshots {
                  keep = 1
                }
                update {
                  min_healthy_time = "300ms"
                }
                dataset "data" {}
                service "exec" "web" {
                  dataset = "data"
                  env     = { VERSION = "%d" }
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """.formatted(version));
        body.put("dir", state.resolve("project").toString());
        send("PUT", "/v1/levels/shop", json.writeValueAsString(body));
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            JsonNode s = send("GET", "/v1/levels/shop", null);
            if (s.get("state").asText().equals("Converged") && s.get("desiredRevision").asLong() == version) return;
            if (System.nanoTime() > deadline) throw new AssertionError("revision " + version + " did not converge: " + s);
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    List<String> snapshots() throws Exception {
        Path dir = state.resolve("store/.zed-snapshots/data");
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void retentionKeepsTheNewestAfterEachConvergedAndDestroyRemovesTheLevelsDatasets() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        Files.createDirectories(state.resolve("project"));
        push(1);
        push(2);
        push(3);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (snapshots().size() != 1 || !snapshots().get(0).startsWith("zed-deploy-3-")) {
            if (System.nanoTime() > deadline) throw new AssertionError("retention did not keep exactly the newest: " + snapshots());
            Thread.sleep(100); // polling interval of a deadline wait
        }

        JsonNode destroyed = send("DELETE", "/v1/levels/shop?destroy=true", null);
        assertEquals("[\"data\"]", destroyed.get("destroyed").toString(), destroyed.toString());
        assertFalse(Files.exists(state.resolve("store/data")));
        assertTrue(snapshots().isEmpty());
    }
}
