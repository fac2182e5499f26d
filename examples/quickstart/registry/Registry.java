// The quickstart's shared service: a tiny registry of apps, standard library only.
// Run it with Java's source-file mode:   java Registry.java PORT
//
//   GET  /health         200 "ok"
//   PUT  /apps/NAME      body: the app's URL; registers (or refreshes) NAME
//   DELETE /apps/NAME    forgets NAME
//   GET  /apps           one "NAME URL" line per app, sorted by name
//
// It listens on 127.0.0.1 only and keeps its list in memory. SIGTERM ends it (the JVM's default).

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;

public class Registry {
    private static final Map<String, String> APPS = new ConcurrentSkipListMap<>();

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java Registry.java PORT");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/health", ex -> {
            if (ex.getRequestURI().getPath().equals("/health")) reply(ex, 200, "ok\n"); else reply(ex, 404, "not found\n");
        });
        server.createContext("/apps", Registry::apps);
        server.createContext("/", ex -> reply(ex, 404, "not found; try /apps or /health\n"));
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println("registry listening on http://127.0.0.1:" + port + "/");
    }

    private static void apps(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        String method = ex.getRequestMethod();
        if (path.equals("/apps") || path.equals("/apps/")) {
            if (!method.equals("GET")) { reply(ex, 405, "use GET\n"); return; }
            StringBuilder list = new StringBuilder();
            APPS.forEach((name, url) -> list.append(name).append(' ').append(url).append('\n'));
            reply(ex, 200, list.toString());
            return;
        }
        if (!path.startsWith("/apps/")) { reply(ex, 404, "not found\n"); return; }
        String name = path.substring("/apps/".length());
        if (!name.matches("[A-Za-z0-9._-]{1,64}")) { reply(ex, 400, "bad app name\n"); return; }
        switch (method) {
            case "PUT" -> {
                String url = new String(ex.getRequestBody().readNBytes(2048), StandardCharsets.UTF_8).trim();
                if (!url.matches("https?://\\S+")) { reply(ex, 400, "the body must be the app's http(s) URL\n"); return; }
                if (!url.equals(APPS.put(name, url))) System.out.println("registered " + name + " at " + url);
                reply(ex, 200, "ok\n");
            }
            case "DELETE" -> {
                if (APPS.remove(name) != null) System.out.println("forgot " + name);
                reply(ex, 200, "ok\n");
            }
            case "GET" -> {
                String url = APPS.get(name);
                if (url == null) reply(ex, 404, "no app " + name + "\n"); else reply(ex, 200, url + "\n");
            }
            default -> reply(ex, 405, "use GET, PUT or DELETE\n");
        }
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (var out = ex.getResponseBody()) { out.write(bytes); }
    }
}
