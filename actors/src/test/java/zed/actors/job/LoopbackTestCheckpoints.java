package zed.actors.job;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import zed.reconciler.job.Checkpoint;
import zed.reconciler.job.CheckpointPost;
import zed.reconciler.job.Checkpoints;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A test double of our own seam, {@link CheckpointEndpoint}: a real loopback HTTP server that takes a job's POST as the
 * contract says (CheckpointPost, a snapshot {@code ckpt-N} with its properties, the newest {@code keep} kept), so that
 * the job actor's tests run real jobs that checkpoint. Not the node's endpoint: that one is built beside this work.
 */
public final class LoopbackTestCheckpoints implements CheckpointEndpoint, AutoCloseable {
    private record Opened(JobKey job, String dataset, int keep, Consumer<Taken> taken) {
    }

    private final HttpServer server;
    private final Store store;
    private final Map<String, Opened> open = new ConcurrentHashMap<>();
    /** Every URL opened, in order, and those closed: what a test checks of the runs. */
    public final List<String> opened = new java.util.concurrent.CopyOnWriteArrayList<>();
    public final List<String> closed = new java.util.concurrent.CopyOnWriteArrayList<>();

    public LoopbackTestCheckpoints(Store store) throws IOException {
        this.store = store;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/checkpoints/", this::handle);
        server.start();
    }

    @Override
    public Run open(JobKey job, String dataset, int keep, Consumer<Taken> taken) {
        String token = java.util.UUID.randomUUID().toString().replace("-", "");
        open.put(token, new Opened(job, dataset, keep, taken));
        String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/checkpoints/" + token;
        opened.add(url);
        return new Run() {
            @Override
            public String url() {
                return url;
            }

            @Override
            public void close() {
                open.remove(token);
                closed.add(url);
            }
        };
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            Opened o = open.get(ex.getRequestURI().getPath().substring("/v1/checkpoints/".length()));
            if (o == null) {
                answer(ex, 404, "{\"error\":\"no such checkpoint URL\"}");
                return;
            }
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Map<String, String> steps = new LinkedHashMap<>();
            for (Snapshot s : store.snapshots(o.dataset())) steps.put(s.name(), s.zedState().get(Checkpoint.STEP));
            CheckpointPost p = CheckpointPost.read(body, Checkpoints.last(steps));
            if (p instanceof CheckpointPost.Rejected r) {
                answer(ex, 400, "{\"error\":\"" + r.why().replace("\"", "'") + "\"}");
                return;
            }
            Checkpoint c = ((CheckpointPost.Accepted) p).checkpoint();
            store.snapshot(List.of(o.dataset()), c.snapshot(), Map.of(o.dataset(), c.properties()));
            steps.put(c.snapshot(), String.valueOf(c.step()));
            for (String old : Checkpoints.beyond(steps, o.keep())) store.destroySnapshot(o.dataset(), old);
            Map<String, Double> metrics = new LinkedHashMap<>();
            c.metrics().forEach((k, v) -> metrics.put(k, Double.parseDouble(v)));
            o.taken().accept(new Taken(o.dataset() + "@" + c.snapshot(), c.step(), metrics));
            answer(ex, 201, "{\"snapshot\":\"" + o.dataset() + "@" + c.snapshot() + "\",\"step\":" + c.step() + "}");
        } catch (RuntimeException e) {
            answer(ex, 500, "{\"error\":\"" + e.getMessage().replace("\"", "'") + "\"}");
        }
    }

    private static void answer(HttpExchange ex, int code, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
