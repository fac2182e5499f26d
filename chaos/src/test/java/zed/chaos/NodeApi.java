package zed.chaos;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Calls to a node that {@code zed up} started, as a client must make them: with the token in its ZED_HOME, JSON where it changes something. */
final class NodeApi {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private NodeApi() {
    }

    static HttpResponse<String> send(String url, Path home, String method, String path) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60))
                .method(method, HttpRequest.BodyPublishers.noBody());
        Path token = home.resolve("api-token");
        if (Files.exists(token)) b.header("Authorization", "Bearer " + Files.readString(token).strip());
        if (!method.equals("GET")) b.header("Content-Type", "application/json");
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the level (its services stop with it); an id in one segment, whatever its last name. */
    static void stop(String url, Path home, String level) throws IOException, InterruptedException {
        send(url, home, "DELETE", "/v1/levels/" + level.replace("/", "%2F"));
    }
}
