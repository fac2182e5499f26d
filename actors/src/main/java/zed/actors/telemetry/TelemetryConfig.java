package zed.actors.telemetry;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;

import java.time.Duration;
import java.util.Objects;

/**
 * Where and how often a node exports its metrics.
 *
 * @param enabled      false: {@link Telemetry#start} starts nothing and {@link Telemetry#metrics()} records nothing
 * @param host         the address the Prometheus scrape endpoint binds, {@value #DEFAULT_HOST} by default
 * @param port         its port, {@value #DEFAULT_PORT} by default; 0 picks a free one ({@link Telemetry#port()} tells)
 * @param tickInterval how often Kamon hands what was recorded to the reporter: a value shows on {@code /metrics} at
 *                     most this long after it was recorded; {@link #DEFAULT_TICK} by default
 */
public record TelemetryConfig(boolean enabled, String host, int port, Duration tickInterval) {
    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 9095;
    public static final Duration DEFAULT_TICK = Duration.ofSeconds(10);
    /** The path Prometheus scrapes. */
    public static final String PATH = "/metrics";

    public TelemetryConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(tickInterval, "tickInterval");
        if (host.isBlank()) throw new IllegalArgumentException("the metrics host is empty");
        if (port < 0 || port > 65535) throw new IllegalArgumentException("the metrics port " + port + " is not 0..65535");
        if (tickInterval.isNegative() || tickInterval.isZero() || tickInterval.toMillis() < 1)
            throw new IllegalArgumentException("the metrics tick interval must be at least 1ms, not " + tickInterval);
    }

    /** 127.0.0.1:9095, a tick every 10s. */
    public static TelemetryConfig defaults() {
        return new TelemetryConfig(true, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TICK);
    }

    /** No endpoint, no Kamon, nothing recorded. */
    public static TelemetryConfig disabled() {
        return new TelemetryConfig(false, DEFAULT_HOST, DEFAULT_PORT, DEFAULT_TICK);
    }

    public TelemetryConfig withEndpoint(String host, int port) {
        return new TelemetryConfig(enabled, host, port, tickInterval);
    }

    public TelemetryConfig withTickInterval(Duration tick) {
        return new TelemetryConfig(enabled, host, port, tick);
    }

    /**
     * The whole Kamon configuration this node runs with: ours over the classpath's {@code reference.conf} files (Kamon
     * takes the configuration it is given as complete, so the fallback must be there).
     */
    Config kamonConfig() {
        String conf = """
                kamon {
                  enabled = yes
                  init { hide-banner = yes, attach-instrumentation = no }
                  environment.service = "zed"
                  # Zed traces nothing; the default adaptive sampler would export kamon_trace_sampler_decisions_total
                  trace.sampler = "never"
                  metric {
                    tick-interval = %d ms
                    optimistic-tick-alignment = no
                  }
                  modules {
                    prometheus-reporter.enabled = yes
                    pushgateway-reporter.enabled = no
                  }
                  prometheus {
                    start-embedded-http-server = yes
                    include-environment-tags = no
                    embedded-server {
                      hostname = "%s"
                      port = %d
                      metrics-path = "%s"
                      impl = "%s"
                    }
                    buckets.custom {
                      "%s" = %s
                      "%s" = %s
                      "%s" = %s
                    }
                  }
                }
                """.formatted(tickInterval.toMillis(),
                host.replace("\\", "\\\\").replace("\"", "\\\""), port, PATH, PrometheusEndpoint.class.getName(),
                ZedMetrics.CONVERGE_DURATION, ZedMetrics.CONVERGE_BUCKETS,
                ZedMetrics.RECONCILE_TICK_DURATION, ZedMetrics.RECONCILE_TICK_BUCKETS,
                ZedMetrics.PROBE_LATENCY, ZedMetrics.PROBE_BUCKETS);
        return ConfigFactory.parseString(conf).withFallback(ConfigFactory.load(TelemetryConfig.class.getClassLoader())).resolve();
    }
}
