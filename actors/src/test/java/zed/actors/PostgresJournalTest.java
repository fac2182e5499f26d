package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The journal in PostgreSQL, switched by configuration alone (the node's journal URL): a real node on a fresh
 * database creates the schema, converges a level with a real service, streams its events from the journal, and a new
 * node on the same database recovers the level and adopts the running service.
 *
 * <p>{@code ZED_TEST_POSTGRES_URL} is a JDBC URL with user and password
 * ({@code jdbc:postgresql://127.0.0.1:5432/zed?user=zed&password=zed}) of a role that may create databases; each run
 * makes its own database beside the URL's, and drops it. Unset, the test skips; with {@code ZED_REQUIRE_POSTGRES=1}
 * (CI sets it) it fails instead.
 */
class PostgresJournalTest {
    static final Duration AWAIT = Duration.ofSeconds(60);

    @TempDir
    Path state;
    TestDatabase db;
    String journalUrl;
    TestNode node;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void freshDatabase() throws Exception {
        db = TestDatabase.fresh();
        journalUrl = db.url;
    }

    @AfterEach
    void dropDatabase() throws Exception {
        try {
            if (node != null) node.close();
        } finally {
            if (db != null) db.close();
        }
    }

    List<String> query(String sql) throws Exception {
        return db.query(sql);
    }

    List<String> tables() throws Exception {
        return query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name");
    }

    /** The processes running the test's service for {@code port}, from their full command lines in /proc. */
    static List<Long> servicesOnPort(int port) {
        String tail = "zed.actors.TinyHttp\0" + port + "\0";
        return ProcessHandle.allProcesses().map(ProcessHandle::pid).filter(p -> {
            try {
                return new String(Files.readAllBytes(Path.of("/proc", String.valueOf(p), "cmdline")), java.nio.charset.StandardCharsets.UTF_8).endsWith(tail);
            } catch (java.io.IOException gone) {
                return false;
            }
        }).toList();
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /**
     * A dataset, and a real HTTP service with a health check. The service keeps its stamps on its implicit dataset:
     * on a declared one it would share {@code com.zed:spec-hash} with the dataset's own stamp, and a new node would
     * restart it instead of adopting it (a reconciler bug, not the journal's).
     */
    String level(int port) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                dataset "apps/data" {}
                service "exec" "web" {
                  runtime { cmd = ["%s", "-cp", "%s", "zed.actors.TinyHttp", "%d"] }
                  health "http" {
                    url      = "http://127.0.0.1:%d/health"
                    interval = "300ms"
                    timeout  = "300ms"
                  }
                  print = "http://127.0.0.1:%d/"
                }
                """.formatted(java, System.getProperty("java.class.path"), port, port, port);
    }

    /** The level's service, as the status shows it. */
    static JsonNode web(JsonNode status) {
        for (JsonNode r : status.path("resources")) if (r.get("name").asText().equals("service.exec.web")) return r;
        return null;
    }

    JsonNode convergedWithService() throws Exception {
        return node.await("shop", s -> s.path("state").asText().equals("Converged") && web(s) != null && web(s).path("pid").asLong() > 0,
                "shop to converge with its service running");
    }

    @Test
    void aNodeJournalsToPostgresAndANewNodeRecoversFromIt() throws Exception {
        assertEquals(List.of(), tables(), "a fresh database");
        node = TestNode.start(state, journalUrl);
        assertTrue(tables().containsAll(List.of("event_journal", "event_tag", "snapshot")), "the first start created the schema: " + tables());

        int port = freePort();
        TestNode.Answer put = node.push("shop", "project", null, level(port));
        assertEquals(200, put.status(), String.valueOf(put.body()));
        assertEquals(1, put.body().get("revision").asLong());
        assertTrue(put.body().get("changed").asBoolean());
        JsonNode converged = convergedWithService();
        JsonNode web = web(converged);
        assertEquals("passed", web.get("gate").asText());
        assertEquals("Healthy", web.get("health").asText());
        assertEquals("http://127.0.0.1:" + port + "/", web.get("print").asText());
        long pid = web.get("pid").asLong();
        String page = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(page.startsWith("ok"), page);

        // the events are in PostgreSQL, and nowhere else
        assertFalse(query("SELECT count(*) FROM event_journal WHERE persistence_id = 'level|shop'").get(0).equals("0"));
        assertFalse(Files.exists(state.resolve("journal")), "no H2 journal beside it");

        List<Event> streamed = eventsUntilConverged(node.port());
        assertEquals(List.of("SpecAccepted", "ConvergeStarted"), streamed.subList(0, 2).stream().map(Event::type).toList(), streamed.toString());
        assertTrue(streamed.stream().allMatch(e -> e.revision() == 1), streamed.toString());
        long last = streamed.get(streamed.size() - 1).id();
        assertEquals(query("SELECT ordering FROM event_journal WHERE persistence_id = 'level|shop' AND ordering <= " + last + " ORDER BY ordering"),
                streamed.stream().map(e -> String.valueOf(e.id())).toList(), "the stream is the journal, in order");

        node.stopNodeOnly();
        assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "stopping the node leaves its service running");

        node.restart(); // a new node on the same database: its schema is there already
        JsonNode after = convergedWithService();
        assertEquals(1, after.get("revision").asLong(), "recovered from the journal");
        assertEquals(1, after.get("desiredRevision").asLong());
        assertEquals(1, after.get("stableRevision").asLong());
        assertEquals(pid, web(after).get("pid").asLong(), "the running service was adopted");
        assertEquals(List.of(pid), servicesOnPort(port), "not started twice");
        assertEquals(List.of("1"), query("SELECT count(*) FROM event_journal WHERE persistence_id = 'level|shop' AND event_ser_manifest LIKE '%SpecAccepted'"),
                "no new revision");
        assertEquals(streamed, eventsUntilConverged(node.port()), "the new node streams the same events");
    }

    // ---- the event stream, as a client reads it --------------------------------------------------------------------

    record Event(long id, String type, long revision) {
    }

    /** {@code GET /v1/events?level=shop} from the start, up to and including the first Converged. */
    List<Event> eventsUntilConverged(int port) throws Exception {
        HttpRequest req = Api.get(port, state, "/v1/events?level=shop").timeout(Duration.ofDays(1)).build();
        HttpResponse<Stream<String>> r = http.send(req, HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        BlockingQueue<String> data = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                r.body().filter(l -> l.startsWith("data:") && l.length() > 5).forEach(l -> data.add(l.substring(5).strip()));
            } catch (RuntimeException closed) {
                // closing the stream ends the read
            }
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        try {
            List<Event> seen = new ArrayList<>();
            long deadline = System.nanoTime() + AWAIT.toNanos();
            while (true) {
                String line = data.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                if (line == null) throw new AssertionError("no Converged event within " + AWAIT + "; seen " + seen);
                JsonNode e = node.json.readTree(line);
                seen.add(new Event(e.get("id").asLong(), e.get("type").asText(), e.path("revision").asLong(-1)));
                if (e.get("type").asText().equals("Converged")) return seen;
            }
        } finally {
            r.body().close();
        }
    }
}
