package zed.actors.telemetry;

import kamon.Kamon;
import kamon.Kamon$;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.jdk.javaapi.FutureConverters;

import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

/**
 * A node's metrics: Kamon, with the kamon-prometheus reporter serving {@code http://<host>:<port>/metrics}. Start it
 * with the node, close it with the node; hand {@link #metrics()} to whatever records.
 *
 * <p>Kamon is one global registry per JVM, so this is reference-counted: the first {@link #start} runs
 * {@code Kamon.initWithoutAttaching(config)} (no Kanela, no instrumentation) and the endpoint; the last
 * {@link #close()} runs {@code Kamon.stop()}, which stops the reporter and its endpoint, clears every metric and
 * stops Kamon's scheduler, so the next start (the next node in the same JVM, as in tests) begins from nothing. Nodes
 * that overlap in one JVM share the first one's endpoint and metrics (a differing configuration is logged and
 * ignored).
 */
public final class Telemetry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
    private static final long START_TIMEOUT_MS = 10_000;
    private static final long STOP_TIMEOUT_MS = 10_000;

    private static final Object LOCK = new Object();
    /** Open handles sharing {@link #running}; guarded by LOCK. */
    private static int users;
    /** Guarded by LOCK; null when Kamon is not running for us. */
    private static Running running;

    private record Running(TelemetryConfig config, InetSocketAddress address, ZedMetrics metrics) {
    }

    private final Running shared;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Telemetry(Running shared) {
        this.shared = shared;
    }

    /**
     * Starts Kamon and the scrape endpoint (or joins the ones running in this JVM) and returns once the endpoint
     * answers.
     *
     * @throws IllegalStateException when the endpoint cannot bind (the port is taken); nothing is left running then
     */
    public static Telemetry start(TelemetryConfig config) {
        Objects.requireNonNull(config, "config");
        if (!config.enabled()) return new Telemetry(null);
        synchronized (LOCK) {
            if (running == null) {
                running = init(config);
            } else if (!running.config().equals(config)) {
                log.warn("Kamon is global and already runs here with {}; this node shares it instead of {}", running.config(), config);
            }
            users++;
            return new Telemetry(running);
        }
    }

    private static Running init(TelemetryConfig config) {
        PrometheusEndpoint.takeFailure();
        try {
            Kamon.initWithoutAttaching(config.kamonConfig());
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
            PrometheusEndpoint endpoint;
            Throwable failure = null;
            // the reporter is built inside init today; waiting covers a Kamon that builds modules on its executors
            while ((endpoint = PrometheusEndpoint.current()) == null && (failure = PrometheusEndpoint.takeFailure()) == null
                    && System.nanoTime() < deadline) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
            if (endpoint == null) {
                String why = failure != null ? failure.getMessage() : "the kamon-prometheus reporter did not start it";
                throw new IllegalStateException("the metrics endpoint did not start on " + config.host() + ":" + config.port() + ": " + why, failure);
            }
            // metrics Kamon made before it was configured (the adaptive trace sampler of its first, default
            // configuration registers one) are not Zed's
            Kamon$.MODULE$.clearRegistry();
            return new Running(config, endpoint.address(), ZedMetrics.started());
        } catch (RuntimeException e) {
            stopKamon();
            throw e instanceof IllegalStateException ? e : new IllegalStateException("Kamon did not start: " + e.getMessage(), e);
        }
    }

    private static void stopKamon() {
        try {
            FutureConverters.asJava(Kamon.stop()).toCompletableFuture().get(STOP_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("Kamon did not stop cleanly: {}", e.toString());
        }
        PrometheusEndpoint left = PrometheusEndpoint.current();
        if (left != null) left.stop(); // the port must be free for the next start, whatever Kamon did
    }

    /** Where the node records; a no-op one when telemetry is disabled. */
    public ZedMetrics metrics() {
        return shared != null ? shared.metrics() : ZedMetrics.noop();
    }

    /** Whether this node exports metrics (false when its configuration disabled them). */
    public boolean exporting() {
        return shared != null;
    }

    /** The address the scrape endpoint is bound to; null when not exporting. */
    public InetSocketAddress address() {
        return shared != null ? shared.address() : null;
    }

    /** The port the scrape endpoint is bound to (the real one when 0 was asked for); -1 when not exporting. */
    public int port() {
        return shared != null ? shared.address().getPort() : -1;
    }

    /** {@code http://<host>:<port>/metrics}; null when not exporting. */
    public URI metricsUri() {
        if (shared == null) return null;
        String host = shared.config().host();
        if (host.contains(":") && !host.startsWith("[")) host = "[" + host + "]";
        return URI.create("http://" + host + ":" + port() + TelemetryConfig.PATH);
    }

    /**
     * Leaves Kamon; the last handle to close stops it (reporter, endpoint, registry). Idempotent. Returns once the
     * port is free again.
     */
    @Override
    public void close() {
        if (shared == null || !closed.compareAndSet(false, true)) return;
        synchronized (LOCK) {
            if (--users > 0) return;
            running.metrics().close();
            running = null;
            stopKamon();
        }
    }
}
