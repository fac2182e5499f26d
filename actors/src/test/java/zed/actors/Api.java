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

    /** Reads a level's event stream (from its start) until an event matches, within a deadline of 60 s. */
    public static com.fasterxml.jackson.databind.JsonNode event(int port, Path state, String level,
                                                                java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> ok) throws Exception {
        HttpRequest req = get(port, state, "/v1/events?level=" + level).timeout(Duration.ofDays(1)).build();
        java.net.http.HttpResponse<java.util.stream.Stream<String>> r = java.net.http.HttpClient.newHttpClient().send(req,
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        try (java.util.stream.Stream<String> lines = r.body()) {
            java.util.Iterator<String> it = lines.iterator();
            while (System.nanoTime() < deadline && it.hasNext()) {
                String l = it.next();
                if (!l.startsWith("data:") || l.length() < 7) continue;
                com.fasterxml.jackson.databind.JsonNode e = json.readTree(l.substring(5));
                if (ok.test(e)) return e;
            }
        }
        throw new AssertionError("no such event within the deadline");
    }
}
