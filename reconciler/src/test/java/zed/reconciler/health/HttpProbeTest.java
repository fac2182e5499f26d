package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code health "http"} against a real HTTP server on 127.0.0.1. */
class HttpProbeTest {
    private static final Duration TIMEOUT = Duration.ofMillis(300);

    private final FakeClock clock = new FakeClock().at(42);
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;
    private ExecutorService handlers;

    @BeforeEach
    void serve() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/health", x -> answer(x, 200, "status: ok"));
        server.createContext("/starting", x -> answer(x, 503, "status: starting"));
        server.createContext("/login", x -> {
            x.getResponseHeaders().add("Location", "/health");
            answer(x, 302, "");
        });
        server.createContext("/stuck", x -> {
            awaitRelease();
            answer(x, 200, "too late");
        });
        server.createContext("/slow-body", x -> {
            x.sendResponseHeaders(200, 0);
            try (OutputStream out = x.getResponseBody()) {
                out.write("status: ".getBytes(StandardCharsets.UTF_8));
                out.flush();
                awaitRelease();
                out.write("ok".getBytes(StandardCharsets.UTF_8));
            }
        });
        // handlers that hang must not hold up the others
        handlers = Executors.newCachedThreadPool();
        server.setExecutor(handlers);
        server.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }

    private void awaitRelease() {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }

    private HttpProbe probe(String path, int expect, String bodyContains) {
        return new HttpProbe(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path), expect, bodyContains, TIMEOUT);
    }

    @Test
    void theExpectedStatusPassesAtTheInstantTheClockGives() {
        assertEquals(ProbeResult.passed("HTTP 200", FakeClock.t(42)), probe("/health", 200, null).run(clock));
    }

    @Test
    void anotherStatusFailsSayingWhichAndWhatWasExpected() {
        assertEquals(ProbeResult.failed("HTTP 503, expected 200", FakeClock.t(42)), probe("/starting", 200, null).run(clock));
    }

    @Test
    void aRedirectIsNotFollowed() {
        assertEquals(ProbeResult.failed("HTTP 302, expected 200", FakeClock.t(42)), probe("/login", 200, null).run(clock));
        assertEquals(ProbeResult.passed("HTTP 302", FakeClock.t(42)), probe("/login", 302, null).run(clock));
    }

    @Test
    void bodyContainsLooksAtTheBody() {
        assertEquals(ProbeResult.passed("HTTP 200", FakeClock.t(42)), probe("/health", 200, "ok").run(clock));
        assertEquals(ProbeResult.failed("body does not contain \"ready\"", FakeClock.t(42)), probe("/health", 200, "ready").run(clock));
    }

    @Test
    void aServerThatDoesNotAnswerTimesOutInAboutTheTimeout() {
        long start = System.nanoTime();
        assertEquals(ProbeResult.failed("timed out after 300ms", FakeClock.t(42)), probe("/stuck", 200, null).run(clock));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertTrue(took.compareTo(TIMEOUT) >= 0 && took.compareTo(Duration.ofSeconds(5)) < 0, "took " + took);
    }

    @Test
    void theTimeoutCoversReadingTheBody() {
        assertEquals(ProbeResult.failed("timed out after 300ms", FakeClock.t(42)), probe("/slow-body", 200, "ok").run(clock));
    }

    @Test
    void nothingListeningIsConnectionRefused() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        HttpProbe probe = new HttpProbe(URI.create("http://127.0.0.1:" + port + "/health"), 200, null, TIMEOUT);
        assertEquals(ProbeResult.failed("connection refused", FakeClock.t(42)), probe.run(clock));
    }
}
