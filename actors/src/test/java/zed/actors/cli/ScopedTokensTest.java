package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.http.ApiTokens;
import zed.actors.http.RouteScopes;
import zed.actors.http.Scope;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scoped tokens against a real node on loopback: made by {@code zed token create} on the node's file, each route of
 * {@link RouteScopes} walked with a read, a deploy and an admin token, every request in the audit log without a
 * token, and a revoked token refused at the next request, with no restart.
 */
class ScopedTokensTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
    }

    @AfterEach
    void stop() {
        if (node != null) node.close();
    }

    String create(String name, String scope) {
        CliRun r = CliRun.run(Map.of("ZED_HOME", state.toString()), "token", "create", name, "--scope", scope);
        assertEquals(0, r.exit(), r.toString());
        return r.out().strip();
    }

    /** The answer's status and body; an event stream's body is not read (it does not end). */
    record Answer(int status, String body) {
    }

    Answer send(String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
                .header("Content-Type", "application/json")
                .method(method, MUTATING.contains(method) ? HttpRequest.BodyPublishers.ofString("{}") : HttpRequest.BodyPublishers.noBody());
        if (token != null) b.header("Authorization", "Bearer " + token);
        HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream in = r.body()) {
            boolean stream = r.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
            return new Answer(r.statusCode(), stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static String concrete(String template) {
        return template.replace("{id}", "shop").replace("{token}", "f".repeat(64)).replace("{slot}", "db");
    }

    @Test
    void eachRouteIsOpenToTheScopesItNeedsAndEveryRequestIsAudited() throws Exception {
        String read = create("ci", "read");
        String deploy = create("deployer", "deploy");
        String admin = create("ops", "admin");
        assertTrue(read.startsWith(ApiTokens.PREFIX) && read.length() == 68, "a printed token: " + read.length() + " characters");
        Path file = ApiTokens.file(state);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        String stored = Files.readString(file);
        for (String t : List.of(read, deploy, admin)) {
            assertFalse(stored.contains(t), "the file holds no token");
            assertTrue(stored.contains(ApiTokens.sha256(t)), "the file holds the token's hash");
        }

        List<String> seen = new ArrayList<>();
        for (RouteScopes.Entry e : RouteScopes.all()) {
            String path = concrete(e.path());
            for (Map.Entry<Scope, String> t : Map.of(Scope.READ, read, Scope.DEPLOY, deploy, Scope.ADMIN, admin).entrySet()) {
                Answer a = send(e.method(), path, t.getValue());
                String what = t.getKey().word() + " token, " + e.method() + " " + path + ": " + a;
                boolean allowed = e.scope() == null || t.getKey().allows(e.scope());
                if (allowed) {
                    assertNotEquals(403, a.status(), what);
                    assertNotEquals(401, a.status(), what);
                    // served: pekko's own 404 or 405 would say the route is not there
                    assertNotEquals(405, a.status(), what);
                    assertFalse(a.body().contains("could not be found"), what);
                } else {
                    assertEquals(403, a.status(), what);
                    assertTrue(a.body().contains("needs " + e.scope().word()), what);
                }
                // a read token changes nothing: no method that could is open to it, but the plan of a push, which only
                // answers what the push would do (a POST for its body: the push's own), and the one POST that asks for a
                // login link to a dashboard session of its own read-only scope (docs/ui.md)
                boolean onlyAsks = e.path().equals("/v1/levels/{id}/push-plan") || e.path().equals("/v1/ui/links");
                if (t.getKey() == Scope.READ && MUTATING.contains(e.method()) && e.scope() != null && !onlyAsks) assertEquals(403, a.status(), what);
                seen.add(e.method() + " " + e.path());
            }
        }
        // the table is what the node serves: on the paths it names, every other method is not served (405)
        Set<String> templates = new LinkedHashSet<>();
        RouteScopes.all().forEach(e -> templates.add(e.path()));
        for (String template : templates) {
            for (String method : List.of("GET", "PUT", "POST", "DELETE", "PATCH")) {
                if (seen.contains(method + " " + template)) continue;
                Answer a = send(method, concrete(template), admin);
                assertEquals(405, a.status(), method + " " + template + " is served but not in RouteScopes: " + a);
            }
        }

        // no token, a wrong one: 401 on all but the open routes
        assertEquals(401, send("GET", "/v1/levels", null).status());
        assertEquals(401, send("GET", "/v1/levels", ApiTokens.PREFIX + "0".repeat(64)).status());
        assertEquals(200, send("GET", "/v1/health", null).status());

        // revoked: refused at the next request, the node still running
        assertEquals(200, send("GET", "/v1/levels", read).status());
        CliRun revoke = CliRun.run(Map.of("ZED_HOME", state.toString()), "token", "revoke", "ci");
        assertEquals(0, revoke.exit(), revoke.toString());
        assertEquals(401, send("GET", "/v1/levels", read).status(), "a revoked token is refused");
        assertEquals(200, send("GET", "/v1/levels", deploy).status(), "the others still work");

        // the audit: a JSON line a request, with the token's name and scope, never a token or a job's checkpoint token
        List<String> lines = Files.readAllLines(state.resolve("api-audit.log"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(state.resolve("api-audit.log"))));
        List<JsonNode> audit = new ArrayList<>();
        for (String l : lines) audit.add(JSON.readTree(l));
        assertTrue(audit.stream().anyMatch(n -> n.path("token").asText().equals("ci") && n.path("scope").asText().equals("read")
                && n.path("method").asText().equals("PUT") && n.path("path").asText().equals("/v1/levels/shop") && n.path("status").asInt() == 403), lines.toString());
        assertTrue(audit.stream().anyMatch(n -> n.path("token").asText().equals("ops") && n.path("method").asText().equals("DELETE")
                && n.path("path").asText().equals("/v1/levels/shop") && n.path("status").asInt() == 404), lines.toString());
        assertTrue(audit.stream().anyMatch(n -> n.path("token").isNull() && n.path("path").asText().equals("/v1/levels") && n.path("status").asInt() == 401));
        assertTrue(audit.stream().anyMatch(n -> n.path("path").asText().equals("/v1/checkpoints/<job token>")));
        assertTrue(audit.stream().allMatch(n -> n.has("time") && n.has("method") && n.has("status")));
        String all = String.join("\n", lines);
        for (String secret : List.of(read, deploy, admin, "f".repeat(64), Files.readString(state.resolve("api-token")).strip())) {
            assertFalse(all.contains(secret), "the audit log holds no token");
        }
        assertEquals(audit.size(), lines.size());

        // listed: names, scopes, when used; never a token or a hash
        CliRun list = CliRun.run(Map.of("ZED_HOME", state.toString()), "token", "list");
        assertEquals(0, list.exit(), list.toString());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("deployer ") && l.contains(" deploy ") && !l.endsWith("never")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("ops ") && l.contains(" admin ")), list.out());
        assertTrue(list.out().lines().anyMatch(l -> l.startsWith("node ") && l.contains(" admin ")), list.out());
        assertTrue(list.out().lines().noneMatch(l -> l.startsWith("ci ")), "a revoked token is not listed: " + list.out());
        assertFalse(list.out().contains(ApiTokens.sha256(deploy)) || list.out().contains(deploy), list.out());
    }
}
