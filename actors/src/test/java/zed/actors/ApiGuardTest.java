package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.cluster.sharding.typed.GetShardRegionState;
import org.apache.pekko.cluster.sharding.ShardRegion;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.level.LevelEntity;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node runs as root: a web page its operator opens must not be able to drive its API. Each defence is shown
 * alone, with the token (which a page has not) and otherwise a proper request: a simple cross-site request (a form,
 * text/plain), a DNS-rebound host name, a foreign Origin. And an id nobody pushed starts nothing.
 */
class ApiGuardTest {
    @TempDir
    Path state;
    TestNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        node = TestNode.start(state);
        assertEquals(200, node.push("shop", "shop", null, "level \"shop\" {}\ndataset \"data\" {}\n").status());
        node.converged("shop", 1);
    }

    @AfterEach
    void stop() throws Exception {
        node.close();
    }

    HttpResponse<String> raw(String method, String path, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.port() + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + Api.token(state));
        if (contentType != null) b.header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.setHeader(headers[i], headers[i + 1]);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSimpleCrossSiteRequestChangesNothing() throws Exception {
        HttpResponse<String> plain = raw("POST", "/v1/levels/shop/rollback", "text/plain", "{\"target\": \"@latest\"}");
        assertEquals(415, plain.statusCode(), plain.body());
        assertTrue(plain.body().contains("Content-Type: application/json"), plain.body());
        assertEquals(415, raw("POST", "/v1/levels/shop/rollback", "application/x-www-form-urlencoded", "target=@latest").statusCode());
        assertEquals(415, raw("POST", "/v1/levels/shop/sudo", null, null).statusCode(), "sudo without a body type");
        assertEquals(415, raw("DELETE", "/v1/levels/shop", "text/plain", null).statusCode());
        assertEquals(415, raw("PUT", "/v1/levels/shop", "text/plain", "{}").statusCode());
        HttpResponse<String> noBody = raw("POST", "/v1/levels/shop/sudo", "application/json", null);
        assertEquals(400, noBody.statusCode(), "sudo takes a JSON object, {} at least: " + noBody.body());
        JsonNode s = node.get("/v1/levels/shop");
        assertEquals("Converged", s.get("state").asText(), "nothing moved: " + s);
        assertFalse(s.has("rollback"));
    }

    @Test
    void aRequestForAnotherHostNameIsRefusedAsDnsRebindingWouldSendIt() throws Exception {
        HttpResponse<String> evil = raw("GET", "/v1/levels/shop", null, null, "Host", "evil.example.com:" + node.port());
        assertEquals(421, evil.statusCode(), evil.body());
        assertEquals(421, raw("GET", "/v1/health", null, null, "Host", "evil.example.com").statusCode());
        assertEquals(421, raw("POST", "/v1/levels/shop/rollback", "application/json", "{\"target\": \"@latest\"}", "Host", "evil.example.com").statusCode());
        assertEquals(200, raw("GET", "/v1/levels/shop", null, null, "Host", "localhost:" + node.port()).statusCode());
        assertEquals(200, raw("GET", "/v1/levels/shop", null, null, "Host", "127.0.0.1:" + node.port()).statusCode());
    }

    @Test
    void aRequestFromAForeignOriginIsRefused() throws Exception {
        HttpResponse<String> foreign = raw("POST", "/v1/levels/shop/rollback", "application/json", "{\"target\": \"@latest\"}",
                "Origin", "https://evil.example.com");
        assertEquals(403, foreign.statusCode(), foreign.body());
        assertEquals(403, raw("GET", "/v1/levels/shop", null, null, "Origin", "null").statusCode());
        assertEquals(200, raw("GET", "/v1/levels/shop", null, null, "Origin", "http://127.0.0.1:" + node.port()).statusCode());
    }

    @Test
    void aRefusedRequestsBodyIsReadAwaySoTheClientGetsTheAnswerAndKeepsItsConnection() throws Exception {
        // refused before its body was read, a request used to have its connection closed under it while the client
        // still sent the body: a client then saw a reset, never the 403 (the fuzzer's regression 038, under load)
        String chunk = "{\"dir\": \"" + "x".repeat(4000) + "\"}";
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 64; i++) body.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        body.append("0\r\n\r\n");
        refusedAndStillServing("PUT /v1/levels/shop", "Origin: https://evil.example.com\r\n", body, 403);
        refusedAndStillServing("POST /v1/levels/nope/rollback", "", body, 404);
        assertEquals("Converged", node.get("/v1/levels/shop").get("state").asText(), "the refused push changed nothing");
    }

    void refusedAndStillServing(String request, String header, CharSequence body, int status) throws Exception {
        try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.port())) {
            s.setSoTimeout(30_000);
            var out = s.getOutputStream();
            var in = new java.io.BufferedInputStream(s.getInputStream());
            out.write((request + " HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\nAuthorization: Bearer " + Api.token(state)
                    + "\r\nContent-Type: application/json\r\n" + header + "Transfer-Encoding: chunked\r\n\r\n" + body)
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            String refused = answer(in);
            assertTrue(refused.startsWith("HTTP/1.1 " + status + " "), request + " is answered: " + refused);
            out.write(("GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1:" + node.port() + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.flush();
            assertTrue(answer(in).startsWith("HTTP/1.1 200 "), "after " + request + ", the connection still serves the next request");
        }
    }

    /** One answer read off a raw connection: its head, its body skipped by Content-Length. */
    static String answer(java.io.BufferedInputStream in) throws java.io.IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) throw new java.io.EOFException("the connection ended after: " + head);
            head.append((char) c);
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(head);
        if (m.find()) in.readNBytes(Integer.parseInt(m.group(1)));
        return head.toString();
    }

    @Test
    void anIdNobodyPushedIsNotFoundAndStartsNoLevel() throws Exception {
        for (String id : new String[]{"nobody", "nobody/below", "shop/ghost"}) {
            assertEquals(404, node.send("GET", "/v1/levels/" + id, null).status());
            assertEquals(404, node.send("GET", "/v1/levels/" + id + "/plan", null).status());
            assertEquals(404, node.send("POST", "/v1/levels/" + id + "/rollback", "{\"target\": \"@latest\"}").status());
            assertEquals(404, node.send("DELETE", "/v1/levels/" + id, null).status());
        }
        assertEquals(404, node.send("GET", "/v1/levels/bad%20name", null).status());
        TestProbe<ShardRegion.CurrentShardRegionState> probe = TestProbe.create(node.node().system());
        ClusterSharding.get(node.node().system()).shardState().tell(new GetShardRegionState(LevelEntity.KEY, probe.getRef()));
        Set<String> entities = probe.receiveMessage(Duration.ofSeconds(10)).getShards().stream()
                .flatMap(s -> s.getEntityIds().stream()).collect(Collectors.toSet());
        assertEquals(Set.of("shop"), entities, "only the level that was pushed lives");
    }

    @Test
    void aLevelWhoseIdEndsInAnActionWordIsAddressedByItsEncodedId() throws Exception {
        assertEquals(200, node.push("shop/plan", "shop/plan", "shop", "level \"plan\" {}\n").status());
        node.converged("shop/plan", 1);
        JsonNode level = node.get("/v1/levels/shop%2Fplan");
        assertEquals("shop/plan", level.get("level").asText());
        JsonNode plan = node.get("/v1/levels/shop/plan");
        assertEquals("shop", plan.get("level").asText(), "the plan of shop, not the level shop/plan: " + plan);
        assertEquals("shop/plan", node.get("/v1/levels/shop%2Fplan/plan").get("level").asText());
    }
}
