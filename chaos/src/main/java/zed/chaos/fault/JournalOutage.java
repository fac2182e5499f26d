package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Scenario 3 of the chaos suite: the journal (PostgreSQL, behind a proxy the test cuts) goes away for a while, once in
 * the middle of a deploy and once in steady state. Meanwhile the node answers every status read, from memory when the
 * level cannot; it never shows Converged for a revision it did not journal; once the journal is back it persists
 * again, the deploy converges, and no revision it accepted is lost.
 */
final class JournalOutage {
    static final String LEVEL = "outage";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final AgentNode node;
    private final JournalProxy proxy;
    private final ChaosDatabase db;
    private final Path dir;
    private final Duration outage;
    private final Outcome outcome;

    JournalOutage(AgentNode node, JournalProxy proxy, ChaosDatabase db, Path dir, Duration outage, Outcome outcome) {
        this.node = node;
        this.proxy = proxy;
        this.db = db;
        this.dir = dir;
        this.outage = outage;
        this.outcome = outcome;
    }

    static String zedfile(int generation) {
        StringBuilder z = new StringBuilder("""
                level "outage" {}
                update {
                  min_healthy_time = "3s"
                }
                """);
        for (int i = 0; i < 5; i++) z.append("dataset \"d").append(i).append("\" {}\n");
        for (int s = 0; s < 2; s++) {
            z.append("""
                    service "exec" "worker%d" {
                      env     = { GENERATION = "%d" }
                      runtime { cmd = ["/bin/sh", "-c", "trap 'exit 0' TERM; while true; do sleep 1; done"] }
                    }
                    """.formatted(s, generation));
        }
        return z.toString();
    }

    /** The level's journaled events of one type, their revisions in order, read from the database itself. */
    List<Long> journaled(String type) throws Exception {
        List<Long> out = new ArrayList<>();
        for (String json : db.query("SELECT convert_from(event_payload, 'UTF8') FROM event_journal WHERE persistence_id = 'level|" + LEVEL
                + "' AND event_ser_manifest LIKE '%" + type + "' ORDER BY sequence_number")) {
            out.add(JSON.readTree(json).path("revision").asLong());
        }
        return out;
    }

    /** Reads the status every half second for the outage; each must answer, and none may show a Converged the journal lacks. */
    void during(long revision) throws Exception {
        Instant end = Instant.now().plus(outage);
        boolean sawConverged = false;
        while (Instant.now().isBefore(end)) {
            NodeCalls.Answer a = node.send("GET", AgentNode.level(LEVEL), null);
            outcome.check(a.ok(), "a status read failed during the outage: " + a.status() + " " + a.body());
            JsonNode s = a.body();
            sawConverged |= s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == revision;
            Thread.sleep(500); // a status read every half second, for the outage's length
        }
        if (sawConverged) {
            // it may only show what was journaled before the journal went: check now that it is readable again
            restore();
            outcome.check(journaled("Converged").contains(revision), "showed Converged at " + revision + " without its journal saying so");
        }
    }

    private void restore() throws Exception {
        proxy.restore();
    }

    void run() throws Exception {
        outcome.run();
        node.push(LEVEL, dir, zedfile(1));
        JsonNode first = node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(2));
        if (!outcome.check(first != null && first.path("state").asText().equals("Converged"), "did not converge: " + first)) return;

        // in the middle of a deploy: accepted, its services restarting, its gate counting
        NodeCalls.Answer push = node.push(LEVEL, dir, zedfile(2));
        long rev = push.body().path("revision").asLong();
        proxy.cut();
        outcome.fault();
        during(rev);
        restore();
        JsonNode after = node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == rev,
                Duration.ofMinutes(3));
        outcome.check(after != null && after.path("desiredRevision").asLong() == rev && after.path("state").asText().equals("Converged"),
                "the deploy did not converge once the journal was back: " + after);
        outcome.check(journaled("SpecAccepted").contains(rev), "revision " + rev + " was accepted, and is not in the journal");
        outcome.check(journaled("Converged").contains(rev), "Converged at " + rev + " is not in the journal");

        // in steady state
        proxy.cut();
        outcome.fault();
        during(rev);
        restore();
        NodeCalls.Answer next = node.push(LEVEL, dir, zedfile(3));
        long rev3 = next.body().path("revision").asLong();
        outcome.check(next.ok() && rev3 == rev + 1, "a push after the outage was not the next revision: " + next.body());
        JsonNode last = node.await(LEVEL, s -> s.path("state").asText().equals("Converged") && s.path("desiredRevision").asLong() == rev3,
                Duration.ofMinutes(3));
        outcome.check(last != null && last.path("desiredRevision").asLong() == rev3, "persisting did not resume: " + last);
        outcome.check(journaled("Converged").contains(rev3), "Converged at " + rev3 + " is not in the journal");
        node.send("DELETE", AgentNode.level(LEVEL) + "?destroy=true", null);
    }
}
