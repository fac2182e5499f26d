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
        start("  dataset = \"data\"\n");
    }

    /** The level, its worker service with {@code dataset} (or none: the implicit one). */
    void start(String dataset) throws Exception {
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
                %s  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """.formatted(dataset));
        node.converged("shop", 1);
    }

    /** {@code zed_drift_corrections_total{kind="service"}} as the node's metrics endpoint shows it now. */
    double serviceDrift() throws Exception {
        String page = http.send(HttpRequest.newBuilder(node.node().telemetry().metricsUri()).build(), HttpResponse.BodyHandlers.ofString()).body();
        return page.lines().filter(l -> l.startsWith("zed_drift_corrections_total{") && l.contains("kind=\"service\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
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
        double drift = serviceDrift();
        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        JsonNode e = event(x -> x.get("type").asText().equals("DriftCorrected") && x.get("resource").asText().equals("service.exec.worker"));
        assertTrue(e.get("what").asText().startsWith("restarted (restart 1) after it killed by signal 9"), e.toString());
        JsonNode again = await(() -> node.get("/v1/levels/shop"), s -> s.get("resources").get(1).get("pid").asLong() != pid
                && s.get("resources").get(1).get("pid").asLong() != 0, "a new process");
        assertTrue(ProcessHandle.of(again.get("resources").get(1).get("pid").asLong()).map(ProcessHandle::isAlive).orElse(false));
        // the restart is a drift correction in the metric too, as it is in the events (it was not counted before)
        await(this::serviceDrift, d -> d >= drift + 1, "zed_drift_corrections_total{kind=service} to count the restart");
    }

    @Test
    void aDestroyedImplicitServiceDatasetIsMadeAgainWithItsStampsAndReported() throws Exception {
        start("");
        long pid = node.get("/v1/levels/shop").get("resources").get(1).get("pid").asLong();
        Path dataset = state.resolve("store/zed-services/shop.exec.worker");
        Path props = dataset.resolve(".zed-properties.json");
        assertTrue(Files.readString(props).contains("\"com.zed:pid\" : \"" + pid + "\""), Files.readString(props));
        double drift = serviceDrift();
        try (Stream<Path> all = Files.walk(dataset)) {
            // what zfs destroy does to it in the dir store; the service runs on
            for (Iterator<Path> it = all.sorted(java.util.Comparator.reverseOrder()).iterator(); it.hasNext(); ) Files.delete(it.next());
        }
        // made again within a couple of sweeps, with the stamps of the process that still runs (no restart)
        await(() -> Files.exists(props) ? Files.readString(props) : "", p -> p.contains("\"com.zed:pid\" : \"" + pid + "\""),
                "the service's dataset to be made again with its stamps");
        JsonNode e = event(x -> x.get("type").asText().equals("DriftCorrected") && x.get("resource").asText().equals("service.exec.worker"));
        assertTrue(e.get("what").asText().equals("made its dataset zed-services/shop.exec.worker again after it was destroyed"), e.toString());
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the service was not restarted");
        assertTrue(node.get("/v1/levels/shop").get("resources").get(1).get("pid").asLong() == pid);
        await(this::serviceDrift, d -> d >= drift + 1, "zed_drift_corrections_total{kind=service} to count it");
    }
}
