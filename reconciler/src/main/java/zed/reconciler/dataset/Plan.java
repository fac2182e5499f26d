package zed.reconciler.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import zed.config.SpecJson;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What converging a level's datasets would do, ordered so that a parent comes before its child.
 *
 * @param unchanged declared datasets that already match
 * @param refused   declared datasets Zed will not touch (not managed by Zed, or by another level); a plan with
 *                  refusals is not applied at all
 * @param orphans   datasets this level manages that it no longer declares: reported, never destroyed by a plan
 */
public record Plan(String level, String store, String root, long rev, List<Step> steps, List<String> unchanged,
                   List<Refusal> refused, List<String> orphans) {
    public Plan {
        steps = List.copyOf(steps);
        unchanged = List.copyOf(unchanged);
        refused = List.copyOf(refused);
        orphans = List.copyOf(orphans);
    }

    public record Refusal(String dataset, String reason) {
    }

    /** Nothing to do and nothing refused. */
    public boolean converged() {
        return steps.isEmpty() && refused.isEmpty();
    }

    public String toJson() {
        try {
            return SpecJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The readable form: one line per dataset, a sign in front (+ create, ~ update, ! refused, = unchanged). */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("level ").append(level).append("  ").append(store).append(root.isEmpty() ? "" : " " + root).append("  revision ").append(rev).append('\n');
        int w = 8;
        for (Step s : steps) w = Math.max(w, s.dataset().length());
        for (String u : unchanged) w = Math.max(w, u.length());
        for (Refusal r : refused) w = Math.max(w, r.dataset().length());
        String fmt = "  %s %-" + w + "s  %s%n";
        for (Step s : steps) sb.append(String.format(fmt, s instanceof Step.Update ? "~" : "+", s.dataset(), s.describe()));
        for (Refusal r : refused) sb.append(String.format(fmt, "!", r.dataset(), "refused: " + r.reason()));
        for (String u : unchanged) sb.append(String.format(fmt, "=", u, "unchanged"));
        for (String o : orphans) sb.append(String.format(fmt, "?", o, "no longer declared; kept (destroy it with the level)"));
        sb.append(steps.size()).append(" to change, ").append(unchanged.size()).append(" unchanged")
                .append(refused.isEmpty() ? "" : ", " + refused.size() + " refused").append('\n');
        return sb.toString();
    }

    static String assignments(Map<String, String> props) {
        return new java.util.TreeMap<>(props).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }
}
