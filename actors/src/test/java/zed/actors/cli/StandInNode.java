package zed.actors.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A stand-in for a node, on loopback on a port of its own: it answers the health check, {@code GET /v1/hosts} with
 * what a test sets, and 404 for anything else, and keeps every request it got (its path and its Authorization).
 */
public final class StandInNode implements AutoCloseable {
    record Request(String method, String path, String authorization) {
    }

    private final HttpServer server;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    volatile int hostsStatus = 200;
    volatile String hostsBody = "{\"hosts\":[]}";

    StandInNode() throws IOException {
        this(null);
    }

    /** The same over TLS, showing the key and certificate of {@code tls}: {@link #url()} is https://. */
    StandInNode(javax.net.ssl.SSLContext tls) throws IOException {
        InetSocketAddress at = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        if (tls == null) {
            server = HttpServer.create(at, 0);
        } else {
            com.sun.net.httpserver.HttpsServer s = com.sun.net.httpserver.HttpsServer.create(at, 0);
            s.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(tls));
            server = s;
        }
        server.createContext("/", this::answer);
        server.start();
    }

    String url() {
        return (server instanceof com.sun.net.httpserver.HttpsServer ? "https" : "http") + "://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The paths it was asked for, in order. */
    List<String> paths() {
        return requests.stream().map(Request::path).toList();
    }

    private void answer(HttpExchange x) throws IOException {
        try (x) {
            String path = x.getRequestURI().getRawPath();
            x.getRequestBody().readAllBytes();
            requests.add(new Request(x.getRequestMethod(), path, x.getRequestHeaders().getFirst("Authorization")));
            if (path.equals("/v1/health")) send(x, 200, "{\"status\":\"ok\"}");
            else if (path.equals("/v1/hosts")) send(x, hostsStatus, hostsBody);
            else send(x, 404, "{\"errors\":[{\"message\":\"no level " + path + "\"}]}");
        }
    }

    /** A JSON answer, as the node sends one (the training's stand-in node answers with it too). */
    public static void send(HttpExchange x, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        x.getResponseHeaders().set("Content-Type", "application/json");
        x.sendResponseHeaders(status, b.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(b);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
