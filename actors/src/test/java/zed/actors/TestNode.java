package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.telemetry.TelemetryConfig;

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

/**
 * A real node for end-to-end tests: its state in a temporary directory, the API and the metrics on free loopback
 * ports, called over real HTTP. Closing it stops every level (services too) before the node.
 */
final class TestNode implements AutoCloseable {
    record Answer(int status, JsonNode body) {
    }

    final Path state;
    final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final String journalUrl;
    private ZedNode node;
    /** zed ops's socket, when the node's ZFS work goes through it; null: the single-process mode. */
    private java.nio.file.Path opsSocket;

    private TestNode(Path state, String journalUrl) {
        this.state = state;
        this.journalUrl = journalUrl;
    }

    static TestNode start(Path state) {
        return start(state, null);
    }

    /** With the journal in the database at {@code journalUrl} (null: the H2 file in the state directory). */
    static TestNode start(Path state, String journalUrl) {
        TestNode t = new TestNode(state, journalUrl);
        t.restart();
        return t;
    }

    /** A node whose levels' datasets are made through the zed ops at {@code socket} (docs/security.md). */
    static TestNode throughOps(Path state, Path socket) {
        TestNode t = new TestNode(state, null);
        t.opsSocket = socket;
        t.restart();
        return t;
    }

    /** A fresh node on the same state directory (and journal), as after a restart of the host's node. */
    void restart() {
        if (node != null) node.close();
        node = ZedNode.start(NodeConfig.defaults(state).withJournal(journalUrl).withHttp("127.0.0.1", 0).withTelemetry(TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0))
                .withOpsSocket(opsSocket));
    }

    ZedNode node() {
        return node;
    }

    /** Stops the node and leaves the services running, as a stopped node does. */
    void stopNodeOnly() {
        node.close();
        node = null;
    }

    Answer send(String method, String path, String body) throws Exception {
        HttpResponse<String> r = http.send(Api.request(node.httpPort(), state, method, path, body).build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : json.readTree(r.body()));
    }

    JsonNode get(String path) throws Exception {
        return send("GET", path, null).body();
    }

    /** PUT a level whose Zedfile lives in {@code <state>/<dir>}. */
    Answer push(String id, String dir, String parent, String source) throws Exception {
        Files.createDirectories(state.resolve(dir));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", state.resolve(dir).toString());
        if (parent != null) body.put("parent", parent);
        return send("PUT", zed.actors.http.LevelPath.of(id), json.writeValueAsString(body));
    }

    /** Polls a level's status until it satisfies {@code ok}, within a deadline. */
    JsonNode await(String id, Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(zed.actors.http.LevelPath.of(id));
            if (ok.test(last)) return last;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    JsonNode converged(String id, long revision) throws Exception {
        return await(id, s -> s.has("state") && s.get("state").asText().equals("Converged") && s.get("desiredRevision").asLong() == revision,
                id + " to converge at revision " + revision);
    }

    /** Reads a level's event stream (from its start) until an event matches, within a deadline. */
    JsonNode event(String level, Predicate<JsonNode> ok) throws Exception {
        return Api.event(port(), state, level, ok);
    }

    int port() {
        return node.httpPort();
    }

    @Override
    public void close() throws Exception {
        if (node == null) return;
        for (JsonNode id : get("/v1/levels").get("levels")) send("DELETE", zed.actors.http.LevelPath.of(id.asText()) + "?cascade=true", null);
        node.close();
        node = null;
    }
}
