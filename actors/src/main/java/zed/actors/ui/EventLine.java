package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * A level event in one line of words for the Fleet page, from its JSON on {@code /v1/events}: its type, the resource
 * it is about, and what happened. Pure.
 */
public final class EventLine {
    static final int LONGEST = 160;

    private EventLine() {
    }

    public static String of(JsonNode event) {
        StringBuilder b = new StringBuilder(event.path("type").asText("event"));
        if (event.hasNonNull("revision")) b.append(" (revision ").append(event.get("revision").asLong()).append(')');
        String about = first(event, List.of("resource", "job", "model", "standby"));
        if (about != null) b.append(' ').append(about);
        String what = first(event, List.of("what", "why", "cause", "target", "snapshot"));
        if (what != null) b.append(": ").append(what);
        return b.length() <= LONGEST ? b.toString() : b.substring(0, LONGEST - 1) + "…";
    }

    private static String first(JsonNode event, List<String> fields) {
        for (String f : fields) if (event.hasNonNull(f) && !event.get(f).asText().isEmpty()) return event.get(f).asText();
        return null;
    }
}
