package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.http.EventPublisher;
import zed.actors.http.PublishedEvent;
import zed.actors.level.LevelEntity;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /v1/events} and the EventStream publisher on a real node over real HTTP. The level events that
 * convergence adds (ConvergeStarted, Converged, ...) may interleave with the pushes' SpecAccepted: the tests look
 * for what they need and compare whole sequences where order matters, so they hold whichever events a push causes.
 */
class EventsTest {
    static final Duration AWAIT = Duration.ofSeconds(30);

    @TempDir
    Path state;
    ZedNode node;
    final HttpClient http = HttpClient.newHttpClient();
    final ObjectMapper json = new ObjectMapper();
    final List<Sse> streams = new ArrayList<>();

    @BeforeAll
    static void shortHeartbeats() {
        System.setProperty("zed.events.keep-alive", "300ms"); // the node's config falls back to ConfigFactory.load()
        ConfigFactory.invalidateCaches();
    }

    @AfterAll
    static void defaultHeartbeats() {
        System.clearProperty("zed.events.keep-alive");
        ConfigFactory.invalidateCaches();
    }

    @AfterEach
    void stop() throws Exception {
        streams.forEach(Sse::close);
        if (node == null) return;
        for (JsonNode id : call("GET", "/v1/levels").get("levels")) send("DELETE", "/v1/levels/" + id.asText(), null);
        node.close();
    }

    void start() {
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0).withTelemetry(zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
    }

    void restart() {
        streams.forEach(Sse::close);
        node.close();
        node = null;
        start();
    }

