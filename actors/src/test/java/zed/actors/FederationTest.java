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
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Levels below levels, on one real node: cascades, untouched siblings, and stopping a level that has children. */
class FederationTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws Exception {
        if (node == null) return;
        send("DELETE", "/v1/levels/infra?cascade=true", null);
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

    Answer push(String id, String dir, String parent, String source) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", state.resolve(dir).toString());
        if (parent != null) body.put("parent", parent);
        return send("PUT", "/v1/levels/" + id, json.writeValueAsString(body));
    }

    static String infra(int dbPort) {
        return """
                level "infra" {}
                service "exec" "db" {
                  vars = { port = %d }
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """.formatted(dbPort);
    }

    static final String READS_DB = """
            level "shop" {}
            service "exec" "api" {
              env = { DB = service.exec.db.vars.port }
              runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
            }
            """;

    static final String READS_NOTHING = """
            level "blog" {}
            service "exec" "web" {
              runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
            }
            """;

    JsonNode await(String id, java.util.function.Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = send("GET", "/v1/levels/" + id, null).body();
            if (ok.test(last)) return last;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    @Test
    void aChangedParentCascadesToTheChildThatReadItAndLeavesTheOtherAlone() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        push("infra", "infra", null, infra(5432));
        push("infra/shop", "infra/shop", "infra", READS_DB);
        push("infra/blog", "infra/blog", "infra", READS_NOTHING);
        await("infra/shop", s -> s.get("state").asText().equals("Converged"), "shop to converge after its parent");

        assertEquals(2, push("infra", "infra", null, infra(5433)).body().get("revision").asLong());
        JsonNode shop = await("infra/shop", s -> s.get("revision").asLong() == 2, "the cascade to reach shop");
        assertEquals(2, shop.get("revision").asLong());
        await("infra/shop", s -> s.get("state").asText().equals("Converged") && s.get("desiredRevision").asLong() == 2, "shop revision 2 to converge");
        assertEquals(1, send("GET", "/v1/levels/infra/blog", null).body().get("revision").asLong(), "blog read nothing that changed");
    }

    @Test
    void stoppingALevelWithChildrenIsRefusedUnlessItCascades() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        push("infra", "infra", null, infra(5432));
        push("infra/shop", "infra/shop", "infra", READS_DB);
        Answer refused = send("DELETE", "/v1/levels/infra", null);
        assertEquals(409, refused.status());
        assertEquals("level infra has levels below it (infra/shop); stop them first, or ask for ?cascade=true",
                refused.body().get("errors").get(0).get("message").asText());
        assertEquals(200, send("DELETE", "/v1/levels/infra?cascade=true", null).status());
        assertEquals("Stopped", send("GET", "/v1/levels/infra/shop", null).body().get("state").asText());
        assertEquals("Stopped", send("GET", "/v1/levels/infra", null).body().get("state").asText());
    }
}
