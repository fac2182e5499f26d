package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import zed.actors.http.EventJson;
import zed.actors.level.LevelEntity;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** The JSON of /v1/events is generic over event records: a record nobody told it about comes out whole. */
class EventsJsonTest {
    static ActorTestKit kit;
    static EventJson json;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create();
        json = EventJson.of(kit.system());
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    /** An event type of the future: bulky fields, a time, a nested value, and names that clash with the envelope's. */
    record SomethingNew(String why, long revision, String source, String specJson, Instant at, Map<String, Integer> ports, String level, String type) {
    }

    record NoRevision(long from, long to) {
    }

    static List<String> names(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void anyRecordBecomesOneLineWithTheEnvelopeFirst() {
        ObjectNode o = json.toJson(42, "infra/shop", new SomethingNew("a\nb", 7, "level {}", "{}", Instant.parse("2025-01-02T03:04:05Z"),
                Map.of("web", 8080), "not-this", "nor-this"));
        assertEquals(List.of("id", "level", "type", "revision", "why", "at", "ports"), names(o));
        assertEquals(42, o.get("id").asLong());
        assertEquals("infra/shop", o.get("level").asText(), "the envelope's level wins");
        assertEquals("SomethingNew", o.get("type").asText());
        assertEquals(7, o.get("revision").asLong());
        assertEquals("2025-01-02T03:04:05Z", o.get("at").asText(), "times as ISO strings, as the journal's mapper writes them");
        assertEquals(8080, o.get("ports").get("web").asInt());
        assertFalse(o.toString().contains("\n"), o.toString());
    }

    @Test
    void anEventWithoutARevisionHasNone() {
        ObjectNode o = json.toJson(3, "shop", new NoRevision(2, 1));
        assertEquals(List.of("id", "level", "type", "from", "to"), names(o));
    }

    @Test
    void theLevelEntitysEventsLoseTheirBulkyFields() {
        ObjectNode o = json.toJson(1, "shop", new zed.actors.level.LevelEvent.LevelStopped(4));
        assertEquals("{\"id\":1,\"level\":\"shop\",\"type\":\"LevelStopped\",\"revision\":4}", o.toString());
        assertEquals("shop", EventJson.level("level|shop"));
        assertEquals("infra/shop", EventJson.level("level|infra/shop"));
    }

    @Test
    void aHostsEventNamesItsHostAndNoLevel() {
        var lost = new zed.actors.host.HostEvent.GpuLost("GPU-aaaa", "NVIDIA A10", "nvidia", 0, 24576, "550.54.15", Instant.parse("2026-12-05T12:00:00Z"));
        ObjectNode o = json.toJson(org.apache.pekko.persistence.query.EventEnvelope.apply(org.apache.pekko.persistence.query.Offset.sequence(9),
                "host|gpu1", 3, lost, 0L, scala.Option.empty()));
        assertEquals("{\"id\":9,\"host\":\"gpu1\",\"type\":\"GpuLost\",\"uuid\":\"GPU-aaaa\",\"name\":\"NVIDIA A10\",\"vendor\":\"nvidia\","
                + "\"index\":0,\"vramMb\":24576,\"driver\":\"550.54.15\",\"at\":\"2026-12-05T12:00:00Z\"}", o.toString());
        assertEquals("shop", json.toJson(org.apache.pekko.persistence.query.EventEnvelope.apply(org.apache.pekko.persistence.query.Offset.sequence(10),
                "level|shop", 1, new zed.actors.level.LevelEvent.LevelStopped(4), 0L, scala.Option.empty())).get("level").asText());
    }

    @Test
    void aHostsKnownGpusComeBackFromTheirJsonAsTheyWere() throws Exception {
        // a snapshot of the host's journal is written with the jackson-json mapper
        var mapper = org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider.get(kit.system()).getOrCreate("jackson-json", java.util.Optional.empty());
        var known = zed.actors.host.HostGpus.empty().apply(new zed.actors.host.HostEvent.GpuFound("GPU-aaaa", "NVIDIA A10", "nvidia", 0, 24576, "550.54.15", false,
                Instant.parse("2026-12-05T12:00:00Z")));
        assertEquals(known, mapper.readValue(mapper.writeValueAsString(known), zed.actors.host.HostGpus.class));
    }
}
