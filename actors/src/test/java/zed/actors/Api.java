package zed.actors;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Requests to a test node's API as a client must make them: the node's token, and JSON for whatever changes something. */
public final class Api {
    private Api() {
    }

    /** The token the node wrote into its state directory. */
    public static String token(Path state) {
        try {
            return Files.readString(state.resolve("api-token")).strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** {@code method path} on the node at {@code port}, with its token and, unless a GET, {@code Content-Type: application/json}. */
    public static HttpRequest.Builder request(int port, Path state, String method, String path, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token(state));
        if (!method.equals("GET")) b.header("Content-Type", "application/json");
        return b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    }

    public static HttpRequest.Builder get(int port, Path state, String path) {
        return request(port, state, "GET", path, null);
    }
}
