package zed.actors.ui;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Events page's filter, from its query ({@code ?level=shop&kind=DriftCorrected}), so that a filtered view is a
 * link: a level (exactly that id), a kind (an event type), or neither for all. Pure.
 *
 * @param level null for every level
 * @param kind  null for every kind
 */
public record EventFilter(String level, String kind) {
    /** The kinds a filter may name: every level event's type, sorted. */
    public static final List<String> KINDS = Arrays.stream(zed.actors.level.LevelEvent.class.getPermittedSubclasses())
            .map(Class::getSimpleName).sorted().toList();
    private static final Pattern LEVEL = Pattern.compile("[A-Za-z0-9_-]{1,128}(/[A-Za-z0-9_-]{1,128}){0,7}");

    public static final EventFilter ALL = new EventFilter(null, null);

    /** A filter, or why the query names none: an empty value is "all". */
    public sealed interface Parsed permits Ok, Refused {
    }

    public record Ok(EventFilter filter) implements Parsed {
    }

    public record Refused(String why) implements Parsed {
    }

    public static Parsed parse(String level, String kind) {
        String l = level == null || level.isBlank() ? null : level.strip();
        String k = kind == null || kind.isBlank() ? null : kind.strip();
        if (l != null && !LEVEL.matcher(l).matches()) return new Refused("level must be a level id such as shop or infra/shop");
        if (k != null && !KINDS.contains(k)) return new Refused("kind must be an event type such as DriftCorrected or Converged");
        return new Ok(new EventFilter(l, k));
    }

    public boolean matches(EventRow e) {
        return (level == null || level.equals(e.level())) && (kind == null || kind.equals(e.kind()));
    }

    /** The query that names this filter, "" for all; with {@code after}'s value when it is above 0. */
    public String query(long after) {
        List<String> q = new ArrayList<>();
        if (level != null) q.add("level=" + URLEncoder.encode(level, StandardCharsets.UTF_8));
        if (kind != null) q.add("kind=" + kind);
        if (after > 0) q.add("after=" + after);
        return q.isEmpty() ? "" : "?" + String.join("&", q);
    }

    /** The filter in words, for the page's heading. */
    public String words() {
        if (level == null && kind == null) return "all levels, every kind";
        return (level == null ? "all levels" : "level " + level) + ", " + (kind == null ? "every kind" : kind);
    }
}
