package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * The revisions the Rollback page offers, from {@code GET /v1/levels/{id}/revisions}: each kept one but the desired
 * one (rolling back to what runs changes nothing), newest first, with what it is in words. Pure.
 *
 * @param target the rollback's target: {@code @rev:N}, the newest deploy snapshot that holds revision N
 * @param notes  what the revision is: "stable" (converged last), "newest"; empty for neither
 */
public record RevisionChoice(long revision, String target, String filename, String notes) {
    public static List<RevisionChoice> of(JsonNode revisions) {
        long desired = revisions.path("desiredRevision").asLong();
        long stable = revisions.path("stableRevision").asLong(0);
        long newest = revisions.path("revision").asLong();
        List<RevisionChoice> out = new ArrayList<>();
        for (JsonNode r : revisions.path("revisions")) {
            long n = r.path("revision").asLong();
            if (n == desired) continue;
            List<String> notes = new ArrayList<>();
            if (n == newest) notes.add("newest");
            if (n == stable) notes.add("stable");
            out.add(new RevisionChoice(n, "@rev:" + n, r.path("filename").asText(), String.join(", ", notes)));
        }
        return List.copyOf(out);
    }
}
