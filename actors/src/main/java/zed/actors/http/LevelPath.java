package zed.actors.http;

import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A level's address under {@code /v1/levels/}: the id, either as its own path ({@code shop/web}) or as one segment
 * with its slashes encoded ({@code shop%2Fweb}), then an optional action ({@code plan}, {@code push-plan},
 * {@code rollback-plan}, {@code revisions}, {@code rollback}, {@code snapshots}, {@code sudo}, {@code move}, {@code promote}, {@code failover}). A level whose id ends in an action word ({@code x/plan}) is addressed the second way:
 * {@code /v1/levels/x%2Fplan}, {@code /v1/levels/x%2Fplan/plan}. Pure.
 *
 * @param action null for the level itself
 */
public record LevelPath(String id, String action) {
    public static final Set<String> ACTIONS = Set.of("plan", "push-plan", "rollback-plan", "revisions", "rollback", "snapshots", "sudo", "move", "promote", "failover", "job-rollback", "job-move");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,128}");

    /** The decoded segments after {@code /v1/levels/}; null when they name no valid level id. */
    public static LevelPath of(List<String> segments) {
        List<String> s = segments.isEmpty() || !segments.get(segments.size() - 1).isEmpty() ? segments : segments.subList(0, segments.size() - 1);
        if (s.isEmpty()) return null;
        String action = null;
        if (s.size() > 1 && ACTIONS.contains(s.get(s.size() - 1))) {
            action = s.get(s.size() - 1);
            s = s.subList(0, s.size() - 1);
        }
        String id = String.join("/", s);
        return valid(id) ? new LevelPath(id, action) : null;
    }

    /** Whether {@code id} is a level id: names of letters, digits, '-' and '_', joined by '/'. */
    public static boolean valid(String id) {
        if (id.length() > 1024) return false;
        for (String part : id.split("/", -1)) if (!NAME.matcher(part).matches()) return false;
        return true;
    }

    /** The path of a level on the API, its id in one segment: unambiguous whatever its last name. */
    public static String of(String id) {
        return "/v1/levels/" + id.replace("/", "%2F");
    }
}
