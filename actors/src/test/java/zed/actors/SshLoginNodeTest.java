package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.ui.ssh.SshKeygen;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SSH-key login through a real node's HTTP API on loopback, with no API token: a nonce asked for, signed by
 * running the very command the node printed (OpenSSH's ssh-keygen, a key of the operator's listed in
 * {@code $ZED_HOME/authorized_keys}), and sent back; the key's fingerprint and comment come back. A reused nonce and
 * another namespace get 401; the guard's Host, Origin and Content-Type checks hold on these routes; and no other
 * route is opened by them.
 */
class SshLoginNodeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;
    @TempDir
    Path operator;
    TestNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        node = TestNode.start(state);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    /** A request as a login page sends it: JSON, no Authorization; {@code headers} set more. */
    HttpResponse<String> post(String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.setHeader(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode nonce() throws Exception {
        HttpResponse<String> r = post("/ui/login/ssh/nonce", "application/json", "{}");
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    HttpResponse<String> login(String nonce, String signature) throws Exception {
        return post("/ui/login/ssh", "application/json", JSON.createObjectNode().put("nonce", nonce).put("signature", signature).toString());
    }

    @Test
    void anOperatorLogsInWithTheCommandTheNodePrintsAndNothingElseIsOpened() throws Exception {
        SshKeygen keygen = new SshKeygen(operator);
        Path key = keygen.key("id_ed25519", "ed25519", 0, "ann@laptop");
        Path other = keygen.key("id_other", "ed25519", 0, "eve");
        Path listed = state.resolve("authorized_keys");
        Files.writeString(listed, SshKeygen.publicLine(key) + "\n");
        Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rw-------"));

        JsonNode n = nonce();
        String nonce = n.get("nonce").asText();
        String command = n.get("command").asText();
        assertTrue(nonce.matches("[0-9a-f]{64}") && command.contains(nonce) && command.contains("-n zed-login"), n.toString());
        assertTrue(n.has("expires"), n.toString());
        String signature = SshKeygen.shell(command.replace("~/.ssh/id_ed25519", key.toString()));
        HttpResponse<String> in = login(nonce, signature);
        assertEquals(200, in.statusCode(), in.body());
        JsonNode who = JSON.readTree(in.body());
        assertEquals(keygen.fingerprint(key), who.get("fingerprint").asText());
        assertEquals("ann@laptop", who.get("comment").asText());
        assertEquals("ssh-ed25519", who.get("type").asText());

        HttpResponse<String> again = login(nonce, signature);
        assertEquals(401, again.statusCode(), again.body());
        assertTrue(again.body().contains("used already"), again.body());
        String m = nonce().get("nonce").asText();
        HttpResponse<String> namespace = login(m, keygen.sign(key, "other", m));
        assertEquals(401, namespace.statusCode());
        assertTrue(namespace.body().contains("namespace"), namespace.body());
        String k = nonce().get("nonce").asText();
        HttpResponse<String> stranger = login(k, keygen.sign(other, "zed-login", k));
        assertEquals(401, stranger.statusCode());
        assertTrue(stranger.body().contains("not listed"), stranger.body());
        assertEquals(400, post("/ui/login/ssh", "application/json", "{\"nonce\": 1}").statusCode());

        // the guard holds: a form post, a foreign page, a rebound host name
        assertEquals(415, post("/ui/login/ssh/nonce", "text/plain", "{}").statusCode());
        assertEquals(415, post("/ui/login/ssh", "application/x-www-form-urlencoded", "nonce=" + nonce).statusCode());
        assertEquals(403, post("/ui/login/ssh/nonce", "application/json", "{}", "Origin", "https://evil.example.com").statusCode());
        assertEquals(421, post("/ui/login/ssh/nonce", "application/json", "{}", "Host", "evil.example.com").statusCode());
        assertEquals(200, post("/ui/login/ssh/nonce", "application/json", "{}", "Origin", "http://127.0.0.1:" + node.port()).statusCode());

        // open are exactly these two POSTs: a neighbour, a trailing slash, an encoded slash, another method is either
        // the API's (a token needed) or the dashboard's (/ui: its session needed, an unknown path a 404), never the login
        assertEquals(401, post("/v1/levels", "application/json", "{}").statusCode());
        for (String path : List.of("/ui/login/ssh/", "/ui/login/ssh/nonce/", "/ui/login/ssh/other", "/ui/login", "/ui/login%2Fssh", "/ui/login/ssh/nonce/x")) {
            HttpResponse<String> a = post(path, "application/json", "{}");
            assertTrue(a.statusCode() == 401 || a.statusCode() == 404 || a.statusCode() == 405, path + ": " + a.statusCode() + " " + a.body());
            assertFalse(a.body().contains("nonce") || a.body().contains("fingerprint"), path + ": " + a.body());
        }
        HttpResponse<String> get = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ui/login/ssh/nonce")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertTrue(get.statusCode() == 401 || get.statusCode() == 404 || get.statusCode() == 405, "GET is not the login: " + get.statusCode() + " " + get.body());
        assertFalse(get.body().contains("nonce"), "GET is not the login: " + get.body());

        // audited as every request, without a token, and without the signature (no body is ever written)
        List<String> audit = Files.readAllLines(state.resolve("api-audit.log"));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"path\":\"/ui/login/ssh\"") && l.contains("\"status\":200") && l.contains("\"token\":null")), audit.toString());
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"path\":\"/ui/login/ssh\"") && l.contains("\"status\":401")), audit.toString());
        assertFalse(String.join("\n", audit).contains("SSH SIGNATURE"));
    }
}
