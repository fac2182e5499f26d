package zed.reconciler.health;

import java.time.Instant;

/** A revision's health gate result. Passed and Failed are final: nothing that happens later changes them. */
public sealed interface Verdict {
    /** @param why what the gate waits for, e.g. "waiting for http to pass", "healthy for 3s of 5s" */
    record Pending(String why) implements Verdict {
    }

    /** @param at the instant min_healthy_time was reached, which may be earlier than when someone asked */
    record Passed(Instant at) implements Verdict {
    }

    /** @param at when it failed: the deadline itself, the exit that made a crash loop, or the spent restart budget */
    record Failed(String reason, Instant at) implements Verdict {
    }
}
