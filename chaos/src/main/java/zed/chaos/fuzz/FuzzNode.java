package zed.chaos.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.telemetry.TelemetryConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The node the API fuzzer drives: a real node in this JVM, its state in a temporary directory, the API and the
 * metrics on free loopback ports (never 7700 or 9095), with two levels pushed and converged before the first
 * request (a parent, and a child that reads its port), so that the fuzz reaches ids that exist. Its checks after the
 * fuzz go through {@link HttpClient}, as a client's would. Closing it stops every level first: a node leaves its
 * services running when it stops.
 */
public final class FuzzNode implements AutoCloseable {
    private static final Duration CONVERGE = Duration.ofSeconds(90);
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final Path state;
    private final ZedNode node;
    private final ApiRequest.Node facts;

    private FuzzNode(Path state, ZedNode node) throws IOException {
        this.state = state;
        this.node = node;
        this.facts = new ApiRequest.Node(node.httpPort(), Files.readString(zed.actors.http.ApiToken.file(state)).strip(), state.toString());
    }

    /** A node with the fuzz's levels converged. */
    public static FuzzNode start() throws IOException, InterruptedException {
        Path state = Files.createTempDirectory("zed-fuzz-node");
        ZedNode n = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0).withTelemetry(TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        FuzzNode f = new FuzzNode(state, n);
        try {
            for (String id : List.of(ApiCalls.PARENT, ApiCalls.CHILD)) f.converge(id);
        } catch (RuntimeException | IOException | InterruptedException e) {
            f.close();
            throw e;
        }
        return f;
    }

    public ApiRequest.Node facts() {
        return facts;
    }

    /** Sends one fuzzed request over its own connection. */
    public Wire.Outcome send(ApiRequest r, Duration timeout) {
        return Wire.send(facts.port(), r.wire(facts), r.head(), timeout);
    }

    private HttpResponse<String> call(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + facts.port() + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + facts.token());
        if (!method.equals("GET")) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Whether the node answers its health check with 200 and its status. */
    public boolean healthy() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + facts.port() + "/v1/health")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() == 200 && json.readTree(r.body()).path("status").asText().equals("ok");
    }

    /**
     * Pushes {@code id}'s Zedfile (made right) and waits until it converges at the revision the push made; the
     * answer's status code otherwise, with the body, as an exception.
     */
    public JsonNode converge(String id) throws IOException, InterruptedException {
        Files.createDirectories(state.resolve("levels").resolve(id));
        String body = new String(ApiCalls.push(id), StandardCharsets.UTF_8).replace(ApiRequest.DIR, state.toString());
        HttpResponse<String> r = call("PUT", ApiCalls.path(id, true, null), body);
        if (r.statusCode() != 200) throw new IllegalStateException("pushing " + id + " answered " + r.statusCode() + ": " + r.body());
        JsonNode pushed = json.readTree(r.body());
        long deadline = System.nanoTime() + CONVERGE.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = json.readTree(call("GET", ApiCalls.path(id, true, null), null).body());
            if (last.path("state").asText().equals("Converged") && last.path("desiredRevision").asLong() >= pushed.path("revision").asLong()) return last;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new IllegalStateException(id + " did not converge within " + CONVERGE.toSeconds() + " s; last: " + last);
    }

    @Override
    public void close() {
        try {
            JsonNode levels = json.readTree(call("GET", "/v1/levels", null).body()).path("levels");
            List<String> ids = new ArrayList<>();
            levels.forEach(l -> ids.add(l.asText()));
            ids.sort(Comparator.comparingInt((String id) -> id.split("/").length).reversed());
            for (String id : ids) call("DELETE", ApiCalls.path(id, true, null) + "?cascade=true", null);
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the node is closed below either way; a service left running exits when its sleep ends
        } finally {
            node.close();
            try (Stream<Path> s = Files.walk(state)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // a temporary directory left behind
            }
        }
    }
}
