package zed.reconciler.health;

import java.time.Instant;
import java.util.Objects;

/**
 * One probe's answer.
 *
 * @param ok     whether the check passed this time
 * @param detail what an operator reads: "HTTP 200", "HTTP 503, expected 200", "connection refused", "exit 3",
 *               "timed out after 1s", "body does not contain \"ok\""
 * @param at     when the answer was known (the probe's end), by the clock the caller gave the probe
 */
public record ProbeResult(boolean ok, String detail, Instant at) {
    public ProbeResult {
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(at, "at");
    }

    public static ProbeResult passed(String detail, Instant at) {
        return new ProbeResult(true, detail, at);
    }

    public static ProbeResult failed(String detail, Instant at) {
        return new ProbeResult(false, detail, at);
    }
}
