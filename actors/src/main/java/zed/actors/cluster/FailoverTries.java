package zed.actors.cluster;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's auto failovers that failed and will be tried again ({@link AutoFailover}), in memory: what a status read
 * of such a level answers, since the level itself cannot answer while its host is lost and its shard placed there.
 */
public final class FailoverTries {
    /**
     * @param failures how many tries failed in a row
     * @param last     the last one's answer (status and body), or why it did not run
     * @param next     when the next try starts
     */
    public record Failing(String from, String to, int failures, String last, Instant next) {
        /** One line, for a status read. */
        public String line(String level) {
            return "its host " + from + " was downed, and its auto failover to " + to + " failed " + failures + (failures == 1 ? " time" : " times")
                    + " (last: " + last + "); the next try is at " + next + " (zed failover " + level + " --to " + to + " tries at once)";
        }
    }

    private final Map<String, Failing> failing = new ConcurrentHashMap<>();

    void failed(String level, Failing f) {
        failing.put(level, f);
    }

    void over(String level) {
        failing.remove(level);
    }

    /** The level's failing auto failover on this node, or null. */
    public Failing of(String level) {
        return failing.get(level);
    }
}
