package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.ui.passkey.RelyingParty;
import zed.actors.ui.passkey.SoftwareAuthenticator;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's logins against what they stand on, over HTTP with a real node on loopback and the real CLI
 * ({@code zed token}, {@code zed ui login}); the passkey is a software authenticator's (no browser: its answers are
 * built as an authenticator's, and meet the node's real WebAuthn verification). A session from a token's link, and a
 * passkey registered in it, end with {@code zed token revoke} (an open live page's stream too), also when a token of the same name is made again;
 * thousands of unauthenticated challenge requests leave every login working; a login's challenge logs in once.
 */
class DashboardRevocationTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    final ObjectMapper json = new ObjectMapper();

    @BeforeEach
    void start() {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    /** At the host name: passkeys need one (WebAuthn refuses an address). */
    String base() {
        return "http://localhost:" + node.httpPort();
    }

    RelyingParty rp() {
        return RelyingParty.of("http", "localhost", node.httpPort());
    }

    CliRun zed(Map<String, String> env, String... args) {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("ZED_HOME", state.toString());
        CliRun r = CliRun.run(all, args);
        assertEquals(0, r.exit(), r.toString());
        return r;
    }

    /** A session opened with {@code zed ui login}'s link, asked for with {@code token} (null: the node's own): its cookie. */
    String linkSession(String token) throws Exception {
        CliRun r = zed(token == null ? Map.of() : Map.of("ZED_TOKEN", token), "ui", "login", "--node", base());
        Matcher m = Pattern.compile(Pattern.quote(base()) + "/ui/login\\?key=[A-Za-z0-9_-]{43}").matcher(r.out());
        assertTrue(m.find(), r.toString());
        return cookie(get(m.group(), null));
    }

    static String cookie(HttpResponse<String> r) {
        assertEquals(303, r.statusCode(), r.body());
        String set = r.headers().firstValue("Set-Cookie").orElseThrow();
        return set.substring(0, set.indexOf(';'));
    }

    HttpResponse<String> get(String url, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpRequest postJson(String path, String cookie, ObjectNode body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (cookie != null) b.header("Cookie", cookie);
        return b.build();
    }

    HttpResponse<String> post(String path, String cookie, ObjectNode body) throws Exception {
        return http.send(postJson(path, cookie, body), HttpResponse.BodyHandlers.ofString());
    }

    String csrf(String cookie) throws Exception {
        HttpResponse<String> page = get(base() + "/ui", cookie);
        assertEquals(200, page.statusCode(), page.body());
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]{43})\"").matcher(page.body());
        assertTrue(m.find(), page.body());
        return m.group(1);
    }

    /** Registers {@code a} in the session of {@code cookie}, as /ui/static/passkey.js does. */
    void register(String cookie, SoftwareAuthenticator a, String name) throws Exception {
        String csrf = csrf(cookie);
        HttpResponse<String> options = post("/ui/passkeys/options", cookie, json.createObjectNode().put("csrf", csrf).put("name", name));
        assertEquals(200, options.statusCode(), options.body());
        String challenge = json.readTree(options.body()).path("challenge").asText();
        byte[][] made = a.create(rp(), challenge, 0);
        ObjectNode body = json.createObjectNode().put("csrf", csrf).put("challenge", challenge)
                .put("attestationObject", SoftwareAuthenticator.b64(made[0])).put("clientDataJSON", SoftwareAuthenticator.b64(made[1]));
        body.putArray("transports").add("internal");
        HttpResponse<String> done = post("/ui/passkeys", cookie, body);
        assertEquals(201, done.statusCode(), done.body());
    }

    /** The body of a passkey login, as passkey.js posts it: {@code a}'s answer to a fresh challenge of the node. */
    ObjectNode passkeyLogin(SoftwareAuthenticator a, long counter) throws Exception {
        HttpResponse<String> options = post("/ui/login/passkey/options", null, json.createObjectNode());
        assertEquals(200, options.statusCode(), options.body());
        String challenge = json.readTree(options.body()).path("challenge").asText();
        byte[][] got = a.get(rp(), challenge, counter);
        return json.createObjectNode().put("challenge", challenge).put("id", a.id()).put("authenticatorData", SoftwareAuthenticator.b64(got[0]))
                .put("clientDataJSON", SoftwareAuthenticator.b64(got[1])).put("signature", SoftwareAuthenticator.b64(got[2]));
    }

    @Test
    void aSessionAndThePasskeysRegisteredInItEndWhenItsTokenIsRevoked() throws Exception {
        String token = zed(Map.of(), "token", "create", "ci", "--scope", "deploy").out().strip();
        String session = linkSession(token);
        assertTrue(get(base() + "/ui", session).body().contains("<strong>ci</strong>"));
        SoftwareAuthenticator a = new SoftwareAuthenticator();
        register(session, a, "ci-laptop");
        String viaPasskey = cookie(post("/ui/login/passkey", null, passkeyLogin(a, 1)));
        assertEquals(200, get(base() + "/ui", viaPasskey).statusCode());

        // a live page, open while the token is revoked
        HttpResponse<java.util.stream.Stream<String>> live = http.send(HttpRequest.newBuilder(URI.create(base() + "/ui/fleet/events"))
                .header("Cookie", session).GET().build(), HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, live.statusCode());
        CompletableFuture<Long> streamed = CompletableFuture.supplyAsync(() -> live.body().count());

        zed(Map.of(), "token", "revoke", "ci");
        streamed.get(30, java.util.concurrent.TimeUnit.SECONDS); // it ends: its next reread finds the session gone
        for (String ended : List.of(session, viaPasskey)) {
            HttpResponse<String> r = get(base() + "/ui", ended);
            assertEquals(401, r.statusCode(), r.body());
            assertTrue(r.body().contains("the token ci was revoked"), r.body());
        }
        HttpResponse<String> refused = post("/ui/login/passkey", null, passkeyLogin(a, 2));
        assertEquals(401, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("no longer logs in") && refused.body().contains("token ci"), refused.body());
        assertTrue(refused.headers().firstValue("Set-Cookie").isEmpty());

        // a token made again under the same name is another token: what stood on the old one stays ended
        zed(Map.of(), "token", "create", "ci", "--scope", "deploy");
        assertEquals(401, post("/ui/login/passkey", null, passkeyLogin(a, 3)).statusCode());
        assertEquals(401, get(base() + "/ui", session).statusCode());

        // the Passkeys page says so, in words, to a session that stands (the node's own token)
        HttpResponse<String> page = get(base() + "/ui/passkeys", linkSession(null));
        assertEquals(200, page.statusCode(), page.body());
        Matcher row = Pattern.compile("<td class=\"standing\">([^<]*)</td>").matcher(page.body());
        assertTrue(row.find(), page.body());
        assertTrue(row.group(1).contains("No: it was registered under the token ci, and the token ci was revoked"), row.group(1));
    }

    @Test
    void thousandsOfChallengeRequestsBlockNoLoginAndAChallengeLogsInOnce() throws Exception {
        SoftwareAuthenticator a = new SoftwareAuthenticator();
        register(linkSession(null), a, "laptop");

        // as anyone who reaches the port could: no session, no token, a few at a time
        List<CompletableFuture<HttpResponse<Void>>> asked = new ArrayList<>();
        HttpRequest passkey = postJson("/ui/login/passkey/options", null, json.createObjectNode());
        HttpRequest ssh = HttpRequest.newBuilder(URI.create(base() + "/ui/login/ssh/nonce")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        int ok = 0;
        for (int i = 0; i < 3000; i++) {
            asked.add(http.sendAsync(i % 2 == 0 ? passkey : ssh, HttpResponse.BodyHandlers.discarding()));
            if (asked.size() == 16) ok += settle(asked);
        }
        ok += settle(asked);
        assertEquals(3000, ok, "every challenge asked for was given");

        ObjectNode login = passkeyLogin(a, 0);
        String in = cookie(post("/ui/login/passkey", null, login));
        assertEquals(200, get(base() + "/ui", in).statusCode());
        HttpResponse<String> again = post("/ui/login/passkey", null, login);
        assertEquals(401, again.statusCode(), again.body());
        assertTrue(again.body().contains("used already"), again.body());
        HttpResponse<String> nonce = http.send(ssh, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, nonce.statusCode(), nonce.body());
        // one this node never made, with a valid form
        ObjectNode forged = passkeyLogin(a, 0).put("challenge", "A".repeat(43));
        HttpResponse<String> f = post("/ui/login/passkey", null, forged);
        assertEquals(401, f.statusCode(), f.body());
        assertTrue(f.body().contains("did not make this challenge"), f.body());
    }

    /** Waits for the requests under way: how many were answered 200. */
    static int settle(List<CompletableFuture<HttpResponse<Void>>> asked) {
        int ok = 0;
        for (CompletableFuture<HttpResponse<Void>> r : asked) if (r.join().statusCode() == 200) ok++;
        asked.clear();
        return ok;
    }
}
