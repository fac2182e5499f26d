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
 * from {@code $ZED_HOME/api-token}, read at each request (a node the CLI just started writes it first) and checked:
 * a file others can read, or an empty or short one, is an error that says how to fix it.
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
    private final Path tokenFile;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    NodeClient(Path home) {
        this(baseFromEnvironment(), ApiToken.file(home));
    }

    private static URI baseFromEnvironment() {
        String url = System.getenv("ZED_URL");
        return URI.create(url != null && !url.isEmpty() ? url : "http://127.0.0.1:7700");
    }

    /** The node at {@code base}, with the token in {@code tokenFile} (null: none). */
    NodeClient(URI base, Path tokenFile) {
        this.base = base;
        this.tokenFile = tokenFile;
    }

    /** @throws IllegalStateException when the token file is there but unsafe or unusable */
    private String token() throws IOException {
        if (tokenFile == null || !Files.exists(tokenFile)) return null; // the node answers 401, naming the file
        return ApiToken.read(tokenFile);
    }

    HttpRequest.Builder request(String path) throws IOException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        String token = token();
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    /** A level's path on the API: its id in one segment, whatever its last name ({@code x/plan} too). */
    static String level(String id) {
        return zed.actors.http.LevelPath.of(id);
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
