package zed.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.http.ApiToken;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** An API bound to anything but 127.0.0.1 answers only with the bearer token the node wrote, mode 0600, into its state dir. */
class TokenTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    HttpResponse<String> get(String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.2:" + node.httpPort() + path));
        if (auth != null) b.header("Authorization", auth);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void beyondLoopbackEveryCallNeedsTheToken() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.2", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        Path file = ApiToken.file(state);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String token = Files.readString(file).strip();
        assertTrue(token.matches("[0-9a-f]{64}"));

        HttpResponse<String> none = get("/v1/health", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("Authorization: Bearer"), none.body());
        assertEquals(401, get("/v1/levels", "Bearer " + "0".repeat(64)).statusCode());
        assertEquals(200, get("/v1/health", "Bearer " + token).statusCode());
        assertEquals(200, get("/v1/levels", "Bearer " + token).statusCode());
    }
}
