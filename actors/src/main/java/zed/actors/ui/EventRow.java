package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * A level event as the dashboard lists it: its id on {@code /v1/events}, when it was journaled (UTC), its level, its
 * kind (the event's type) and the rest of the event in words ({@link EventLine} without the type it starts with). Pure.
 *
 * @param time "-" when the journal did not say
 */
public record EventRow(long id, String time, String level, String kind, String line) {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    /** @param event as on {@code /v1/events}; @param at when it was journaled, null for unknown */
    public static EventRow of(JsonNode event, Instant at) {
        String kind = event.path("type").asText("event");
        String line = EventLine.of(event);
        return new EventRow(event.path("id").asLong(), at == null ? "-" : TIME.format(at), event.path("level").asText("-"), kind,
                line.startsWith(kind) ? line.substring(kind.length()).strip() : line);
    }
}
