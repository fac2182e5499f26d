package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Follows one level until a revision is Converged, fails, or the deadline passes, and shows its resources meanwhile.
 *
 * <p>The level's event stream says when something happened; the level's status says where it stands, and decides.
 * The status decides because the stream starts with the level's history (the PUT answer carries no event id to
 * resume from), and an older event of the same revision, say the Converged before a {@code --restart}, must not end
 * the follow. Events of older revisions are passed over without a look. A service's way to its health gate (started,
 * probes passing) is not journaled, so the status is also looked at after {@link #QUIET} without an event: that
 * keeps the resource lines live between events. Heartbeats count as events.
 */
final class LevelFollower {
    enum Result { CONVERGED, FAILED, STOPPED, TIMED_OUT, LOST }

    /**
     * @param status    the level's last status (null when the node stopped answering)
     * @param resources each resource as last seen while the level worked on the revision: after an auto-revert the
     *                  status shows the stable revision's, and the failure block needs the failed ones
     * @param message   why the node was lost
     */
    record Outcome(Result result, JsonNode status, List<JsonNode> resources, String message) {
    }

    /** How long without an event before the status is looked at anyway. */
    static final Duration QUIET = Duration.ofMillis(500);

    private final NodeClient node;
    private final Progress progress;
    private final Duration quiet;
    private EventStream events;
    private String lastEventId;

    LevelFollower(NodeClient node, Progress progress) {
        this(node, progress, QUIET);
    }

    /** @param quiet how long without an event before the status is looked at anyway */
    LevelFollower(NodeClient node, Progress progress, Duration quiet) {
        this.node = node;
        this.progress = progress;
        this.quiet = quiet;
    }

    /** Follows {@code level} until revision {@code rev} converges or fails, for at most {@code timeout}. */
    Outcome follow(String level, long rev, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Map<String, JsonNode> ofRevision = new LinkedHashMap<>();
        try {
            while (true) {
                NodeClient.Answer a = node.get(NodeClient.level(level));
                if (!a.ok()) return new Outcome(Result.LOST, null, new ArrayList<>(ofRevision.values()), String.join("\n", a.errors()));
                JsonNode s = a.body();
                long desired = s.path("desiredRevision").asLong();
                if (desired == rev) {
                    for (JsonNode r : s.path("resources")) {
                        if (r.path("revision").asLong(rev) == rev) ofRevision.put(r.path("kind").asText() + " " + r.path("name").asText(), r);
                    }
                }
                progress.show(level, s, Duration.ofNanos(System.nanoTime() - start));
                Result r = verdict(s, rev);
                if (r == null && System.nanoTime() >= deadline) r = Result.TIMED_OUT;
                if (r != null) return new Outcome(r, s, ofRevision.isEmpty() ? list(s.path("resources")) : new ArrayList<>(ofRevision.values()), null);
                awaitChange(level, rev, Duration.ofNanos(Math.min(deadline - System.nanoTime(), quiet.toNanos())));
            }
        } finally {
            progress.finish();
            if (events != null) events.close();
            events = null;
        }
    }

    /** Where the status says revision {@code rev} stands; null while it is still on its way. */
    static Result verdict(JsonNode status, long rev) {
        String state = status.path("state").asText();
        long desired = status.path("desiredRevision").asLong();
        if (state.equals("Converged") && desired == rev) return Result.CONVERGED;
        if (state.equals("Failed") || desired < rev) return Result.FAILED; // failed, or failed and reverted
        if (state.equals("Stopped")) return Result.STOPPED;
        return null;
    }

    /** Waits for a reason to look at the status again: an event of this deploy, a heartbeat, or {@code wait} of quiet. */
    private void awaitChange(String level, long rev, Duration wait) throws InterruptedException {
        long until = System.nanoTime() + wait.toNanos();
        boolean reopened = false;
        while (true) {
            long left = until - System.nanoTime();
            if (left <= 0) return;
            if (events == null || events.ended()) {
                if (!reopened) {
                    reopened = true;
                    events = reopen(level);
                    continue;
                }
                // no stream now (an old node, a restart of it): the status after each quiet wait still follows the level
                TimeUnit.NANOSECONDS.sleep(left); // the rest of this wait's deadline
                return;
            }
            EventStream.Message m = events.next(Duration.ofNanos(left));
            if (m == null) continue; // quiet until the deadline, or the stream ended
            if (m.id() != null) lastEventId = m.id();
            if (m.heartbeat() || concerns(m, rev)) {
                drain(); // a burst (the history at the start) is one look at the status, not one per event
                return;
            }
        }
    }

    private void drain() throws InterruptedException {
        EventStream.Message m;
        while ((m = events.next(Duration.ZERO)) != null) if (m.id() != null) lastEventId = m.id();
    }

    /** A new stream after the last event seen; null when the node does not give one now. */
    private EventStream reopen(String level) throws InterruptedException {
        if (events != null) events.close();
        events = null;
        try {
            return EventStream.open(node, level, lastEventId);
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether an event may have moved revision {@code rev}: its own, a newer one's, or one without a revision (RolledBack). */
    static boolean concerns(EventStream.Message m, long rev) {
        JsonNode e = Json.readOrNull(m.data()); // null: empty, or not JSON
        return e == null || !e.has("revision") || e.get("revision").asLong() >= rev;
    }

    private static List<JsonNode> list(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
