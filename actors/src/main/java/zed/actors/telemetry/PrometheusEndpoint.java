package zed.actors.telemetry;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.typesafe.config.Config;
import kamon.prometheus.ScrapeSource;
import kamon.prometheus.embeddedhttp.EmbeddedHttpServer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPOutputStream;

/**
 * The scrape endpoint of the kamon-prometheus reporter, plugged in through its {@code embedded-server.impl} setting
 * (the reporter builds it by reflection). Unlike the stock one it tells which port it bound, so that port 0 works,
 * and it serves only its path. The reporter builds it inside {@code Kamon.init}; {@link Telemetry} picks it up from
 * {@link #current()} right after, under its lock.
 */
public final class PrometheusEndpoint extends EmbeddedHttpServer {
    private static final AtomicReference<PrometheusEndpoint> CURRENT = new AtomicReference<>();
    private static final AtomicReference<Throwable> FAILURE = new AtomicReference<>();

    private final HttpServer server;
    private final ExecutorService executor;
    private final String path;
    private final ScrapeSource source;

    /** The constructor the reporter calls: {@code (hostname, port, metrics-path, reporter, config)}. */
    public PrometheusEndpoint(String hostname, int port, String path, ScrapeSource source, Config config) {
        super(hostname, port, source, config);
        this.path = path;
        this.source = source;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getByName(hostname), port), 0);
        } catch (IOException e) {
            FAILURE.set(e);
            throw new UncheckedIOException("the metrics endpoint cannot bind " + hostname + ":" + port + ": " + e.getMessage(), e);
        }
        executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "zed-metrics-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        CURRENT.set(this);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = source.scrapeData().getBytes(StandardCharsets.UTF_8);
            String accept = exchange.getRequestHeaders().getFirst("Accept-Encoding");
            if (accept != null && accept.contains("gzip")) {
                ByteArrayOutputStream zipped = new ByteArrayOutputStream();
                try (GZIPOutputStream gz = new GZIPOutputStream(zipped)) {
                    gz.write(body);
                }
                body = zipped.toByteArray();
                exchange.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** The address it is bound to (the real port when 0 was asked for). */
    public InetSocketAddress address() {
        return server.getAddress();
    }

    @Override
    public void stop() {
        CURRENT.compareAndSet(this, null);
        server.stop(0);
        executor.shutdownNow();
    }

    /** The endpoint serving now, or null. */
    static PrometheusEndpoint current() {
        return CURRENT.get();
    }

    /** Forgets the last bind failure; returns it. */
    static Throwable takeFailure() {
        return FAILURE.getAndSet(null);
    }
}
