package zed.actors.telemetry;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Telemetry over real HTTP: record through the facade, scrape /metrics, read the exported lines. */
class TelemetryTest {
    static final Duration WITHIN = Duration.ofSeconds(15);
    static final TelemetryConfig FAST = TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0).withTickInterval(Duration.ofMillis(100));

    final List<Telemetry> started = new ArrayList<>();

    Telemetry start(TelemetryConfig c) {
        Telemetry t = Telemetry.start(c);
        started.add(t);
        return t;
    }

    @AfterEach
    void closeAll() {
        started.forEach(Telemetry::close);
    }

    @Test
    void everyMetricIsExportedWithItsNameLabelsAndValues() throws Exception {
        Telemetry t = start(FAST);
        assertTrue(t.exporting());
        assertNotEquals(0, t.port());
        assertEquals(URI.create("http://127.0.0.1:" + t.port() + "/metrics"), t.metricsUri());
        ZedMetrics m = t.metrics();

        m.converge("web", ConvergeResult.CONVERGED, Duration.ofSeconds(12));
        m.converge("web", ConvergeResult.CONVERGED, Duration.ofSeconds(90));
        m.converge("web", ConvergeResult.FAILED, Duration.ofHours(2));
        m.converge("db", ConvergeResult.SUPERSEDED, Duration.ofMillis(700));
        for (int i = 0; i < 3; i++) m.reconcileTick(ResourceKind.DATASET, TickResult.OK, Duration.ofMillis(3));
        m.reconcileTick(ResourceKind.SERVICE, TickResult.FAILED, Duration.ofSeconds(2));
        m.driftCorrected(ResourceKind.JAIL);
        m.driftCorrected(ResourceKind.JAIL);
        m.probe(ProbeKind.HTTP, true, Duration.ofMillis(20));
        m.probe(ProbeKind.HTTP, false, Duration.ofMillis(1500));
        m.probe(ProbeKind.TCP, true, Duration.ofMillis(2));
        m.resourceState("web/dataset/data", ResourceKind.DATASET, ResourceState.CONVERGED);
        m.resourceState("web/dataset/logs", ResourceKind.DATASET, ResourceState.CONVERGING);
        m.resourceState("web/service/api", ResourceKind.SERVICE, ResourceState.FAILED);
        m.resourceState("host/gpu/0", ResourceKind.GPU, ResourceState.CONVERGED);

        Scrape.Page p = Scrape.await(t.metricsUri(), WITHIN, page -> page.has("zed_converges_total", 2, "level", "web", "result", "converged")
                && page.has("zed_reconcile_ticks_total", 3, "kind", "dataset", "result", "ok")
                && page.has("zed_probes_total", 1, "kind", "tcp", "result", "passed")
                && page.has("zed_resources", 1, "kind", "gpu", "state", "converged"));

        // converges: a counter by level and result, a histogram by level
        p.assertValue(2, "zed_converges_total", "level", "web", "result", "converged");
        p.assertValue(1, "zed_converges_total", "level", "web", "result", "failed");
        p.assertValue(1, "zed_converges_total", "level", "db", "result", "superseded");
        assertFalse(p.mentions("zed_converges_total", "level", "nowhere"));
        p.assertValue(3, "zed_converge_duration_seconds_count", "level", "web");
        p.assertValue(12 + 90 + 7200, (12 + 90 + 7200) * 0.01, "zed_converge_duration_seconds_sum", "level", "web");
        p.assertValue(0, "zed_converge_duration_seconds_bucket", "level", "web", "le", "10.0");
        p.assertValue(1, "zed_converge_duration_seconds_bucket", "level", "web", "le", "30.0");
        p.assertValue(2, "zed_converge_duration_seconds_bucket", "level", "web", "le", "120.0");
        p.assertValue(2, "zed_converge_duration_seconds_bucket", "level", "web", "le", "3600.0");
        p.assertValue(3, "zed_converge_duration_seconds_bucket", "level", "web", "le", "+Inf");
        p.assertValue(1, "zed_converge_duration_seconds_bucket", "level", "db", "le", "1.0");
        p.assertValue(0, "zed_converge_duration_seconds_bucket", "level", "db", "le", "0.5");

        // reconcile ticks: a counter by kind and result (every pair from the start), a histogram by kind
        p.assertValue(3, "zed_reconcile_ticks_total", "kind", "dataset", "result", "ok");
        p.assertValue(1, "zed_reconcile_ticks_total", "kind", "service", "result", "failed");
        p.assertValue(0, "zed_reconcile_ticks_total", "kind", "gpu", "result", "ok");
        p.assertValue(0, "zed_reconcile_ticks_total", "kind", "jail", "result", "failed");
        p.assertValue(3, "zed_reconcile_tick_duration_seconds_count", "kind", "dataset");
        p.assertValue(0.009, 0.0002, "zed_reconcile_tick_duration_seconds_sum", "kind", "dataset");
        p.assertValue(0, "zed_reconcile_tick_duration_seconds_bucket", "kind", "dataset", "le", "0.001");
        p.assertValue(3, "zed_reconcile_tick_duration_seconds_bucket", "kind", "dataset", "le", "0.005");
        p.assertValue(1, "zed_reconcile_tick_duration_seconds_bucket", "kind", "service", "le", "2.5");
        p.assertValue(0, "zed_reconcile_tick_duration_seconds_bucket", "kind", "service", "le", "1.0");

        // drift corrections by kind, every kind from the start
        p.assertValue(2, "zed_drift_corrections_total", "kind", "jail");
        p.assertValue(0, "zed_drift_corrections_total", "kind", "dataset");
        p.assertValue(0, "zed_drift_corrections_total", "kind", "service");
        p.assertValue(0, "zed_drift_corrections_total", "kind", "gpu");

        // probes: a counter by kind and result, a histogram by kind
        p.assertValue(1, "zed_probes_total", "kind", "http", "result", "passed");
        p.assertValue(1, "zed_probes_total", "kind", "http", "result", "failed");
        p.assertValue(1, "zed_probes_total", "kind", "tcp", "result", "passed");
        p.assertValue(0, "zed_probes_total", "kind", "exec", "result", "failed");
        p.assertValue(2, "zed_probe_latency_seconds_count", "kind", "http");
        p.assertValue(1.52, 0.02, "zed_probe_latency_seconds_sum", "kind", "http");
        p.assertValue(1, "zed_probe_latency_seconds_bucket", "kind", "http", "le", "0.025");
        p.assertValue(2, "zed_probe_latency_seconds_bucket", "kind", "http", "le", "2.5");
        p.assertValue(1, "zed_probe_latency_seconds_bucket", "kind", "tcp", "le", "0.005");

        // resources: a gauge per kind and state, every pair from the start
        p.assertValue(1, "zed_resources", "kind", "dataset", "state", "converged");
        p.assertValue(1, "zed_resources", "kind", "dataset", "state", "converging");
        p.assertValue(0, "zed_resources", "kind", "dataset", "state", "failed");
        p.assertValue(1, "zed_resources", "kind", "service", "state", "failed");
        p.assertValue(0, "zed_resources", "kind", "jail", "state", "stopped");

        // the families, their types and help: exactly what docs/metrics.md lists, nothing else
        Set<String> families = new TreeSet<>();
        for (String line : p.body().split("\n")) if (line.startsWith("# TYPE ")) families.add(line.substring("# TYPE ".length()));
        assertEquals(new TreeSet<>(Set.of(
                "zed_converges_total counter",
                "zed_converge_duration_seconds histogram",
                "zed_reconcile_ticks_total counter",
                "zed_reconcile_tick_duration_seconds histogram",
                "zed_drift_corrections_total counter",
                "zed_probes_total counter",
                "zed_probe_latency_seconds histogram",
                "zed_resources gauge")), families, p.body());
        assertTrue(p.body().contains("# HELP zed_converges_total Converges of levels that ended, by level and result\n"), p.body());
        for (Scrape.Sample s : p.samples()) assertTrue(s.name().startsWith("zed_"), s.toString());
    }

    @Test
    void resourcesMoveBetweenStatesAndLeave() throws Exception {
        Telemetry t = start(FAST);
        ZedMetrics m = t.metrics();
        m.resourceState("web/service/api", ResourceKind.SERVICE, ResourceState.CONVERGING);
        m.resourceState("web/service/worker", ResourceKind.SERVICE, ResourceState.CONVERGING);
        m.resourceState("web/service/api", ResourceKind.SERVICE, ResourceState.CONVERGED);
        m.resourceState("web/service/worker", ResourceKind.SERVICE, ResourceState.STOPPED);
        m.resourceState("web/service/cron", ResourceKind.SERVICE, ResourceState.FAILED);
        m.resourceRemoved("web/service/cron");
        m.resourceRemoved("never/was/there");
        m.resourceState("web/x", ResourceKind.JAIL, ResourceState.CONVERGED);
        m.resourceState("web/x", ResourceKind.DATASET, ResourceState.CONVERGED); // same name, another kind: it moves

        assertEquals(1, m.resources(ResourceKind.SERVICE).get(ResourceState.CONVERGED));
        assertEquals(0, m.resources(ResourceKind.SERVICE).get(ResourceState.CONVERGING));
        Scrape.Page p = Scrape.await(t.metricsUri(), WITHIN, page -> page.has("zed_resources", 1, "kind", "service", "state", "stopped")
                && page.has("zed_resources", 1, "kind", "dataset", "state", "converged"));
        p.assertValue(1, "zed_resources", "kind", "service", "state", "converged");
        p.assertValue(0, "zed_resources", "kind", "service", "state", "converging");
        p.assertValue(0, "zed_resources", "kind", "service", "state", "failed");
        p.assertValue(0, "zed_resources", "kind", "jail", "state", "converged");
    }

    @Test
    void nodesInSequenceEachStartFromNothingOnAFreedPort() throws Exception {
        Telemetry a = Telemetry.start(FAST);
        int port = a.port();
        URI uri = a.metricsUri();
        a.metrics().converge("alpha", ConvergeResult.CONVERGED, Duration.ofSeconds(1));
        a.metrics().resourceState("alpha/jail/j", ResourceKind.JAIL, ResourceState.CONVERGED);
        Scrape.await(uri, WITHIN, page -> page.has("zed_converges_total", 1, "level", "alpha", "result", "converged")
                && page.has("zed_resources", 1, "kind", "jail", "state", "converged"));
        a.close();
        a.close(); // idempotent
        assertThrows(ConnectException.class, () -> Scrape.get(uri));
        a.metrics().converge("alpha", ConvergeResult.FAILED, Duration.ofSeconds(1)); // a straggler after close: dropped

        for (String level : List.of("beta", "gamma")) {
            // the same port again: the last close freed it
            Telemetry b = start(FAST.withEndpoint("127.0.0.1", port));
            assertEquals(port, b.port());
            b.metrics().converge(level, ConvergeResult.CONVERGED, Duration.ofSeconds(1));
            Scrape.Page p = Scrape.await(uri, WITHIN, page -> page.has("zed_converges_total", 1, "level", level, "result", "converged"));
            assertFalse(p.mentions("zed_converges_total", "level", "alpha"), p.body());
            assertFalse(p.mentions("zed_converge_duration_seconds_count", "level", "alpha"), p.body());
            p.assertValue(0, "zed_resources", "kind", "jail", "state", "converged");
            p.assertValue(0, "zed_reconcile_ticks_total", "kind", "dataset", "result", "ok");
            b.close();
            assertThrows(ConnectException.class, () -> Scrape.get(uri));
        }
    }

    @Test
    void aTakenPortFailsTheStartAndLeavesNothingRunning() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> start(FAST.withEndpoint("127.0.0.1", taken.getLocalPort())));
            assertTrue(e.getMessage().contains("127.0.0.1:" + taken.getLocalPort()), e.getMessage());
        }
        Telemetry t = start(FAST);
        t.metrics().driftCorrected(ResourceKind.GPU);
        Scrape.await(t.metricsUri(), WITHIN, page -> page.has("zed_drift_corrections_total", 1, "kind", "gpu"));
    }

    @Test
    void overlappingNodesShareOneEndpointUntilTheLastCloses() throws Exception {
        Telemetry a = start(FAST);
        Telemetry b = start(FAST.withTickInterval(Duration.ofSeconds(1))); // differs: shares a's, with a warning
        assertEquals(a.port(), b.port());
        assertSame(a.metrics(), b.metrics());
        b.metrics().probe(ProbeKind.EXEC, false, Duration.ofMillis(40));
        a.close();
        Scrape.await(b.metricsUri(), WITHIN, page -> page.has("zed_probes_total", 1, "kind", "exec", "result", "failed"));
        b.close();
        assertThrows(ConnectException.class, () -> Scrape.get(a.metricsUri()));
    }

    @Test
    void theEndpointServesOnlyItsPathAndGzipsWhenAsked() throws Exception {
        Telemetry t = start(FAST);
        t.metrics().driftCorrected(ResourceKind.SERVICE);
        Scrape.await(t.metricsUri(), WITHIN, page -> page.has("zed_drift_corrections_total", 1, "kind", "service"));
        URI base = URI.create("http://127.0.0.1:" + t.port());
        assertEquals(404, Scrape.get(base.resolve("/")).statusCode());
        assertEquals(404, Scrape.get(base.resolve("/metrics/more")).statusCode());
        HttpResponse<String> post = Scrape.HTTP.send(HttpRequest.newBuilder(t.metricsUri()).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(405, post.statusCode());
        HttpResponse<byte[]> zipped = Scrape.HTTP.send(HttpRequest.newBuilder(t.metricsUri()).header("Accept-Encoding", "gzip").build(),
                HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, zipped.statusCode());
        assertEquals("gzip", zipped.headers().firstValue("content-encoding").orElse(""));
        String body = new String(new GZIPInputStream(new ByteArrayInputStream(zipped.body())).readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(body.contains("zed_drift_corrections_total{kind=\"service\"} 1.0\n"), body);
    }

    @Test
    void levelNamesStayValidLabelValues() throws Exception {
        Telemetry t = start(FAST);
        t.metrics().converge("we\"b\\x\ny", ConvergeResult.CONVERGED, Duration.ofSeconds(1));
        Scrape.await(t.metricsUri(), WITHIN, page -> page.has("zed_converges_total", 1, "level", "we_b_x_y", "result", "converged"));
    }

    @Test
    void disabledStartsNothingAndRecordsNothing() throws IOException {
        Telemetry t = start(TelemetryConfig.disabled());
        assertFalse(t.exporting());
        assertEquals(-1, t.port());
        assertNull(t.address());
        assertNull(t.metricsUri());
        assertSame(ZedMetrics.noop(), t.metrics());
        t.metrics().converge("web", ConvergeResult.CONVERGED, Duration.ofSeconds(1));
        t.metrics().resourceState("web/jail/j", ResourceKind.JAIL, ResourceState.CONVERGED);
        assertEquals(0, t.metrics().resources(ResourceKind.JAIL).get(ResourceState.CONVERGED));
        t.close();
    }

    @Test
    void theConfigurationChecksItsValues() {
        TelemetryConfig d = TelemetryConfig.defaults();
        assertEquals("127.0.0.1", d.host());
        assertEquals(9095, d.port());
        assertEquals(Duration.ofSeconds(10), d.tickInterval());
        assertTrue(d.enabled());
        assertThrows(IllegalArgumentException.class, () -> d.withEndpoint("127.0.0.1", -1));
        assertThrows(IllegalArgumentException.class, () -> d.withEndpoint("127.0.0.1", 65536));
        assertThrows(IllegalArgumentException.class, () -> d.withEndpoint(" ", 9095));
        assertThrows(IllegalArgumentException.class, () -> d.withTickInterval(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> d.withTickInterval(Duration.ofMillis(-5)));
        assertEquals("127.0.0.1", d.kamonConfig().getString("kamon.prometheus.embedded-server.hostname"));
        assertEquals(9095, d.kamonConfig().getInt("kamon.prometheus.embedded-server.port"));
        assertFalse(d.kamonConfig().getBoolean("kamon.init.attach-instrumentation"));
    }
}
