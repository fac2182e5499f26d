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
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every call but the health check needs the bearer token the node wrote, mode 0600, into its state directory, on
 * loopback as beyond it; a token file that others can read, or that holds too short a token, stops the start.
 */
class TokenTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    HttpResponse<String> get(String host, String path, String auth) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + host + ":" + node.httpPort() + path));
        if (auth != null) b.header("Authorization", auth);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    ZedNode start(String host) {
        return ZedNode.start(NodeConfig.defaults(state).withHttp(host, 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
    }

    @Test
    void onLoopbackTooEveryCallButTheHealthCheckNeedsTheToken() throws Exception {
        node = start("127.0.0.1");
        Path file = ApiToken.file(state);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state)), "the state directory is the node's alone");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("journal"))));
        String token = Files.readString(file).strip();
        assertTrue(token.matches("[0-9a-f]{64}"));

        assertEquals(200, get("127.0.0.1", "/v1/health", null).statusCode(), "the health check is open");
        HttpResponse<String> none = get("127.0.0.1", "/v1/levels", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("Authorization: Bearer"), none.body());
        assertEquals(401, get("127.0.0.1", "/v1/events", null).statusCode());
        assertEquals(401, get("127.0.0.1", "/v1/levels", "Bearer " + "0".repeat(64)).statusCode());
        assertEquals(200, get("127.0.0.1", "/v1/levels", "Bearer " + token).statusCode());
    }

    @Test
    void beyondLoopbackTheSameTokenIsNeeded() throws Exception {
        node = start("127.0.0.2");
        String token = Files.readString(ApiToken.file(state)).strip();
        assertEquals(401, get("127.0.0.2", "/v1/levels", null).statusCode());
        assertEquals(200, get("127.0.0.2", "/v1/levels", "Bearer " + token).statusCode());
    }

    @Test
    void aTokenFileOthersCanReadStopsTheStartAndSaysHowToFixIt() throws Exception {
        Files.createDirectories(state);
        Path file = ApiToken.file(state);
        Files.writeString(file, "a".repeat(64) + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start("127.0.0.1"));
        assertTrue(e.getMessage().contains("chmod 600 " + file), e.getMessage());
    }

    @Test
    void aShortOrEmptyTokenFileStopsTheStart() throws Exception {
        Files.createDirectories(state);
        Path file = ApiToken.file(state);
        Files.writeString(file, "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> start("127.0.0.1"));
        assertTrue(e.getMessage().contains("holds nothing"), e.getMessage());
        Files.writeString(file, "short\n");
        e = assertThrows(IllegalStateException.class, () -> start("127.0.0.1"));
        assertTrue(e.getMessage().contains("a token of 5 characters"), e.getMessage());
    }
}
