package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Drift made behind Zed's back is corrected by the node, and an event says what and why. */
class DriftTest {
    @TempDir
    Path state;
    TestNode node;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    void start() throws Exception {
        node = TestNode.start(state);
        node.push("shop", "project", null, """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "data" {
                  properties = { "com.acme:tier" = "gold" }
                }
                service "exec" "worker" {
                  dataset = "data"
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """);
        node.converged("shop", 1);
    }

    static <T> T await(Check<T> get, Predicate<T> ok, String what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        T last = null;
        while (System.nanoTime() < deadline) {
            last = get.get();
            if (ok.test(last)) return last;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("timed out waiting for " + what + "; last: " + last);
    }

    interface Check<T> {
        T get() throws Exception;
    }

    JsonNode event(Predicate<JsonNode> ok) throws Exception {
        return node.event("shop", ok);
    }

    @Test
    void aPropertyChangedBehindZedsBackIsSetBackAndReported() throws Exception {
        start();
        Path props = state.resolve("store/data/.zed-properties.json");
        Files.writeString(props, Files.readString(props).replace("\"gold\"", "\"silver\""));
        await(() -> Files.readString(props), p -> p.contains("\"com.acme:tier\" : \"gold\""), "the property to be set back");
        JsonNode e = event(x -> x.get("type").asText().equals("DriftCorrected") && x.get("resource").asText().equals("dataset.data"));
        assertTrue(e.get("what").asText().contains("data: update  com.acme:tier: silver -> gold"), e.toString());
    }

    @Test
    void aKilledServiceIsRestartedAndTheEventSaysWhy() throws Exception {
        start();
        JsonNode status = node.get("/v1/levels/shop");
        long pid = status.get("resources").get(1).get("pid").asLong();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        JsonNode e = event(x -> x.get("type").asText().equals("DriftCorrected") && x.get("resource").asText().equals("service.exec.worker"));
        assertTrue(e.get("what").asText().startsWith("restarted (restart 1) after it killed by signal 9"), e.toString());
        JsonNode again = await(() -> node.get("/v1/levels/shop"), s -> s.get("resources").get(1).get("pid").asLong() != pid
                && s.get("resources").get(1).get("pid").asLong() != 0, "a new process");
        assertTrue(ProcessHandle.of(again.get("resources").get(1).get("pid").asLong()).map(ProcessHandle::isAlive).orElse(false));
    }
}
