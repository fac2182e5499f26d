package zed.chaos.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.telemetry.TelemetryConfig;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A real node in this JVM (so that its CPU is this process's), driven over its real HTTP API as an operator's
 * {@code zed up} drives it: state in a temporary directory, API and metrics on free loopback ports. Metrics are
 * handed to the endpoint every second (the default is 10 s), so that sweeps can be counted to the sweep.
 */
final class BenchNode implements AutoCloseable {
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    final Path state;
    private final ZedNode node;

    private BenchNode(Path state, ZedNode node) {
        this.state = state;
        this.node = node;
    }

    static BenchNode start() throws IOException {
        Path state = Files.createTempDirectory("zed-bench-node");
        ZedNode n = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0)
                .withTelemetry(TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0).withTickInterval(Duration.ofSeconds(1))));
        return new BenchNode(state, n);
    }

    private JsonNode send(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path)).timeout(Duration.ofMinutes(2))
                .header("Authorization", "Bearer " + Files.readString(zed.actors.http.ApiToken.file(state)).strip());
        if (!method.equals("GET")) b.header("Content-Type", "application/json");
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
        return r.body().isEmpty() ? null : json.readTree(r.body());
    }

    /** PUT a level; its revision. */
    long push(String id, String source) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(state.resolve("levels").resolve(id));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", source);
        body.put("dir", dir.toString());
        return send("PUT", "/v1/levels/" + id, json.writeValueAsString(body)).get("revision").asLong();
    }

    JsonNode status(String id) throws IOException, InterruptedException {
        return send("GET", "/v1/levels/" + id, null);
    }

    static boolean converged(JsonNode status, long rev) {
        return status.path("state").asText().equals("Converged") && status.path("desiredRevision").asLong() == rev;
    }

    /** Polls the status every 20 ms until the level is Converged at {@code rev}; fails on Failed or after 10 minutes. */
    JsonNode awaitConverged(String id, long rev) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode s = status(id);
            if (converged(s, rev)) return s;
            if (s.path("state").asText().equals("Failed")) throw new IllegalStateException(id + " failed: " + s);
            Thread.sleep(20); // polling interval of a deadline wait
        }
        throw new IllegalStateException(id + " did not converge at revision " + rev + " within 10 minutes");
    }

    /** Stops a level (its services stop, its datasets stay) and waits until its service processes are gone. */
    void stop(String id) throws IOException, InterruptedException {
        List<Long> pids = new ArrayList<>();
        for (JsonNode r : status(id).path("resources")) if (r.path("pid").asLong() > 0) pids.add(r.path("pid").asLong());
        send("DELETE", "/v1/levels/" + id, null);
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        for (long pid : pids) {
            while (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("service process " + pid + " of " + id + " still runs");
                Thread.sleep(50); // polling interval of a deadline wait
            }
        }
    }

    /**
     * Waits until this JVM has had no child process for a second (the node's background work after a converge, such
     * as retention reading every dataset's snapshots, is done), within a minute.
     */
    static void quiet() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.current().children().findAny().isPresent()) since = System.nanoTime();
            else if (System.nanoTime() - since > 1_000_000_000L) return;
            Thread.sleep(50); // polling interval of a deadline wait
        }
        throw new IllegalStateException("the node still runs commands after a minute: " + ProcessHandle.current().children().map(p -> p.info().commandLine().orElse("?")).toList());
    }

    /** What the node's Prometheus endpoint says now: metric line (name and labels) to value. */
    Map<String, Double> metrics() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(node.telemetry().metricsUri()).build(), HttpResponse.BodyHandlers.ofString());
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) continue;
            int sp = line.lastIndexOf(' ');
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }

    /** Pool sweeps so far (zed_pool_sweeps_total, ok and failed) and their summed duration in seconds. */
    record Sweeps(long count, double seconds, long failed) {
    }

    Sweeps sweeps() throws IOException, InterruptedException {
        long n = 0, failed = 0;
        double sum = 0;
        for (Map.Entry<String, Double> e : metrics().entrySet()) {
            if (e.getKey().startsWith("zed_pool_sweeps_total")) {
                n += e.getValue().longValue();
                if (e.getKey().contains("failed")) failed += e.getValue().longValue();
            }
            if (e.getKey().startsWith("zed_pool_sweep_duration_seconds_sum")) sum += e.getValue();
        }
        return new Sweeps(n, sum, failed);
    }

    /** Waits until the sweep counter moves past {@code after} (it shows at most a second late). */
    Sweeps nextSweep(long after) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            Sweeps s = sweeps();
            if (s.count() > after) return s;
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new IllegalStateException("no pool sweep within 2 minutes");
    }

    /** This JVM's threads that are Zed's or Pekko's, with their stacks (for a benchmark that got stuck). */
    static String threads() {
        StringBuilder b = new StringBuilder();
        for (java.lang.management.ThreadInfo t : java.lang.management.ManagementFactory.getThreadMXBean().dumpAllThreads(true, true)) {
            if (t.getThreadName().startsWith("zed") || t.getThreadName().contains("pekko.actor.default")) b.append(t);
        }
        return b.toString();
    }

    @Override
    public void close() {
        node.close();
    }
}
