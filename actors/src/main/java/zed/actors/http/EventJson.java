package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.persistence.query.EventEnvelope;
import org.apache.pekko.persistence.query.Sequence;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A journaled level event as one line of JSON, generic over the event records so that new event types need no
 * change here:
 *
 * <pre>{"id": 7, "level": "shop", "type": "SpecAccepted", "revision": 2, ...the record's other components}</pre>
 *
 * A host's event (persistence id {@code host|<name>}: its GPUs) has {@code "host"} in place of {@code "level"}:
 * <pre>{"id": 9, "host": "gpu1", "type": "GpuLost", "uuid": "GPU-6e3f...", ...}</pre>
 *
 * {@code id} is the journal's global ordering (the {@link Sequence} offset), {@code level} the level id from the
 * persistence id {@code level|<id>}, {@code type} the record's simple class name, {@code revision} the record's
 * {@code revision} component where it has one; the other components follow as Jackson writes them (with the mapper
 * the {@code jackson-json} serializer uses, so java.time values are ISO strings), except the bulky ones in
 * {@link #DROPPED}. A component named {@code id}, {@code level} or {@code type} is shadowed by the envelope's.
 */
public final class EventJson {
    /** Components left out of the JSON: the Zedfile's text and the resolved spec. */
    public static final Set<String> DROPPED = Set.of("source", "specJson");
    private static final Set<String> RESERVED = Set.of("id", "level", "type", "revision");

    private final ObjectMapper mapper;

    public EventJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** With the mapper of the system's {@code jackson-json} serialization binding, which journals the events. */
    public static EventJson of(ClassicActorSystemProvider system) {
        return new EventJson(JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty()));
    }

    /** The level id of a persistence id {@code level|<id>}; an id without a separator is returned whole. */
    public static String level(String persistenceId) {
        int i = persistenceId.indexOf('|');
        return i < 0 ? persistenceId : persistenceId.substring(i + 1);
    }

    /** The event's type name, e.g. {@code SpecAccepted}. */
    public static String type(Object event) {
        return event.getClass().getSimpleName();
    }

    /** The journal's global ordering of an envelope from the JDBC read journal. */
    public static long offset(EventEnvelope envelope) {
        if (envelope.offset() instanceof Sequence s) return s.value();
        throw new IllegalArgumentException("not a sequence offset: " + envelope.offset());
    }

    /** A host's event ({@code host|<name>}) names its {@code host} and no level; any other, its level. */
    public ObjectNode toJson(EventEnvelope envelope) {
        String pid = envelope.persistenceId();
        return zed.actors.host.HostEntity.host(pid).map(h -> toJson(offset(envelope), "host", h, envelope.event()))
                .orElseGet(() -> toJson(offset(envelope), level(pid), envelope.event()));
    }

    public ObjectNode toJson(long id, String level, Object event) {
        return toJson(id, "level", level, event);
    }

    /** @param origin {@code level}, or {@code host} for a host's event: it shadows a component of that name */
    private ObjectNode toJson(long id, String origin, String name, Object event) {
        ObjectNode o = mapper.createObjectNode();
        o.put("id", id);
        o.put(origin, name);
        o.put("type", type(event));
        JsonNode fields;
        try {
            fields = mapper.valueToTree(event);
        } catch (IllegalArgumentException e) {
            fields = null; // an event Jackson cannot write still shows up, with its id, level and type
        }
        if (fields instanceof ObjectNode f) {
            JsonNode revision = f.get("revision");
            if (revision != null && !revision.isNull()) o.set("revision", revision);
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                if (!RESERVED.contains(e.getKey()) && !DROPPED.contains(e.getKey()) && !e.getKey().equals(origin)) o.set(e.getKey(), e.getValue());
            }
        }
        return o;
    }
}
