package zed.reconciler.health;

import java.time.Duration;

/** Durations as a Zedfile writes them, so that messages quote the operator's own values back ("2m", "500ms"). */
final class Durations {
    private Durations() {
    }

    /** Exact, largest unit first: "2m", "1m30s", "1s500ms", "0s". */
    static String format(Duration d) {
        long ms = d.toMillis();
        if (ms == 0) return d.isZero() ? "0s" : d.toNanos() / 1000 + "us";
        StringBuilder sb = new StringBuilder();
        long[] units = {86_400_000, 3_600_000, 60_000, 1000, 1};
        String[] names = {"d", "h", "m", "s", "ms"};
        for (int i = 0; i < units.length; i++) {
            if (ms >= units[i]) {
                sb.append(ms / units[i]).append(names[i]);
                ms %= units[i];
            }
        }
        return sb.toString();
    }

    /** Time that has passed, for progress messages: whole seconds once past one ("healthy for 3s of 5s"), else ms. */
    static String elapsed(Duration d) {
        if (d.isNegative()) d = Duration.ZERO;
        return format(d.compareTo(Duration.ofSeconds(1)) >= 0 ? Duration.ofSeconds(d.toSeconds()) : Duration.ofMillis(d.toMillis()));
    }
}
