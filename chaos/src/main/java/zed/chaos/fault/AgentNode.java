package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A Zed node as an operator runs it, {@code bin/zed agent}, in a process of its own that a fault can kill with
 * SIGKILL and start again on the same state: its home, journal and pool stay. The API is on a free loopback port
 * (never 7700), metrics off; every call carries the token the node wrote.
 */
public final class AgentNode implements AutoCloseable {
    private static final ObjectMapper JSON = NodeCalls.JSON;

    private final Path bin;
    private final Path home;
    private final List<String> extra;
    private final List<String> launcher;
    private final String apiHost;
    private final Map<String, String> env;
    private final int port;
    private Process process;
    private int starts;

    /**
     * @param bin   {@code bin/zed}
     * @param extra more arguments of {@code zed agent} ({@code --pool}, {@code --journal})
     */
    public AgentNode(Path bin, Path home, List<String> extra) throws IOException {
        this(bin, home, extra, List.of(), "127.0.0.1", Map.of());
    }

    /**
     * @param launcher what the agent's command line runs under, e.g. {@code ip netns exec NS} (a host's network)
     * @param apiHost  where its API listens, and is called
     * @param env      more variables of its environment (e.g. {@code ZED_JAVA_OPTS})
     */
    public AgentNode(Path bin, Path home, List<String> extra, List<String> launcher, String apiHost, Map<String, String> env) throws IOException {
        this.bin = bin;
        this.home = home;
        this.extra = List.copyOf(extra);
        this.launcher = List.copyOf(launcher);
        this.apiHost = apiHost;
        this.env = Map.copyOf(env);
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
    }

    public Path home() {
        return home;
    }

