package zed.actors.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard's login and its guard over HTTP, against a real node on loopback (no browser: DashboardChromiumTest
 * in chaos drives Chromium): {@code zed ui login}'s link, its cookie, the pages a used or unknown link gets, the limit
 * of links a minute, the Host and Origin checks on /ui, a POST without the CSRF token, and htmx served from its WebJar.
 */
class DashboardLoginTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeEach
    void start() {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    String base() {
        return "http://127.0.0.1:" + node.httpPort();
    }

    String login() {
        CliRun r = CliRun.run(Map.of("ZED_HOME", state.toString()), "ui", "login", "--node", base());
        assertEquals(0, r.exit(), r.toString());
        Matcher m = Pattern.compile(Pattern.quote(base()) + "/ui/login\\?key=[A-Za-z0-9_-]{43}").matcher(r.out());
        assertTrue(m.find(), r.toString());
        assertTrue(r.out().contains("▀") || r.out().contains("▄"), "a QR code: " + r.out());
        return m.group();
    }

    HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).GET();
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(String path, String cookie, String form, Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).header("Cookie", cookie)
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aLinkLogsInOnceAndTheSessionShowsItsCsrfTokenOnEveryPost() throws Exception {
        String link = login();
        HttpResponse<String> opened = get(link, Map.of());
        assertEquals(303, opened.statusCode());
        assertEquals("/ui", opened.headers().firstValue("Location").orElse(""));
        String setCookie = opened.headers().firstValue("Set-Cookie").orElseThrow();
        for (String flag : new String[]{"HttpOnly", "SameSite=Strict", "Path=/ui", "Max-Age=28800"}) assertTrue(setCookie.contains(flag), setCookie);
        assertFalse(setCookie.contains("Secure"), "plain http on loopback: " + setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        HttpResponse<String> page = get(base() + "/ui", Map.of("Cookie", cookie));
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<h1>Fleet</h1>") && page.body().contains("No levels yet"), page.body());
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        Matcher csrf = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]{43})\"").matcher(page.body());
        assertTrue(csrf.find(), page.body());

        // the link once only; a key the node never made
        HttpResponse<String> again = get(link, Map.of());
        assertEquals(410, again.statusCode());
        assertTrue(again.body().contains("This login link was used already"), again.body());
        assertEquals(404, get(base() + "/ui/login?key=" + "A".repeat(43), Map.of()).statusCode());

        // no session: a page that says how to log in; the events too
        HttpResponse<String> none = get(base() + "/ui", Map.of());
        assertEquals(401, none.statusCode());
        assertTrue(none.body().contains("zed ui login"), none.body());
        assertEquals(401, get(base() + "/ui/fleet/events", Map.of()).statusCode());

        // a POST without the CSRF token, or with a wrong one: refused before anything
        assertEquals(403, post("/ui/levels/rollback", cookie, "level=shop&target=%40latest", Map.of()).statusCode());
        assertEquals(403, post("/ui/levels/rollback", cookie, "csrf=" + "B".repeat(43) + "&level=shop&target=%40latest", Map.of()).statusCode());
        // with it: the level's own answer (none here)
        HttpResponse<String> asked = post("/ui/levels/rollback", cookie, "csrf=" + csrf.group(1) + "&level=shop&target=%40latest", Map.of());
        assertEquals(404, asked.statusCode());
        assertTrue(asked.body().contains("no such level: shop"), asked.body());

        // the guard's Host and Origin checks hold on /ui as on the API
        assertEquals(403, post("/ui/levels/rollback", cookie, "csrf=" + csrf.group(1) + "&level=shop&target=%40latest",
                Map.of("Origin", "http://evil.example.com")).statusCode());
        assertEquals(421, get(base() + "/ui", Map.of("Cookie", cookie, "Host", "evil.example.com:" + node.httpPort())).statusCode());

        // logging out ends the session, with its CSRF token only
        assertEquals(403, post("/ui/logout", cookie, "", Map.of()).statusCode());
        assertEquals(303, post("/ui/logout", cookie, "csrf=" + csrf.group(1), Map.of()).statusCode());
        assertEquals(401, get(base() + "/ui", Map.of("Cookie", cookie)).statusCode());
    }

    @Test
    void atMostFiveLinksAMinuteAndNoneWithoutAToken() throws Exception {
        for (int i = 0; i < 5; i++) login();
        CliRun sixth = CliRun.run(Map.of("ZED_HOME", state.toString()), "ui", "login", "--node", base());
        assertEquals(1, sixth.exit(), sixth.toString());
        assertTrue(sixth.err().contains("at most 5 login links a minute"), sixth.toString());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base() + "/v1/ui/links")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        // the audit log has the path of every login, never its key
        String audit = Files.readString(state.resolve("api-audit.log"));
        assertFalse(audit.contains("key="), audit);
    }

    @Test
    void htmxAndItsSseExtensionComeFromTheirWebJars() throws Exception {
        HttpResponse<String> htmx = get(base() + "/ui/static/htmx.min.js", Map.of());
        assertEquals(200, htmx.statusCode());
        assertTrue(htmx.body().contains("htmx"), "htmx");
        HttpResponse<String> sse = get(base() + "/ui/static/sse.js", Map.of());
        assertEquals(200, sse.statusCode());
        assertTrue(sse.body().contains("sse-connect"), "the SSE extension");
        assertEquals(200, get(base() + "/ui/static/zed.css", Map.of()).statusCode());
    }
}
