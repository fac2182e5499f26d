package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.telemetry.TelemetryConfig;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal stays bounded: each level keeps its newest {@code eventsKept} events (at least) for {@code /v1/events}
 * to resume from, and deletes older ones after its snapshot; a restarted node recovers it from snapshot and events.
 */
class JournalRetentionTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() throws Exception {
        if (node == null) return;
        http.send(Api.request(node.httpPort(), state, "DELETE", "/v1/levels/shop", null).build(), HttpResponse.BodyHandlers.ofString());
        node.close();
    }

    ZedNode start() {
        return ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0).withTelemetry(TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0))
                .withEventsKept(10));
    }

    JsonNode call(String method, String path, String body) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                http.send(Api.request(node.httpPort(), state, method, path, body).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    long events() throws Exception {
        // the node's own H2 file, opened in this JVM: the same database the journal writes
        try (Connection c = DriverManager.getConnection(node.config().journal(), "sa", "");
             Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT COUNT(*) FROM \"event_journal\" WHERE \"persistence_id\" = 'level|shop'")) {
            r.next();
            return r.getLong(1);
        }
    }

    @Test
    void eachLevelKeepsItsNewestEventsAndDeletesOlderOnes() throws Exception {
        node = start();
        int revisions = 30;
        for (int n = 1; n <= revisions; n++) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("source", "level \"shop\" {}\n# " + n + "\n");
            body.put("dir", state.resolve("shop").toString());
            assertEquals(n, call("PUT", "/v1/levels/shop", new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(body)).get("revision").asLong());
            long deadline = System.nanoTime() + java.time.Duration.ofSeconds(30).toNanos();
            while (!(call("GET", "/v1/levels/shop", null).path("state").asText().equals("Converged")
                    && call("GET", "/v1/levels/shop", null).path("desiredRevision").asLong() == n)) {
                if (System.nanoTime() > deadline) throw new AssertionError("revision " + n + " did not converge");
                Thread.sleep(20); // polling interval of a deadline wait
            }
        }
        // three events a revision (SpecAccepted, ConvergeStarted, Converged): 90 written
        long kept = events();
        assertTrue(kept >= 10 && kept <= 20, "the newest 10 and up to one snapshot interval more, not all 90: " + kept);

        node.close();
        node = start();
        JsonNode s = call("GET", "/v1/levels/shop", null);
        assertEquals(revisions, s.get("revision").asLong(), "recovered from its snapshot and the events after it");
        assertEquals("Converged", s.get("state").asText());
    }
}
