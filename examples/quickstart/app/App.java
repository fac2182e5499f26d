// The quickstart's app: says hello and shows the registry's list. Standard library only.
// Run it with Java's source-file mode:   PORT=8081 REGISTRY=http://127.0.0.1:8080 java App.java
//
//   GET /         hello, and the apps the registry knows
//   GET /health   200 "ok" (whether or not the registry is up)
//
// Environment: PORT (required), REGISTRY (the registry's base URL; optional), NAME (default "app").
// It registers itself in the background and never waits for the registry: until the registry answers it
// retries every second, and once registered it refreshes the entry every 10 s, so a restarted registry
// learns about it again. SIGTERM ends it (the JVM's default), and it deregisters on the way out.

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;

public class App {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    public static void main(String[] args) throws IOException {
        int port = Integer.parseInt(env("PORT", null));
        String registry = env("REGISTRY", "");
        String name = env("NAME", "app");
        String self = "http://127.0.0.1:" + port + "/";

        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        server.createContext("/health", ex -> {
            if (ex.getRequestURI().getPath().equals("/health")) reply(ex, 200, "ok\n"); else reply(ex, 404, "not found\n");
        });
        server.createContext("/", ex -> {
            if (!ex.getRequestURI().getPath().equals("/")) { reply(ex, 404, "not found\n"); return; }
            reply(ex, 200, "Hello from " + name + " at " + self + "\n\n" + registryList(registry));
        });
        server.setExecutor(Executors.newFixedThreadPool(4));
        server.start();
        System.out.println(name + " listening on " + self);

        if (registry.isEmpty()) {
            System.out.println("REGISTRY is not set; not registering");
            return;
        }
        Thread keeper = new Thread(() -> keepRegistered(registry, name, self), "register");
        keeper.setDaemon(true);
        keeper.start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> send(registry, "DELETE", name, "")));
    }

    /** Registers, retrying every second while the registry is down, then refreshes the entry every 10 s. */
    private static void keepRegistered(String registry, String name, String self) {
        boolean registered = false;
        boolean warned = false;
        while (true) {
            String failure = send(registry, "PUT", name, self);
            if (failure == null) {
                if (!registered) System.out.println("registered with " + registry + " as " + name);
                registered = true;
                warned = false;
            } else {
                if (!warned) System.out.println("registry " + registry + " not reachable (" + failure + "); retrying in the background");
                registered = false;
                warned = true;
            }
            try {
                Thread.sleep(registered ? 10_000 : 1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** One call to /apps/NAME; null when it answered 200, else what went wrong. */
    private static String send(String registry, String method, String name, String body) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(registry + "/apps/" + name))
                    .timeout(Duration.ofSeconds(2))
                    .method(method, HttpRequest.BodyPublishers.ofString(body))
                    .build();
            int status = HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            return status == 200 ? null : "HTTP " + status;
        } catch (IOException | IllegalArgumentException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }

    private static String registryList(String registry) {
        if (registry.isEmpty()) return "No registry configured (REGISTRY is not set).\n";
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(registry + "/apps")).timeout(Duration.ofSeconds(2)).build();
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) return "The registry at " + registry + " answered HTTP " + response.statusCode() + ".\n";
            String list = response.body().isEmpty() ? "  (none yet)\n" : response.body().indent(2);
            return "Apps in the registry at " + registry + ":\n" + list;
        } catch (IOException | IllegalArgumentException e) {
            return "The registry at " + registry + " is not reachable (" + e.getClass().getSimpleName() + ").\n";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "Interrupted while asking the registry.\n";
        }
    }

    private static String env(String key, String fallback) {
        String value = System.getenv(key);
        if (value != null && !value.isBlank()) return value.trim();
        if (fallback != null) return fallback;
        System.err.println(key + " must be set");
        System.exit(2);
        return null;
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
        ex.sendResponseHeaders(status, bytes.length);
        try (var out = ex.getResponseBody()) { out.write(bytes); }
    }
}
