package zed.actors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import zed.actors.job.CheckpointEndpoint;
import zed.actors.job.CheckpointToken;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real node on the real zfs-fuse pool, its checkpoint endpoint called over loopback HTTP as a job calls it (no API
 * token): each checkpoint is a snapshot with its properties as {@code zfs get} shows them, the oldest beyond keep go,
 * a closed URL is a 404, the API's guards still apply, JobCheckpointed is on /v1/events, the token is in no log line
 * (the node logs at DEBUG here), and the Python example of docs/gpu.md checkpoints, answers SIGUSR1 and resumes.
 */
class CheckpointNodeTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path state;
    TestNode node;
    ZfsRoot zfs;
    ListAppender<ILoggingEvent> log;
    final List<Appender<ILoggingEvent>> detached = new ArrayList<>();
    Level rootLevel;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        zfs = ZfsRoot.fresh();
        // every line the node logs, down to DEBUG (pekko's too), kept here rather than on the console
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        rootLevel = root.getLevel();
        for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) detached.add(it.next());
        detached.forEach(root::detachAppender);
        log = new ListAppender<>();
        log.start();
        root.addAppender(log);
        root.setLevel(Level.DEBUG);
        ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.DEBUG);
        System.setProperty("pekko.loglevel", "DEBUG");
        // the config library caches system properties from the first node this JVM started (another test's)
        com.typesafe.config.ConfigFactory.invalidateCaches();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (node != null) node.close();
        } finally {
            System.clearProperty("pekko.loglevel");
            com.typesafe.config.ConfigFactory.invalidateCaches();
            Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
            root.detachAppender(log);
            detached.forEach(root::addAppender);
            root.setLevel(rootLevel);
            ((Logger) LoggerFactory.getLogger("org.apache.pekko")).setLevel(Level.WARN);
            if (zfs != null) zfs.close();
        }
    }

    record Answer(int status, JsonNode body) {
    }

    Answer post(String url, String contentType, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) b.header("Content-Type", contentType);
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
    }

    Answer checkpoint(String url, String body) throws Exception {
        return post(url, "application/json", body);
    }

    static String zfsGet(String property, String target) throws Exception {
        return ZfsNodeTest.zfsGet(property, target);
    }

    /** The dataset's snapshots, oldest first, as {@code zfs list} shows them. */
    static List<String> snapshots(String dataset) throws Exception {
        List<String> out = new ArrayList<>();
        for (String l : ZfsNodeTest.run("zfs", "list", "-H", "-t", "snapshot", "-o", "name", "-s", "createtxg", "-r", dataset).split("\n")) {
            if (l.startsWith(dataset + "@")) out.add(l.substring(dataset.length() + 1));
        }
        return out;
    }

    static String token(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    @Test
    void aJobCheckpointsIntoSnapshotsOverHttpWithItsOwnTokenOnly() throws Exception {
        String root = zfs.root();
        node = TestNode.start(state);
        assertEquals(200, node.push("lab", "lab", null, """
                level "lab" {
                  pool = "%s"
                }
                dataset "train" {}
                dataset "py" {}
                """.formatted(root)).status());
        node.converged("lab", 1);
        String dataset = root + "/train";
        List<String> tokens = new ArrayList<>();

        List<CheckpointEndpoint.Taken> taken = java.util.Collections.synchronizedList(new ArrayList<>());
        CheckpointEndpoint.Run run = node.node().checkpoints().in(zfs.store()).open(new CheckpointEndpoint.JobKey("lab", "train"), dataset, 2, taken::add);
        String url = run.url();
        tokens.add(token(url));
        assertTrue(url.matches("http://127\\.0\\.0\\.1:" + node.port() + "/v1/checkpoints/[A-Za-z0-9_-]{43}"), url);

        // three checkpoints with metrics: each a snapshot with its step and metrics; keep = 2
        Answer a = checkpoint(url, "{\"step\": 100, \"metrics\": {\"loss\": 0.5, \"acc\": 0.25}}");
        assertEquals(201, a.status(), String.valueOf(a.body()));
        assertEquals(JSON.readTree("{\"snapshot\":\"" + dataset + "@ckpt-100\",\"step\":100}"), a.body());
        assertEquals("100", zfsGet("com.zed:ckpt.step", dataset + "@ckpt-100"));
        assertEquals("0.5", zfsGet("com.zed:metric.loss", dataset + "@ckpt-100"));
        assertEquals("0.25", zfsGet("com.zed:metric.acc", dataset + "@ckpt-100"));
        assertEquals(201, checkpoint(url, "{\"step\": 200, \"metrics\": {\"loss\": 0.0023}}").status());
        assertEquals(List.of("ckpt-100", "ckpt-200"), snapshots(dataset));
        assertEquals(201, checkpoint(url, "{\"step\": 300, \"metrics\": {\"loss\": 0.001}}").status());
        assertEquals(List.of("ckpt-200", "ckpt-300"), snapshots(dataset), "keep = 2: the oldest checkpoint is destroyed");
        assertEquals("300", zfsGet("com.zed:ckpt.step", dataset + "@ckpt-300"));
        assertEquals("0.001", zfsGet("com.zed:metric.loss", dataset + "@ckpt-300"));
        assertEquals("-", zfsGet("com.zed:metric.acc", dataset + "@ckpt-300"), "only the metrics posted with it");
        assertEquals(3, taken.size());

        // refused: a step not after the last, a body that is no checkpoint; nothing is taken
        Answer late = checkpoint(url, "{\"step\": 300}");
        assertEquals(400, late.status());
        assertEquals("step 300 is not after the last checkpoint's, 300: a step grows with each checkpoint", late.body().get("error").asText());
        assertEquals(400, checkpoint(url, "{\"step\": 400, \"metrics\": {\"Loss\": 1}}").status());
        // the API's guards: JSON only, the node's own origin, a bounded body
        Answer plain = post(url, null, "{\"step\": 400}");
        assertEquals(415, plain.status(), String.valueOf(plain.body()));
        assertEquals(415, post(url, "text/plain", "{\"step\": 400}").status());
        assertEquals(403, post(url, "application/json", "{\"step\": 400}", "Origin", "http://evil.example").status());
        Answer big = checkpoint(url, "{\"step\": 400, \"metrics\": {\"loss\": 1}, \"pad\": \"" + "x".repeat(70 * 1024) + "\"}");
        assertEquals(413, big.status(), String.valueOf(big.body()));
        assertTrue(big.body().get("error").asText().contains("65536"), big.body().toString());
        assertEquals(List.of("ckpt-200", "ckpt-300"), snapshots(dataset));

        // JobCheckpointed on the level's event stream
        JsonNode e = node.event("lab", ev -> ev.get("type").asText().equals("JobCheckpointed") && ev.get("step").asLong() == 300);
        assertEquals("train", e.get("job").asText());
        assertEquals(dataset + "@ckpt-300", e.get("snapshot").asText());
        assertEquals(0.001, e.get("metrics").get("loss").asDouble());
        assertEquals("lab", e.get("level").asText());

        // closed: the URL is a 404, as one never issued, with nothing that tells them apart
        run.close();
        Answer closed = checkpoint(url, "{\"step\": 400}");
        assertEquals(404, closed.status());
        Answer never = checkpoint("http://127.0.0.1:" + node.port() + CheckpointToken.PATH + CheckpointToken.generate(), "{\"step\": 400}");
        assertEquals(404, never.status());
        assertEquals(closed.body(), never.body());
        assertEquals(List.of("ckpt-200", "ckpt-300"), snapshots(dataset));

        // the docs' example, run as a job would be: in its dataset, with its URL
        String py = root + "/py";
        Path script = state.resolve("checkpoint.py");
        Files.writeString(script, pythonExample());
        Path cwd = zfs.store().mountpoint(py);
        CheckpointEndpoint.Run first = node.node().checkpoints().in(zfs.store()).open(new CheckpointEndpoint.JobKey("lab", "py"), py, 5, t -> { });
        tokens.add(token(first.url()));
        Process p = python(script, cwd, first.url(), null);
        // once it has done a few steps, Zed asks it for a checkpoint. Its state file is looked for in the directory's
        // listing, never by name before it exists: FUSE (zfs-fuse) would keep the "no such file" for a while
        Path stateFile = cwd.resolve("state.json");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!listed(cwd, "state.json") || step(stateFile) < 3) {
            if (!p.isAlive()) throw new AssertionError("the example ended early: " + new String(p.getInputStream().readAllBytes()));
            assertTrue(System.nanoTime() < deadline, "the example wrote no state");
            Thread.sleep(20); // polling interval of a deadline wait
        }
        Process kill = new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).redirectErrorStream(true).start();
        if (kill.waitFor() != 0) throw new AssertionError("the example ended before SIGUSR1 (" + stateFile + " says step " + step(stateFile) + "): "
                + new String(p.getInputStream().readAllBytes()));
        assertEquals(0, exit(p), "the example exits 0 once it has done its 100 steps");
        first.close();
        List<String> pySnaps = snapshots(py);
        assertEquals(3, pySnaps.size(), "the one asked for, then steps 50 and 100: " + pySnaps);
        assertEquals(List.of("ckpt-50", "ckpt-100"), pySnaps.subList(1, 3));
        long asked = Long.parseLong(pySnaps.get(0).substring("ckpt-".length()));
        assertTrue(asked >= 3 && asked < 50, "the checkpoint SIGUSR1 asked for: " + pySnaps);
        assertEquals("0.01", zfsGet("com.zed:metric.loss", py + "@ckpt-100"));

        // a crash after step 50: the dataset is rolled back to ckpt-50 and the example resumes from there
        ZfsNodeTest.run("zfs", "rollback", "-r", py + "@ckpt-50");
        CheckpointEndpoint.Run resumed = node.node().checkpoints().in(zfs.store()).open(new CheckpointEndpoint.JobKey("lab", "py"), py, 5, t -> { });
        tokens.add(token(resumed.url()));
        assertEquals(0, exit(python(script, cwd, resumed.url(), "50")));
        resumed.close();
        assertEquals(List.of(pySnaps.get(0), "ckpt-50", "ckpt-100"), snapshots(py));
        assertEquals("100", zfsGet("com.zed:ckpt.step", py + "@ckpt-100"));

        // counted in the node's metrics (they show on /metrics at Kamon's next tick): the three, and the example's four
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String page;
        do {
            page = http.send(HttpRequest.newBuilder(node.node().telemetry().metricsUri()).build(), HttpResponse.BodyHandlers.ofString()).body();
            if (taken(page) == 7) break;
            Thread.sleep(100); // polling interval of a deadline wait
        } while (System.nanoTime() < until);
        assertEquals(7, taken(page), page);

        // no token in any line the node logged, down to DEBUG (the lines flushed: the node stopped)
        node.close();
        node = null;
        assertTrue(log.list.size() > 100, "the node's DEBUG lines were captured: " + log.list.size());
        for (ILoggingEvent line : List.copyOf(log.list)) {
            String text = line.getFormattedMessage() + (line.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(line.getThrowableProxy()));
            for (String t : tokens) assertFalse(text.contains(t), "a token in the log: " + line.getLoggerName() + ": " + text);
        }
    }

    /** {@code zed_checkpoints_total{level="lab", result="taken"}}, -1 when not exported. */
    static double taken(String page) {
        return page.lines().filter(l -> l.startsWith("zed_checkpoints_total{") && l.contains("level=\"lab\"") && l.contains("result=\"taken\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    Process python(Path script, Path cwd, String url, String resume) throws Exception {
        ProcessBuilder b = new ProcessBuilder("python3", script.toString()).directory(cwd.toFile()).redirectErrorStream(true);
        b.environment().put("ZED_CHECKPOINT_URL", url);
        if (resume == null) b.environment().remove("ZED_RESUME_STEP");
        else b.environment().put("ZED_RESUME_STEP", resume);
        return b.start();
    }

    static boolean listed(Path dir, String name) throws Exception {
        try (java.util.stream.Stream<Path> s = Files.list(dir)) {
            return s.anyMatch(f -> f.getFileName().toString().equals(name));
        }
    }

    /** The step in the example's state file; 0 while it is being written. */
    static int step(Path state) throws Exception {
        JsonNode n = JSON.readTree(Files.readString(state));
        return n == null || !n.has("step") ? 0 : n.get("step").asInt();
    }

    static int exit(Process p) throws Exception {
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, java.util.concurrent.TimeUnit.SECONDS), "the example did not end");
        if (p.exitValue() != 0) throw new AssertionError("the example failed: " + out);
        return p.exitValue();
    }

    /** The Python example of docs/gpu.md, as it is there (so that the docs cannot go out of date). */
    static String pythonExample() throws Exception {
        Path docs = Path.of("..", "docs", "gpu.md");
        if (!Files.exists(docs)) docs = Path.of("docs", "gpu.md");
        String md = Files.readString(docs);
        int mark = md.indexOf("<!-- checkpoint.py");
        assertTrue(mark >= 0, "docs/gpu.md marks its Python example");
        int start = md.indexOf("```python\n", mark) + "```python\n".length();
        int end = md.indexOf("```", start);
        return md.substring(start, end);
    }
}
