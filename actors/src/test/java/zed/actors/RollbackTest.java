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
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An operator's rollback over HTTP: data, state and the running version come back together. */
class RollbackTest {
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

    record Answer(int status, JsonNode body) {
    }

    Answer send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), json.readTree(r.body()));
    }

    String level(String greeting, String props) {
        return """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "data" {%s}
                service "exec" "web" {
                  dataset = "data"
                  env     = { GREETING = "%s" }
                  runtime { cmd = ["/bin/sh", "-c", "echo $GREETING > %s; while true; do sleep 1; done"] }
                }
                """.formatted(props, greeting, state.resolve("greeting.txt"));
    }

    void push(String source) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", state.resolve("project").toString());
        send("PUT", "/v1/levels/shop", json.writeValueAsString(body));
    }

    JsonNode await(Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = send("GET", "/v1/levels/shop", null).body();
            if (ok.test(last)) return last;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    @Test
    void rollingBackToARevisionBringsItsDataStateAndVersionBack() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        Files.createDirectories(state.resolve("project"));
        push(level("v1", ""));
        await(s -> s.get("state").asText().equals("Converged"), "v1");
        Path data = state.resolve("store/data/data.txt");
        Files.writeString(data, "written under v1");
        push(level("v2", " properties = { \"com.acme:tier\" = \"gold\" } "));
        await(s -> s.get("state").asText().equals("Converged") && s.get("desiredRevision").asLong() == 2, "v2");
        Files.writeString(data, "written under v2");
        assertEquals("v2\n", Files.readString(state.resolve("greeting.txt")));

        Answer bad = send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:9\"}");
        assertEquals(404, bad.status());
        assertTrue(bad.body().get("errors").get(0).get("message").asText().contains("no snapshot matches @rev:9"), bad.body().toString());

        Answer accepted = send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:1\"}");
        assertEquals(202, accepted.status(), accepted.body().toString());
        JsonNode back = await(s -> s.get("state").asText().equals("Converged") && s.get("desiredRevision").asLong() == 1, "the rollback to converge");
        assertEquals(2, back.get("revision").asLong());
        assertEquals("written under v1", Files.readString(data));
        String props = Files.readString(state.resolve("store/data/.zed-properties.json"));
        assertTrue(props.contains("\"com.zed:rev\" : \"1\""), props);
        assertFalse(props.contains("com.acme:tier"), props);
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.readString(state.resolve("greeting.txt")).equals("v1\n")) {
            if (System.nanoTime() > deadline) throw new AssertionError("v1 never ran again");
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }
}
