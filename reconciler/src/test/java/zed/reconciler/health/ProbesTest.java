package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.RestartPolicy;
import zed.config.LevelSpec.ServiceSpec;
import zed.config.Pos;
import zed.reconciler.health.GateEvent.ProbeReported;
import zed.reconciler.health.GateEvent.ProcessStarted;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;

/** The probes a resolved spec declares, and real probe results driving a gate. */
class ProbesTest {
    private static final Pos POS = new Pos("shop/Zedfile", 20, 3);

    private static HealthCheck http(String url, Integer expect, String body) {
        return new HealthCheck("http", url, expect, body, null, null, null, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, POS);
    }

    @Test
    void eachKindBecomesItsProbeWithTheCheckTimeout() {
        assertEquals(new HttpProbe(URI.create("http://127.0.0.1:8080/health"), 204, "ok", Duration.ofSeconds(1)),
                Probes.of(http("http://127.0.0.1:8080/health", 204, "ok")));
        assertEquals(new TcpProbe("10.17.0.2", 5432, Duration.ofMillis(500)),
                Probes.of(new HealthCheck("tcp", null, null, null, "10.17.0.2", 5432, null, Duration.ZERO, Duration.ofSeconds(2), Duration.ofMillis(500), 1, 3, POS)));
        assertEquals(new ExecProbe(List.of("pg_isready", "-q"), Duration.ofSeconds(3)),
                Probes.of(new HealthCheck("exec", null, null, null, null, null, List.of("pg_isready", "-q"), Duration.ZERO, Duration.ofSeconds(5), Duration.ofSeconds(3), 1, 3, POS)));
    }

    @Test
    void unsetAttributesTakeTheZedfileDefaults() {
        assertEquals(new HttpProbe(URI.create("http://127.0.0.1:8080/"), 200, null, Duration.ofSeconds(1)), Probes.of(http("http://127.0.0.1:8080/", null, null)));
        assertEquals(new TcpProbe("127.0.0.1", 6379, Duration.ofSeconds(1)),
                Probes.of(new HealthCheck("tcp", null, null, null, null, 6379, null, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, POS)));
    }

    @Test
    void aCheckMissingWhatItsKindNeedsIsRefusedWithItsPlace() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Probes.of(http(null, 200, null)));
        assertEquals("shop/Zedfile:20:3: health \"http\" needs url", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Probes.of(new HealthCheck("grpc", null, null, null, null, null, null,
                Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, POS)));
        assertEquals("shop/Zedfile:20:3: unknown health check kind \"grpc\"; expected http, tcp or exec", e.getMessage());
    }

    @Test
    void aServicesProbesAreNamedByKindInTheOrderDeclared() {
        HealthCheck tcp = new HealthCheck("tcp", null, null, null, null, 6379, null, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), 1, 3, POS);
        HealthCheck web = http("http://127.0.0.1:8080/", null, null);
        Map<String, Probe> probes = Probes.of(service(List.of(tcp, web)));
        assertEquals(List.of("tcp", "http"), List.copyOf(probes.keySet()));
        assertEquals(Probes.of(web), probes.get("http"));
    }

    @Test
    void realProbeResultsCarryAServiceThroughItsGate() throws IOException {
        // the service answers 503 twice while it warms up, then 200
        AtomicInteger asked = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", x -> {
            x.sendResponseHeaders(asked.incrementAndGet() <= 2 ? 503 : 200, -1);
            x.close();
        });
        server.start();
        try {
            HealthCheck check = http("http://127.0.0.1:" + server.getAddress().getPort() + "/health", 200, null);
            Probe probe = Probes.of(check);
            FakeClock clock = new FakeClock();
            HealthGate gate = HealthGate.open(1, Checks.update(5, 120), List.of(check), clock.now()).on(new ProcessStarted(clock.now()));
            for (int s = 1; s <= 11; s += 2) gate = gate.on(new ProbeReported(Probes.name(check), probe.run(clock.at(s))));
            assertEquals(new Passed(FakeClock.t(10)), gate.verdict(clock.now())); // first 200 at 5s

            // the next revision opens at 11s: its deadline is 2m later
            HealthGate other = HealthGate.open(2, Checks.update(5, 120), List.of(check), clock.now()).on(new ProcessStarted(clock.now()));
            server.stop(0);
            for (int s = 12; s <= 132; s += 2) other = other.on(new ProbeReported("http", probe.run(clock.at(s))));
            assertEquals(new Failed("not healthy within healthy_deadline 2m: http failing: connection refused", FakeClock.t(131)), other.verdict(clock.now()));
        } finally {
            server.stop(0);
        }
    }

    private static ServiceSpec service(List<HealthCheck> health) {
        return new ServiceSpec("exec", "web", null, null, null, Map.of(), Map.of(), List.of(), zed.config.LevelSpec.Runtime.NONE,
                RestartPolicy.DEFAULT, health, null, List.of(), null, null, null, null, "/srv/web", POS);
    }
}