    // ---- plain calls ---------------------------------------------------------------------------------------------

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(Api.request(node.httpPort(), state, method, path, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    JsonNode call(String method, String path) throws Exception {
        return json.readTree(send(method, path, null).body());
    }

    /** Pushes a level with no resources; {@code n} changes the source, so each n is a new revision. */
    long push(String level, String parent, int n) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("source", (parent == null ? "level \"" + level + "\" {}\n" : "") + "# change " + n + "\n");
        body.put("dir", state.resolve("project").resolve(level).toString());
        if (parent != null) body.put("parent", parent);
        HttpResponse<String> r = send("PUT", "/v1/levels/" + level, json.writeValueAsString(body));
        assertEquals(200, r.statusCode(), r.body());
        JsonNode a = json.readTree(r.body());
        assertEquals(level, a.get("level").asText());
        return a.get("revision").asLong();
    }

    // ---- a server-sent event client ------------------------------------------------------------------------------

    /** One SSE message as it came over the wire; a heartbeat has no id, no event type and empty data. */
    record Msg(String id, String event, String data) {
        boolean heartbeat() {
            return id == null && event == null && data.isEmpty();
        }
    }

    /** A parsed level event. */
    record Ev(long id, String type, String level, JsonNode data) {
        long revision() {
            return data.path("revision").asLong(-1);
        }
    }

    final class Sse implements AutoCloseable {
        private static final String EOF = new String("end of stream");
        final HttpResponse<Stream<String>> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        Sse(String path, String lastEventId) throws Exception {
            HttpRequest.Builder b = Api.get(node.httpPort(), state, path).timeout(Duration.ofDays(1));
            if (lastEventId != null) b.header("Last-Event-ID", lastEventId);
            response = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofLines());
            streams.add(this);
            if (response.statusCode() != 200) return;
            Thread reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException closed) {
                    // closing the stream ends the read
                } finally {
                    lines.add(EOF);
                }
            }, "sse-reader");
            reader.setDaemon(true);
            reader.start();
        }

        int status() {
            return response.statusCode();
        }

        String body() {
            return response.body().collect(Collectors.joining("\n"));
        }

        /** The next message, heartbeats included; fails past the deadline or at the end of the stream. */
        Msg next(Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            String id = null, event = null;
            StringBuilder data = null;
            while (true) {
                String line = lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) throw new AssertionError("no server-sent event within " + timeout);
                if (line == EOF) throw new AssertionError("the event stream ended");
                if (line.isEmpty()) {
                    if (id == null && event == null && data == null) continue;
                    return new Msg(id, event, data == null ? "" : data.toString());
                }
                int colon = line.indexOf(':');
                if (colon == 0) continue; // a comment
                String field = colon < 0 ? line : line.substring(0, colon);
                String value = colon < 0 ? "" : line.substring(colon + 1);
                if (value.startsWith(" ")) value = value.substring(1);
                switch (field) {
                    case "id" -> id = value;
                    case "event" -> event = value;
                    case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                    default -> {
                    }
                }
            }
        }

        /** The next level event, heartbeats skipped; checks the id line and the event line against the data. */
        Ev event() throws Exception {
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (true) {
                Msg m = next(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
                if (m.heartbeat()) continue;
                assertFalse(m.data().contains("\n"), "the data is one line: " + m.data());
                JsonNode d = json.readTree(m.data());
                assertNotNull(m.id(), m.toString());
                assertEquals(m.id(), d.get("id").asText(), "the SSE id is the data's id");
                assertEquals(m.event(), d.get("type").asText(), "the SSE event is the data's type");
                return new Ev(Long.parseLong(m.id()), m.event(), d.path("level").asText(), d);
            }
        }

        /** Events up to and including the first one that matches. */
        List<Ev> until(Predicate<Ev> last) throws Exception {
            List<Ev> seen = new ArrayList<>();
            while (true) {
                Ev e = event();
                seen.add(e);
                if (last.test(e)) return seen;
            }
        }

        @Override
        public void close() {
            if (response.statusCode() == 200) response.body().close();
        }
    }

    Sse sse(String path) throws Exception {
        return new Sse(path, null);
    }

    static Predicate<Ev> accepted(String level, long revision) {
        return e -> e.type().equals("SpecAccepted") && e.level().equals(level) && e.revision() == revision;
    }

    static void assertIncreasing(List<Ev> events) {
        for (int i = 1; i < events.size(); i++) {
            assertTrue(events.get(i).id() > events.get(i - 1).id(), "ids increase: " + events);
        }
    }

    // ---- tests ---------------------------------------------------------------------------------------------------

    @Test
    void aPushIsASpecAcceptedEventWithItsLevelAndRevision() throws Exception {
        start();
        Sse s = sse("/v1/events");
        assertEquals(200, s.status());
        assertEquals("text/event-stream", s.response.headers().firstValue("content-type").orElse("").split(";")[0]);
        assertEquals(1, push("shop", null, 1));
        List<Ev> seen = s.until(accepted("shop", 1));
        Ev e = seen.get(seen.size() - 1);
        // the journal's first row is the placement of the level (the cluster's placement table), then the level's own
        assertEquals(2, e.id(), "the first event of a level in a new journal has ordering 2, after its placement");
        JsonNode d = e.data();
        assertEquals("shop", d.get("level").asText());
        assertEquals("SpecAccepted", d.get("type").asText());
        assertEquals(1, d.get("revision").asLong());
        assertTrue(d.get("hash").asText().matches("[0-9a-f]{16}"), d.toString());
        assertEquals("Zedfile", d.get("filename").asText());
        assertFalse(d.has("source"), "no Zedfile text: " + d);
        assertFalse(d.has("specJson"), "no resolved spec: " + d);
        assertEquals(List.of("id", "level", "type", "revision"), fieldNames(d).subList(0, 4));
    }

    static List<String> fieldNames(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void levelFiltersToThatLevelAndChildrenAddsTheLevelsBeneath() throws Exception {
        start();
        push("shop", null, 1);
        push("infra", null, 1);
        push("infrastructure", null, 1); // shares a prefix with infra but is no child of it
        push("infra/web", "infra", 1);
        push("infra", null, 2);
        push("shop", null, 2);

        List<Ev> shop = sse("/v1/events?level=shop").until(accepted("shop", 2));
        assertTrue(shop.stream().allMatch(e -> e.level().equals("shop")), shop.toString());
        assertEquals(List.of(1L, 2L), shop.stream().filter(e -> e.type().equals("SpecAccepted")).map(Ev::revision).toList());
        assertIncreasing(shop);

        List<Ev> infra = sse("/v1/events?level=infra").until(accepted("infra", 2));
        assertTrue(infra.stream().allMatch(e -> e.level().equals("infra")), infra.toString());

        List<Ev> tree = sse("/v1/events?level=infra&children=true").until(accepted("infra", 2));
        Set<String> levels = tree.stream().map(Ev::level).collect(Collectors.toSet());
        assertEquals(Set.of("infra", "infra/web"), levels, tree.toString());

        List<Ev> all = sse("/v1/events").until(accepted("shop", 2));
        assertEquals(Set.of("shop", "infra", "infrastructure", "infra/web"), all.stream().map(Ev::level).collect(Collectors.toSet()));
        assertEquals(all.stream().filter(e -> e.level().equals("shop")).toList(), shop, "the filtered stream is the whole one, filtered");

        for (String bad : List.of("/v1/events?level=../etc", "/v1/events?level=shop&children=maybe", "/v1/events?children=true")) {
            Sse r = sse(bad);
            assertEquals(400, r.status(), bad);
            assertTrue(json.readTree(r.body()).get("errors").get(0).get("message").asText().length() > 0, bad);
        }
    }

    @Test
    void lastEventIdResumesStrictlyAfterThatEvent() throws Exception {
        start();
        push("shop", null, 1);
        push("shop", null, 2);
        push("shop", null, 3);
        List<Ev> whole;
        try (Sse first = sse("/v1/events")) {
            whole = first.until(accepted("shop", 3));
        }
        assertIncreasing(whole);
        assertTrue(whole.size() >= 3, whole.toString());
        // read two, drop the connection, come back with the second's id
        Sse again = new Sse("/v1/events", Long.toString(whole.get(1).id()));
        assertEquals(200, again.status());
        List<Ev> rest = new ArrayList<>();
        for (int i = 2; i < whole.size(); i++) rest.add(again.event());
        assertEquals(whole.subList(2, whole.size()), rest, "nothing skipped, nothing repeated");

        // while disconnected nothing is lost either: the next push arrives after the last id seen
        again.close();
        long lastSeen = rest.get(rest.size() - 1).id();
        push("shop", null, 4);
        List<Ev> after = new Sse("/v1/events", Long.toString(lastSeen)).until(accepted("shop", 4));
        assertTrue(after.get(0).id() > lastSeen, after.toString());
        assertIncreasing(after);

        for (String bad : List.of("abc", "-1", "1.5", "99999999999999999999")) {
            Sse r = new Sse("/v1/events", bad);
            assertEquals(400, r.status(), bad);
            assertEquals("application/json", r.response.headers().firstValue("content-type").orElse("").split(";")[0]);
            assertTrue(json.readTree(r.body()).get("errors").get(0).get("message").asText().contains("Last-Event-ID"), bad);
        }
    }

    @Test
    void aHostsGpuEventsNameTheHostAndNoLevelAndOnlyItsHostFilterHasThem() throws Exception {
        start();
        // a second host's journal in this node (its GPUs as an inventory would tell them): the journal, query and route are real
        var gpus = node.system().systemActorOf(zed.actors.host.HostEntity.create("t1", 1000), "t1-host-events", org.apache.pekko.actor.typed.Props.empty());
        zed.reconciler.gpu.Gpu a10 = new zed.reconciler.gpu.Gpu(0, "nvidia", "NVIDIA A10", 24576, "550.54.15", "GPU-aaaa", zed.reconciler.gpu.Gpu.Source.NVIDIA_SMI);
        gpus.tell(new zed.actors.host.HostEntity.Seen(List.of(a10)));
        gpus.tell(new zed.actors.host.HostEntity.Seen(List.of(a10))); // the same GPU again: nothing more
        gpus.tell(new zed.actors.host.HostEntity.Seen(List.of()));

        List<Ev> host = sse("/v1/events?host=t1").until(e -> e.type().equals("GpuLost"));
        assertEquals(List.of("GpuFound", "GpuLost"), host.stream().map(Ev::type).toList());
        for (Ev e : host) {
            assertEquals("t1", e.data().path("host").asText(), e.toString());
            assertFalse(e.data().has("level"), e.toString());
            assertEquals("GPU-aaaa", e.data().path("uuid").asText(), e.toString());
        }
        // journaled after the host's: a stream that reaches it has passed them
        push("shop", null, 1);
        List<Ev> shop = sse("/v1/events?level=shop").until(accepted("shop", 1));
        assertTrue(shop.stream().allMatch(e -> e.level().equals("shop")), "?level= leaves hosts' events out: " + shop);
        List<Ev> all = sse("/v1/events").until(accepted("shop", 1));
        assertEquals(host, all.stream().filter(e -> e.data().has("host") && !e.data().has("level")).toList(), "without a filter: every event");

        for (String bad : List.of("?host=t1&level=shop", "?host=-t1")) {
            Sse r = sse("/v1/events" + bad);
            assertEquals(400, r.status(), bad);
            assertTrue(json.readTree(r.body()).get("errors").get(0).get("message").asText().contains("?host="), bad);
        }
    }

    @Test
    void aJournaledEventIsAHeartbeatAtOnceToTheStreamsThatWantItsLevel() throws Exception {
        System.setProperty("zed.events.keep-alive", "10m"); // any heartbeat seen here is a level's journaled event
        ConfigFactory.invalidateCaches();
        try {
            start();
        } finally {
            shortHeartbeats();
        }
        Sse shop = sse("/v1/events?level=shop");
        Sse other = sse("/v1/events?level=other");
        assertEquals(1, push("shop", null, 1));
        assertTrue(shop.next(AWAIT).heartbeat(), "the push's events are journaled: a heartbeat comes before the journal's next poll");
        assertEquals("SpecAccepted", shop.event().type(), "then the event itself");
        assertThrows(AssertionError.class, () -> other.next(Duration.ofSeconds(2)), "nothing for a level that journaled nothing");
    }

    @Test
    void anIdleStreamGetsHeartbeats() throws Exception {
        start();
        Sse s = sse("/v1/events?level=nothing-here");
        assertEquals(200, s.status());
        for (int i = 0; i < 3; i++) {
            Msg m = s.next(AWAIT);
            assertTrue(m.heartbeat(), "only heartbeats on an idle stream: " + m);
        }
    }

    @Test
    void aRestartedNodeServesTheOldEventsFromTheJournal() throws Exception {
        start();
        push("shop", null, 1);
        push("shop", null, 2);
        List<Ev> before = sse("/v1/events").until(accepted("shop", 2));
        restart();
        List<Ev> replayed = new ArrayList<>();
        Sse s = sse("/v1/events");
        for (int i = 0; i < before.size(); i++) replayed.add(s.event());
        assertEquals(before, replayed, "the same events with the same ids");
        // and resuming across the restart skips nothing
        Sse resumed = new Sse("/v1/events", Long.toString(before.get(0).id()));
        List<Ev> tail = new ArrayList<>();
        for (int i = 1; i < before.size(); i++) tail.add(resumed.event());
        assertEquals(before.subList(1, before.size()), tail);
        push("shop", null, 3);
        Ev third = resumed.until(accepted("shop", 3)).get(0);
        assertTrue(third.id() > before.get(before.size() - 1).id());
    }

    @Test
    void eventStreamSubscribersInTheSameJvmGetTheEvents() throws Exception {
        start();
        TestProbe<PublishedEvent> probe = TestProbe.create(node.system());
        node.system().eventStream().tell(new EventStream.Subscribe<>(PublishedEvent.class, probe.ref()));
        push("shop", null, 1);
        List<PublishedEvent> got = awaitPublished(probe, "shop", 1);
        PublishedEvent p = got.get(got.size() - 1);
        assertEquals("shop", p.level());
        assertTrue(p.event() instanceof zed.actors.level.LevelEvent.SpecAccepted, p.toString());
        assertEquals(1, p.data().get("revision").asLong());
        assertFalse(p.data().has("source"));
        List<Ev> overHttp = sse("/v1/events").until(accepted("shop", 1));
        assertEquals(overHttp.stream().map(Ev::id).toList(), got.stream().map(PublishedEvent::id).toList(), "the same events as on /v1/events");
        assertEquals(overHttp.get(overHttp.size() - 1).data(), json.readTree(p.data().toString()), "the same JSON as on /v1/events");

        // a restarted node publishes what happens from then on, not its history again
        restart();
        TestProbe<PublishedEvent> after = TestProbe.create(node.system());
        node.system().eventStream().tell(new EventStream.Subscribe<>(PublishedEvent.class, after.ref()));
        push("shop", null, 2);
        List<PublishedEvent> since = awaitPublished(after, "shop", 2);
        assertTrue(since.stream().allMatch(e -> e.id() > p.id()), "nothing from before the restart: " + since);
    }

    @Test
    void aPublisherStartingOnAJournalWithHistoryPublishesOnlyWhatFollows() throws Exception {
        start();
        push("shop", null, 1);
        List<Ev> history = sse("/v1/events").until(accepted("shop", 1));
        // a second actor system on the same journal, as a restarted node is: its subscriber is there before it starts
        Config local = ConfigFactory.parseString("pekko.actor.provider = local").withFallback(node.system().settings().config());
        ActorSystem<Void> other = ActorSystem.create(Behaviors.empty(), "zed-events-test", local);
        try {
            TestProbe<PublishedEvent> probe = TestProbe.create(other);
            other.eventStream().tell(new EventStream.Subscribe<>(PublishedEvent.class, probe.ref()));
            EventPublisher publisher = EventPublisher.start(other);
            assertTrue(publisher.lastEventId() >= history.get(history.size() - 1).id(), "it starts after the journal's newest event");
            assertSame(publisher, EventPublisher.start(other), "one per actor system");
            push("shop", null, 2);
            List<PublishedEvent> got = awaitPublished(probe, "shop", 2);
            assertTrue(got.stream().allMatch(e -> e.id() > history.get(history.size() - 1).id()), "no history: " + got);
        } finally {
            ActorTestKit.shutdown(other, Duration.ofSeconds(30));
        }
    }

    /** What the probe receives up to and including SpecAccepted(level, revision). */
    static List<PublishedEvent> awaitPublished(TestProbe<PublishedEvent> probe, String level, long revision) {
        long deadline = System.nanoTime() + AWAIT.toNanos();
        List<PublishedEvent> got = new ArrayList<>();
        while (true) {
            PublishedEvent p = probe.receiveMessage(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
            got.add(p);
            if (p.type().equals("SpecAccepted") && p.level().equals(level) && p.data().get("revision").asLong() == revision) return got;
        }
    }
}
