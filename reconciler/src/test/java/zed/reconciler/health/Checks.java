package zed.reconciler.health;

import java.time.Duration;
import java.util.List;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.UpdatePolicy;
import zed.config.Pos;

/** Health checks and update policies as the config module resolves them, with the Zedfile defaults. */
final class Checks {
    private Checks() {
    }

    /** interval 2s and timeout 1s (the defaults): no result for 5s makes a check quiet. */
    static HealthCheck check(String kind, double initialDelaySeconds, int successThreshold, int failureThreshold) {
        Duration initialDelay = Duration.ofMillis(Math.round(initialDelaySeconds * 1000));
        Pos pos = new Pos("Zedfile", 12, 3);
        return switch (kind) {
            case "http" -> new HealthCheck("http", "http://127.0.0.1:8080/health", 200, null, null, null, null,
                    initialDelay, Duration.ofSeconds(2), Duration.ofSeconds(1), successThreshold, failureThreshold, pos);
            case "tcp" -> new HealthCheck("tcp", null, null, null, "127.0.0.1", 5432, null,
                    initialDelay, Duration.ofSeconds(2), Duration.ofSeconds(1), successThreshold, failureThreshold, pos);
            default -> new HealthCheck(kind, null, null, null, null, null, List.of("true"),
                    initialDelay, Duration.ofSeconds(2), Duration.ofSeconds(1), successThreshold, failureThreshold, pos);
        };
    }

    /** success_threshold 1, failure_threshold 3, no initial delay: the defaults. */
    static HealthCheck check(String kind) {
        return check(kind, 0, 1, 3);
    }

    static UpdatePolicy update(double minHealthySeconds, double deadlineSeconds) {
        return new UpdatePolicy(Duration.ofMillis(Math.round(minHealthySeconds * 1000)),
                Duration.ofMillis(Math.round(deadlineSeconds * 1000)), true, 1);
    }
}