    /** Its API: https:// beyond loopback, where the node serves it with its host's certificate (docs/security.md). */
    public String url() {
        boolean loopback;
        try {
            loopback = java.net.InetAddress.getByName(apiHost).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("not a host: " + apiHost, e);
        }
        return (loopback ? "http://" : "https://") + apiHost + ":" + port;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * The node's JVM: {@code bin/zed} itself once it has exec'd java, or the java it started; never a JVM below the
     * node's (its warden, a service), which a search of every descendant found first.
     */
    public long javaPid() {
        ProcessHandle self = process.toHandle();
        if (isJava(self)) return self.pid();
        return self.children().filter(AgentNode::isJava).map(ProcessHandle::pid).findFirst().orElse(process.pid());
    }

    private static boolean isJava(ProcessHandle h) {
        return h.info().command().orElse("").endsWith("/java");
    }

    /**
     * The node's threads now ({@code jcmd Thread.print}), kept in its home for a failure to point at: what a node that
     * stopped making progress waits for. Returns the file, or why there is none.
     */
    public String threadDump() {
        try {
            long javaPid = javaPid();
            Path out = home.resolve("threads-" + System.currentTimeMillis() + ".txt");
            Process jcmd = new ProcessBuilder("jcmd", Long.toString(javaPid), "Thread.print").redirectErrorStream(true)
                    .redirectOutput(out.toFile()).start();
            return jcmd.waitFor(30, java.util.concurrent.TimeUnit.SECONDS) && jcmd.exitValue() == 0 ? "threads in " + out : "jcmd failed, see " + out;
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "no thread dump: " + e;
        }
    }

    /** The end of agent.out, for a failure's message: the test's directory is gone when it is read. */
    private String lastWords() {
        try {
            String out = Files.readString(home.resolve("agent.out"));
            return out.substring(Math.max(0, out.length() - 3000));
        } catch (IOException e) {
            return "(no agent.out: " + e + ")";
        }
    }

    /** How many times it was started. */
    public int starts() {
        return starts;
    }

    /** Starts the node and returns once it answers its health check. Metrics are off unless {@code extra} says {@code --metrics}. */
    public AgentNode start() throws IOException, InterruptedException {
        return start(Map.of());
    }

    /**
     * Starts the first seed of a new cluster, while no other member runs: it forms the cluster after 1 s of no answer
     * from the other seeds, not Zed's 30 s (ZedNode's seed-node-timeout, there for a restart of the first host while
     * the others run, which this is not: nothing else could answer, so any wait is waited out). This start only; a
     * later {@link #start()} is as the operator's.
     */
    public AgentNode startFirstSeed() throws IOException, InterruptedException {
        String opts = (env.getOrDefault("ZED_JAVA_OPTS", "") + " -Dpekko.cluster.seed-node-timeout=1s").strip();
        return start(Map.of("ZED_JAVA_OPTS", opts));
    }

    private AgentNode start(Map<String, String> thisStart) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(launcher);
        argv.addAll(List.of(bin.toString(), "agent", "--listen", apiHost + ":" + port));
        if (!extra.contains("--metrics")) argv.add("--no-metrics");
        argv.addAll(extra);
        ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("agent.out").toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("ZED_HOME", home.toString());
        pb.environment().putAll(env);
        pb.environment().putAll(thisStart);
        Files.createDirectories(home);
        process = pb.start();
        starts++;
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            try {
                if (NodeCalls.client(url(), home).send(HttpRequest.newBuilder(URI.create(url() + "/v1/health")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) return this;
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive()) throw new IllegalStateException("the node exited at start; its last words: " + lastWords());
            if (System.nanoTime() > deadline) throw new IllegalStateException("the node did not answer within 3 minutes");
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    /** Whether the node's process still runs. */
    public boolean alive() {
        return process != null && process.isAlive();
    }

    /** The node's exit code, once it has exited. */
    public int exitCode() {
        return process.exitValue();
    }

    /** SIGKILL: the node gets no chance to stop anything; its services keep running. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    /** SIGTERM, as a service manager stops it; its services keep running. */
    @Override
    public void close() throws InterruptedException {
        if (process == null || !process.isAlive()) return;
        process.destroy();
        if (!process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
    }

    /** Calls to its API. */
    public NodeCalls api() {
        return new NodeCalls(url(), home);
    }

    public NodeCalls.Answer send(String method, String path, Object body) throws IOException, InterruptedException {
        return api().send(method, path, body);
    }

    /** The pid of a level's first service in its status ({@code GET /v1/levels/{id}}), 0 when it has none. */
    public static long servicePid(JsonNode status) {
        for (JsonNode r : status.path("resources")) if (r.has("pid")) return r.path("pid").asLong();
        return 0;
    }

    /** A level's path on the API, its id in one segment. */
    public static String level(String id) {
        return NodeCalls.level(id);
    }

    /** PUT a level's Zedfile, which lives in {@code dir}. */
    public NodeCalls.Answer push(String id, Path dir, String source) throws IOException, InterruptedException {
        return api().push(id, dir, source);
    }

    /** PUT a level below {@code parent} (null: a level of its own). */
    public NodeCalls.Answer push(String id, Path dir, String source, String parent) throws IOException, InterruptedException {
        return api().push(id, dir, source, parent);
    }

    public JsonNode status(String id) throws IOException, InterruptedException {
        return api().status(id);
    }

    /** Polls a level's status until {@code ok}, within {@code within}; the last status either way. */
    public JsonNode await(String id, Predicate<JsonNode> ok, Duration within) throws IOException, InterruptedException {
        return api().await(id, ok, within, Duration.ofMillis(200));
    }

    /**
     * Follows a level's events from the journal's start ({@code /v1/events?level=ID}) on a thread of its own, handing
     * each to {@code each} as it comes, until the returned handle is closed (or the node goes).
     */
    public AutoCloseable follow(String id, java.util.function.Consumer<JsonNode> each) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + "/v1/events?level=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8)))
                .header("Authorization", "Bearer " + Files.readString(home.resolve("api-token")).strip()).build();
        HttpResponse<java.io.InputStream> r = NodeCalls.client(url(), home).send(req, HttpResponse.BodyHandlers.ofInputStream());
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) if (l.startsWith("data:") && l.length() > 6) each.accept(JSON.readTree(l.substring(5)));
            } catch (IOException closed) {
                // closing the stream ends the read
            }
        }, "chaos-follow");
        reader.setDaemon(true);
        reader.start();
        return () -> r.body().close();
    }

    /**
     * The events of a level from the journal's start ({@code /v1/events?level=ID}), read until {@code enough} holds of
     * what came so far, or {@code within} has passed. After a restart the read journal may hold back events behind a
     * gap in the journal's ordering for some seconds (a kill can leave one): a reader waits for what it expects.
     */
    public List<JsonNode> events(String id, Predicate<List<JsonNode>> enough, Duration within) throws IOException, InterruptedException {
        return stream("/v1/events?level=" + java.net.URLEncoder.encode(id, java.nio.charset.StandardCharsets.UTF_8), enough, within);
    }

    /** The events of {@code path} (e.g. {@code /v1/events?host=gpu1}) from the journal's start, read as {@link #events} reads a level's. */
    public List<JsonNode> stream(String path, Predicate<List<JsonNode>> enough, Duration within) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url() + path))
                .header("Authorization", "Bearer " + Files.readString(home.resolve("api-token")).strip()).build();
        HttpResponse<java.io.InputStream> r = NodeCalls.client(url(), home).send(req, HttpResponse.BodyHandlers.ofInputStream());
        List<JsonNode> out = new ArrayList<>();
        java.util.concurrent.BlockingQueue<String> lines = new java.util.concurrent.LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(r.body(), java.nio.charset.StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) lines.add(l);
            } catch (IOException closed) {
                // closing the stream ends the read
            }
        }, "chaos-events");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + within.toNanos();
        try {
            while (!enough.test(out)) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return out;
                String l = lines.poll(left, java.util.concurrent.TimeUnit.NANOSECONDS);
                if (l != null && l.startsWith("data:") && l.length() > 6) out.add(JSON.readTree(l.substring(5)));
            }
            return out;
        } finally {
            r.body().close();
        }
    }
}
