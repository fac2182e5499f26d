package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import zed.actors.http.ApiToken;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line's side of the HTTP API: {@code $ZED_URL} (default http://127.0.0.1:7700), with the bearer token
 * from {@code $ZED_HOME/api-token} when there is one.
 */
final class NodeClient {
    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The messages of an error answer, one per line, positioned where the node gave positions. */
        List<String> errors() {
            List<String> out = new ArrayList<>();
            JsonNode es = body == null ? null : body.get("errors");
            if (es == null) return List.of("HTTP " + status);
            for (JsonNode e : es) {
                out.add(e.has("file") ? e.get("file").asText() + ":" + e.get("line").asInt() + ":" + e.get("col").asInt() + ": " + e.get("message").asText()
                        : e.path("message").asText());
            }
            return out;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    final URI base;
    private final String token;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    NodeClient(Path home) {
        this(baseFromEnvironment(), readToken(ApiToken.file(home)));
    }

    private static URI baseFromEnvironment() {
        String url = System.getenv("ZED_URL");
        return URI.create(url != null && !url.isEmpty() ? url : "http://127.0.0.1:7700");
    }

    /** The node at {@code base}, with {@code token} (null: none). */
    NodeClient(URI base, String token) {
        this.base = base;
        this.token = token;
    }

    private static String readToken(Path t) {
        try {
            return Files.isReadable(t) ? Files.readString(t).strip() : null;
        } catch (IOException e) {
            return null; // no token: loopback nodes need none
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    Answer send(String method, String path, Object body) throws IOException, InterruptedException {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode n;
        try {
            n = r.body().isEmpty() ? null : JSON.readTree(r.body());
        } catch (IOException e) {
            n = null;
        }
        return new Answer(r.statusCode(), n);
    }

    Answer get(String path) throws IOException, InterruptedException {
        return send("GET", path, null);
    }

    /** Whether a node answers its health check. */
    boolean alive() {
        try {
            return get("/v1/health").ok();
        } catch (ConnectException e) {
            return false;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    HttpClient http() {
        return http;
    }
}
