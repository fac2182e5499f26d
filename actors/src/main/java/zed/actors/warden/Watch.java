package zed.actors.warden;

import java.time.Duration;
import java.util.Objects;

/**
 * What the warden makes of one look at its agent: the heartbeat (the {@code alive} file's modification time, any
 * value) that changed is an agent alive; one unchanged for {@code after}, by the warden's own monotonic clock, is
 * one dead; the {@code stopped} mark is one that exited cleanly. Pure.
 *
 * @param beat   the heartbeat last seen (null: no file)
 * @param seenAt when it was first seen, in {@link System#nanoTime()}'s terms
 */
public record Watch(Object beat, long seenAt) {
    /** The outcome of a look. */
    public sealed interface Look {
    }

    /** Alive, or not silent long enough yet: look again. */
    public record Wait(Watch next) implements Look {
    }

    /** The agent exited cleanly: its services run on by design, and the warden goes. */
    public record Leave() implements Look {
    }

    /** Silent for {@code silent}: stop the services of the levels with a standby. */
    public record StandDown(Duration silent) implements Look {
    }

    public Look look(Object beatNow, boolean stopped, long now, Duration after) {
        if (stopped) return new Leave();
        if (!Objects.equals(beatNow, beat)) return new Wait(new Watch(beatNow, now));
        Duration silent = Duration.ofNanos(now - seenAt);
        return silent.compareTo(after) >= 0 ? new StandDown(silent) : new Wait(this);
    }
}
