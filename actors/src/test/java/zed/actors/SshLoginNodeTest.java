package zed.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.ui.ssh.SshKeygen;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SSH-key login through a real node's HTTP on loopback, as the login page's forms send it, with OpenSSH's own
 * ssh-keygen: the page's nonce signed by running the very command it shows, with a key listed in
 * {@code $ZED_HOME/authorized_keys}, opens a session whose cookie opens /ui; a reused nonce, another namespace and a
 * key not listed are refused with a page that says why (401) and no cookie; a key listed with {@code zed-scope="read"}
 * opens a read-only session; the guard's Host and Origin checks hold; the login page offers every way in; a session
 * ends once its key leaves authorized_keys, or is narrowed below the session's scope.
 */
class SshLoginNodeTest {
    @TempDir
    Path state;
    @TempDir
    Path operator;
    TestNode node;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        node = TestNode.start(state);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    /** A form's POST as a browser sends it, with no session; {@code headers} set more. */
    HttpResponse<String> form(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) b.setHeader(headers[i], headers[i + 1]);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> get(String path, String cookie) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).timeout(Duration.ofSeconds(30)).GET();
        if (cookie != null) b.header("Cookie", cookie);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The SSH login page: its nonce and the command it shows (HTML-unescaped). */
    String[] nonce() throws Exception {
        HttpResponse<String> r = form("/ui/login/ssh/nonce", "");
        assertEquals(200, r.statusCode(), r.body());
        return new String[]{find(r.body(), "id=\"ssh-nonce\">([0-9a-f]{64})<"), find(r.body(), "id=\"ssh-command\">([^<]+)<").replace("&#39;", "'")};
    }

    static String find(String html, String regex) {
        Matcher m = Pattern.compile(regex).matcher(html);
        assertTrue(m.find(), regex + " in:\n" + html);
        return m.group(1);
    }

    HttpResponse<String> login(String nonce, String signature) throws Exception {
        return form("/ui/login/ssh", "nonce=" + nonce + "&signature=" + URLEncoder.encode(signature, StandardCharsets.UTF_8));
    }

    static String cookie(HttpResponse<String> r) {
        String set = r.headers().firstValue("Set-Cookie").orElseThrow(() -> new AssertionError("no cookie: " + r.statusCode() + " " + r.body()));
        return set.substring(0, set.indexOf(';'));
    }

    @Test
    void theLoginPagesNonceSignedWithTheCommandItShowsOpensASessionAndNothingElseDoes() throws Exception {
        SshKeygen keygen = new SshKeygen(operator);
        Path key = keygen.key("id_ed25519", "ed25519", 0, "ann@laptop");
        Path viewer = keygen.key("id_viewer", "ed25519", 0, "vic");
        Path other = keygen.key("id_other", "ed25519", 0, "eve");
        Path listed = state.resolve("authorized_keys");
        Files.writeString(listed, SshKeygen.publicLine(key) + "\nzed-scope=\"read\" " + SshKeygen.publicLine(viewer) + "\n");
        Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rw-------"));

        // the login page: every way in; the 401 page links to it
        HttpResponse<String> page = get("/ui/login", null);
        assertEquals(200, page.statusCode());
        for (String way : List.of("With a passkey", "Log in with an SSH key", "zed ui login")) assertTrue(page.body().contains(way), way + " in " + page.body());
        assertTrue(page.body().contains("not the IP address 127.0.0.1") && !page.body().contains("passkey.js"), "passkeys need a name: " + page.body());
        HttpResponse<String> named = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.port() + "/ui/login")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(named.body().contains("Log in with a passkey") && named.body().contains("/ui/static/passkey.js"), named.body());
        HttpResponse<String> unauthorized = get("/ui", null);
        assertEquals(401, unauthorized.statusCode());
        assertTrue(unauthorized.body().contains("href=\"/ui/login\""), unauthorized.body());

        String[] n = nonce();
        assertTrue(n[1].contains(n[0]) && n[1].contains("-n zed-login"), n[1]);
        String signature = SshKeygen.shell(n[1].replace("~/.ssh/id_ed25519", key.toString()));
        HttpResponse<String> in = login(n[0], signature);
        assertEquals(303, in.statusCode(), in.body());
        assertEquals("/ui", in.headers().firstValue("Location").orElse(""));
        String session = cookie(in);
        assertTrue(in.headers().firstValue("Set-Cookie").orElseThrow().contains("HttpOnly"));
        HttpResponse<String> fleet = get("/ui", session);
        assertEquals(200, fleet.statusCode(), fleet.body());
        assertTrue(fleet.body().contains("ssh:ann@laptop " + keygen.fingerprint(key)) && fleet.body().contains("<strong>admin</strong>"), fleet.body());

        // refused, each with its reason and no session: the same nonce again, another namespace, a key not listed
        HttpResponse<String> again = login(n[0], signature);
        assertEquals(401, again.statusCode(), again.body());
        assertTrue(again.body().contains("used already"), again.body());
        assertTrue(again.headers().firstValue("Set-Cookie").isEmpty());
        String m = nonce()[0];
        HttpResponse<String> namespace = login(m, keygen.sign(key, "other", m));
        assertEquals(401, namespace.statusCode());
        assertTrue(namespace.body().contains("namespace"), namespace.body());
        String k = nonce()[0];
        HttpResponse<String> stranger = login(k, keygen.sign(other, "zed-login", k));
        assertEquals(401, stranger.statusCode());
        assertTrue(stranger.body().contains("not listed") && stranger.body().contains(keygen.fingerprint(other)), stranger.body());
        assertFalse(stranger.body().contains(keygen.fingerprint(key)) || stranger.body().contains("ann@laptop"), "no word of the keys that are listed");
        assertTrue(stranger.headers().firstValue("Set-Cookie").isEmpty());

        // a key listed with zed-scope="read": a read-only session
        String r = nonce()[0];
        HttpResponse<String> read = login(r, keygen.sign(viewer, "zed-login", r));
        assertEquals(303, read.statusCode(), read.body());
        assertTrue(get("/ui", cookie(read)).body().contains("read-only"));

        // the guard holds: a foreign page, a rebound host name
        assertEquals(403, form("/ui/login/ssh/nonce", "", "Origin", "https://evil.example.com").statusCode());
        assertEquals(421, form("/ui/login/ssh/nonce", "", "Host", "evil.example.com").statusCode());
        String o = nonce()[0];
        assertEquals(403, form("/ui/login/ssh", "nonce=" + o + "&signature=" + URLEncoder.encode(keygen.sign(key, "zed-login", o), StandardCharsets.UTF_8),
                "Origin", "https://evil.example.com").statusCode());
        assertEquals(200, form("/ui/login/ssh/nonce", "", "Origin", "http://127.0.0.1:" + node.port()).statusCode());
        HttpResponse<String> getNonce = get("/ui/login/ssh/nonce", null);
        assertEquals(405, getNonce.statusCode(), "no GET makes a nonce: " + getNonce.body());

        // audited as every request, without a token, and without the signature (no body is ever written)
        List<String> audit = Files.readAllLines(state.resolve("api-audit.log"));
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"path\":\"/ui/login/ssh\"") && l.contains("\"status\":303") && l.contains("\"token\":null")), audit.toString());
        assertTrue(audit.stream().anyMatch(l -> l.contains("\"path\":\"/ui/login/ssh\"") && l.contains("\"status\":401")), audit.toString());
        assertFalse(String.join("\n", audit).contains("SSH SIGNATURE"));

        // the key's entry removed from authorized_keys (or narrowed below the session's scope): its sessions end
        Files.writeString(listed, "zed-scope=\"read\" " + SshKeygen.publicLine(key) + "\nzed-scope=\"read\" " + SshKeygen.publicLine(viewer) + "\n");
        HttpResponse<String> narrowed = get("/ui", session);
        assertEquals(401, narrowed.statusCode(), narrowed.body());
        assertTrue(narrowed.body().contains("is no longer in") && narrowed.body().contains(keygen.fingerprint(key)), narrowed.body());
        String readSession = cookie(read);
        assertEquals(200, get("/ui", readSession).statusCode(), "the read-only key still stands");
        Files.writeString(listed, SshKeygen.publicLine(key) + "\n");
        assertEquals(401, get("/ui", readSession).statusCode(), "removed");
    }

    @Test
    void passkeysAreOfferedAtAHostNameAndTheirLoginCallsAreJsonOnly() throws Exception {
        HttpResponse<String> ip = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + "/ui/login/passkey/options"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, ip.statusCode(), ip.body());
        assertTrue(ip.body().contains("not the IP address"), ip.body());
        HttpResponse<String> named = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.port() + "/ui/login/passkey/options"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, named.statusCode(), named.body());
        assertTrue(named.body().contains("\"rpId\":\"localhost\"") && named.body().matches(".*\"challenge\":\"[A-Za-z0-9_-]{43}\".*"), named.body());
        HttpResponse<String> asForm = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.port() + "/ui/login/passkey"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString("id=x")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(415, asForm.statusCode(), "another site's form never reaches the login: " + asForm.body());
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + node.port() + "/ui/login/passkey"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"challenge\":\"x\",\"id\":\"AA\",\"authenticatorData\":\"AA\","
                        + "\"clientDataJSON\":\"AA\",\"signature\":\"AA\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, unknown.statusCode(), unknown.body());
        assertTrue(unknown.body().contains("did not make this challenge"), unknown.body());
        assertTrue(unknown.headers().firstValue("Set-Cookie").isEmpty());
    }
}
