package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
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
 * Calls to one node's API as a client makes them, with the token the node wrote in its state directory: for a node in
 * a process of its own ({@link AgentNode}) or in the caller's JVM.
 *
 * @param url  {@code http://HOST:PORT}, or {@code https://} for a node whose API listens beyond loopback
 * @param home the node's state directory ({@code ZED_HOME}), which holds {@code api-token}
 */
public record NodeCalls(String url, Path home) {
    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final java.util.Map<Path, HttpClient> HTTPS = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The client for a node's URL: an https:// node (its API beyond loopback) is trusted by the cluster CA of its
     * home's {@code tls}, as a host of the cluster trusts it; one client per home.
     */
    static HttpClient client(String url, Path home) {
        if (!url.startsWith("https:")) return HTTP;
        return HTTPS.computeIfAbsent(home, h -> HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                .sslContext(zed.actors.cluster.ClusterTls.in(h).sslContext()).build());
    }

    /** @param status the HTTP status; {@code body} the JSON answer (an empty object when there was none) */
    public record Answer(int status, JsonNode body) {
        public boolean ok() {
            return status / 100 == 2;
        }
    }

    public Answer send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + token())
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        if (!method.equals("GET")) b.header("Content-Type", "application/json");
        HttpResponse<String> r = client(url, home).send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n;
        try {
            n = r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
        } catch (IOException notJson) {
            n = JSON.createObjectNode().put("text", r.body());
        }
        return new Answer(r.statusCode(), n);
    }

    public String token() throws IOException {
        return Files.readString(home.resolve("api-token")).strip();
    }

    /** A level's path on the API, its id in one segment. */
    public static String level(String id) {
        return "/v1/levels/" + id.replace("/", "%2F");
    }

    /** PUT a level's Zedfile, which lives in {@code dir}. */
    public Answer push(String id, Path dir, String source) throws IOException, InterruptedException {
        return push(id, dir, source, null);
    }

    /** PUT a level below {@code parent} (null: a level of its own). */
    public Answer push(String id, Path dir, String source, String parent) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", dir.toString());
        if (parent != null) body.put("parent", parent);
        return send("PUT", level(id), body);
    }

    public JsonNode status(String id) throws IOException, InterruptedException {
        return send("GET", level(id), null).body();
    }

    /** Polls a level's status every {@code every} until {@code ok}, within {@code within}; the last status either way. */
    public JsonNode await(String id, Predicate<JsonNode> ok, Duration within, Duration every) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            try {
                last = status(id);
                if (ok.test(last)) return last;
            } catch (IOException busy) {
                // the node restarts, or the level wakes: try again
            }
            Thread.sleep(every.toMillis()); // polling interval of a deadline wait
        }
        return last;
    }
}
