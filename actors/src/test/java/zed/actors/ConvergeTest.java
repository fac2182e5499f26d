package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A real node converging real levels: datasets in the dir store, real services, real health checks. */
class ConvergeTest {
    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws Exception {
        if (node == null) return;
        for (JsonNode id : get("/v1/levels").get("levels")) send("DELETE", "/v1/levels/" + id.asText(), null);
        node.close();
    }

    JsonNode send(String method, String path, String body) throws Exception {
        return json.readTree(http.send(Api.request(node.httpPort(), state, method, path, body).build(), HttpResponse.BodyHandlers.ofString()).body());
    }

    JsonNode get(String path) throws Exception {
        return send("GET", path, null);
    }

    JsonNode push(String id, String source) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", state.resolve("project").toString());
        return send("PUT", "/v1/levels/" + id, json.writeValueAsString(body));
    }

    JsonNode await(String path, Predicate<JsonNode> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            last = get(path);
            if (ok.test(last)) return last;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** A level "shop" whose web service (TinyHttp) answers {@code greeting} and is healthy when its body holds {@code expectBody}. */
    static String level(int port, String expectBody, String greeting, String extra) {
        return """
                level "shop" {}
                update {
                  min_healthy_time = "1s"
                  healthy_deadline = "12s"
                }
                dataset "apps/web" {%s}
                service "exec" "web" {
                  dataset = "apps/web"
                  vars    = { port = %d }
                  env     = { PORT = self.vars.port, GREETING = "%s" }
                  runtime { cmd = ["%s", "-cp", "%s", "zed.actors.TinyHttp"] }
                  health "http" {
                    url      = "http://127.0.0.1:${self.vars.port}/health"
                    interval = "300ms"
                    timeout  = "300ms"
                    body_contains = "%s"
                  }
                  print = "http://127.0.0.1:${self.vars.port}/"
                }
                """.formatted(extra, port, greeting, java(), System.getProperty("java.class.path"), expectBody);
    }

    /**
     * {@code level} with a healthy_deadline of 3 s: a revision whose check can never pass fails the same way as at 12 s
     * (the time a starting JVM may need on a loaded machine, which only a revision that must pass needs), 9 s sooner.
     */
    static String neverHealthy(String level) {
        String twelve = "healthy_deadline = \"12s\"";
        if (!level.contains(twelve)) throw new IllegalArgumentException("no 12 s deadline in " + level);
        return level.replace(twelve, "healthy_deadline = \"3s\"");
    }

    @Test
    void aPushConvergesTheDatasetsAndTheServiceAndStampsThem() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0).withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults()
                .withEndpoint("127.0.0.1", 0).withTickInterval(Duration.ofMillis(300))));
        int port = freePort();
        Files.createDirectories(state.resolve("project"));
        assertEquals(1, push("shop", level(port, "ok v1", "v1", "")).get("revision").asLong());
        JsonNode converged = await("/v1/levels/shop", s -> s.get("state").asText().equals("Converged"), "Converged");
        assertEquals(1, converged.get("stableRevision").asLong());
        JsonNode web = converged.get("resources").get(1);
        assertEquals("service", web.get("kind").asText());
        assertEquals("passed", web.get("gate").asText());
        assertEquals("Healthy", web.get("health").asText());
        assertEquals("http://127.0.0.1:" + port + "/", web.get("print").asText());
        assertEquals(port, web.get("ports").get("port").asInt(), "status names the service's ports");
        long pid = web.get("pid").asLong();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        String props = Files.readString(state.resolve("store/apps/web/.zed-properties.json"));
        assertTrue(props.contains("\"com.zed:level\" : \"shop\"") && props.contains("\"com.zed:rev\" : \"1\""), props);
        assertTrue(props.contains("\"com.zed:pid\" : \"" + pid + "\""), "the service's stamps are on its dataset: " + props);

        // and the node's metrics saw it: a converge, and passing http probes
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String metrics = "";
        while (!(metrics.contains("zed_converges_total{") && metrics.contains("result=\"converged\"") && metrics.contains("zed_probes_total{"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("metrics never showed the converge and the probes:\n" + metrics);
            Thread.sleep(200); // polling interval of a deadline wait (Kamon publishes on its tick)
            metrics = http.send(HttpRequest.newBuilder(node.telemetry().metricsUri()).build(), HttpResponse.BodyHandlers.ofString()).body();
        }
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("zed_probes_total{") && l.contains("kind=\"http\"") && l.contains("result=\"passed\"")
                && !l.endsWith(" 0.0")), metrics);
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("zed_resources{") && l.contains("kind=\"service\"") && l.contains("state=\"converged\"")
                && l.endsWith(" 1.0")), metrics);
    }

    @Test
    void aHealthCheckThatNeverPassesFailsTheRevisionAndRevertsToTheStableOne() throws Exception {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0).withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        int port = freePort();
        Files.createDirectories(state.resolve("project"));
        push("shop", level(port, "ok v1", "v1", ""));
        await("/v1/levels/shop", s -> s.get("state").asText().equals("Converged"), "v1 Converged");
        Files.writeString(state.resolve("store/apps/web/data.txt"), "v1 data");

        // v2 expects a body the service never serves, and changes the dataset
        JsonNode v2 = push("shop", neverHealthy(level(port, "never served", "v2", " properties = { \"com.acme:tier\" = \"gold\" } ")));
        assertEquals(2, v2.get("revision").asLong());
        JsonNode back = await("/v1/levels/shop", s -> s.get("desiredRevision").asLong() == 1 && s.get("state").asText().equals("Converged"),
                "the revert to revision 1 to converge");
        assertEquals(2, back.get("revision").asLong());
        assertEquals(1, back.get("stableRevision").asLong());
        assertTrue(back.get("error").asText().startsWith("service.exec.web: not healthy within healthy_deadline"), back.toString());
        String props = Files.readString(state.resolve("store/apps/web/.zed-properties.json"));
        assertTrue(props.contains("\"com.zed:rev\" : \"1\"") && !props.contains("com.acme:tier"), "the dataset's state is back: " + props);
        assertEquals("v1 data", Files.readString(state.resolve("store/apps/web/data.txt")), "and its data");
        String body = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals("ok v1\n", body, "the old version runs");
    }
}
