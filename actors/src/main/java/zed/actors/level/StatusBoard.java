package zed.actors.level;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The last status each level of this node showed, in memory: what the API answers when a level cannot answer itself in
 * time (its journal is down, and the level restarts until it is back). Everything on it was journaled or reported by
 * the level's resources, so a level never reads Converged here for a revision it did not journal.
 */
public final class StatusBoard {
    /** A level's status, and when it was posted. */
    public record Posted(LevelCommand.Status status, Instant at) {
    }

    private final Map<String, Posted> board = new ConcurrentHashMap<>();

    void post(String level, LevelCommand.Status status) {
        board.put(level, new Posted(status, Instant.now()));
    }

    /** The last status of {@code level}, or null when it never posted one. */
    public Posted last(String level) {
        return board.get(level);
    }
}
