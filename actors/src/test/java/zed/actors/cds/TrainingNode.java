package zed.actors.cds;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static zed.actors.cli.StandInNode.send;

/**
 * A stand-in for the node while the command line is trained for its class data sharing archive: it answers each call
 * that the commands make, in the node's shapes, so that the training walks the paths a real deploy walks (a push, a
 * level that is still converging, the event that moves it on, the status that ends the follow). Nothing is kept but
 * which levels have been looked at once: a training run has a node of its own. A real node would take seconds to
 * start at every build.
 */
final class TrainingNode implements AutoCloseable {
    private final HttpServer server;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    TrainingNode() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void answer(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            String method = x.getRequestMethod();
            x.getRequestBody().readAllBytes();
            if (path.equals("/v1/health")) {
                send(x, 200, "{\"status\":\"ok\",\"version\":\"training\"}");
            } else if (path.equals("/v1/levels")) {
                send(x, 200, "{\"levels\":[\"training/app\"]}");
            } else if (path.equals("/v1/hosts")) {
                send(x, 200, HOSTS);
            } else if (path.equals("/v1/events")) {
                events(x);
            } else if (path.startsWith("/v1/levels/")) {
                level(x, method, path.substring("/v1/levels/".length()));
            } else {
                send(x, 404, "{\"errors\":[{\"message\":\"no such path\"}]}");
            }
        }
    }

    private void level(HttpExchange x, String method, String rest) throws IOException {
        int slash = rest.indexOf('/');
        String id = URLDecoder.decode(slash < 0 ? rest : rest.substring(0, slash), StandardCharsets.UTF_8);
        String action = slash < 0 ? "" : rest.substring(slash + 1);
        switch (method + " " + action) {
            case "PUT " -> send(x, 200, "{\"level\":\"" + id + "\",\"revision\":1,\"changed\":true}");
            case "DELETE " -> send(x, 200, "{\"level\":\"" + id + "\",\"state\":\"Stopped\"}");
            case "POST rollback" -> send(x, 200, "{\"rollback\":\"r1\",\"from\":1}");
            case "POST job-rollback" -> send(x, 200, "{\"level\":\"" + id + "\",\"job\":\"train\",\"checkpoint\":\"ckpt-10\",\"step\":10,\"destroyed\":[\"ckpt-20\"]}");
            case "POST sudo" -> send(x, 200, "{\"hooks\":[{\"service\":\"service.exec.web\",\"hook\":\"ports\",\"outcome\":\"SKIPPED\",\"detail\":\"check passed\"}]}");
            // the first look finds the level on its way, so that a follow waits for an event; every later one, there
            case "GET " -> send(x, 200, status(id, seen.add(id) ? "Converging" : "Converged"));
            default -> send(x, 405, "{\"errors\":[{\"message\":\"" + method + " " + action + "\"}]}");
        }
    }

    /** A cluster of two: this host, with a pool and a GPU, and one whose facts are missing. */
    private static final String HOSTS = "{\"hosts\":["
            + "{\"name\":\"h1\",\"address\":\"127.0.0.2:25520\",\"status\":\"up\",\"self\":true,"
            + "\"pool\":{\"name\":\"tank/zed\",\"free\":1040187392,\"available\":true},"
            + "\"gpus\":[{\"uuid\":\"GPU-0\",\"name\":\"NVIDIA H100\",\"vramTotal\":85899345920,\"vramFree\":85000000000}],"
            + "\"levels\":[\"training\",\"training/app\"],\"note\":null},"
            + "{\"name\":\"h2\",\"address\":\"127.0.0.3:25520\",\"status\":\"unreachable\",\"self\":false,"
            + "\"pool\":null,\"gpus\":[],\"levels\":[],\"note\":\"no answer from the host in 3 s\"}]}";

    private static String status(String id, String state) {
        return "{\"level\":\"" + id + "\",\"revision\":1,\"desiredRevision\":1,\"stableRevision\":1,\"hash\":\"0123456789abcdef\","
                + "\"state\":\"" + state + "\",\"resources\":["
                + "{\"kind\":\"dataset\",\"name\":\"data\",\"revision\":1,\"state\":\"converged\"},"
                + "{\"kind\":\"service\",\"name\":\"service.exec.web\",\"revision\":1,\"state\":\"RUNNING\",\"gate\":\"passed\","
                + "\"health\":\"HEALTHY\",\"pid\":4242,\"print\":\"http://127.0.0.1:8080/\"},"
                + "{\"kind\":\"job\",\"name\":\"train\",\"revision\":1,\"state\":\"Running\",\"host\":\"h1\",\"gpus\":[\"GPU-5f0c\"],\"pid\":4343,"
                + "\"restarts\":0,\"step\":20,\"metrics\":{\"loss\":0.25},\"checkpoints\":2}]}";
    }

    /** One event of the level, a heartbeat, and the end of the stream. */
    private static void events(HttpExchange x) throws IOException {
        x.getResponseHeaders().set("Content-Type", "text/event-stream");
        x.sendResponseHeaders(200, 0);
        try (OutputStream out = x.getResponseBody()) {
            out.write(("id: 1\nevent: Converged\ndata: {\"id\":1,\"type\":\"Converged\",\"revision\":1}\n\ndata:\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
