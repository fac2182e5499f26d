package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import zed.actors.http.ApiToken;
import zed.actors.http.LevelPath;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's side of the HTTP API: a node's base URL (which one: {@link NodeOptions}), with the bearer token
 * from {@code $ZED_TOKEN}, else from {@code $ZED_HOME/api-token}, read at each request (a node the CLI just started
 * writes it first) and checked: a file others can read, or an empty or short one, is an error that says how to fix it.
 * Each call is an {@link HttpCall} of its own.
 */
final class NodeClient {
    /** An answer: its status, its body as a tree (null when it is not JSON) and as the node sent it. */
    record Answer(int status, JsonNode body, String text) {
        boolean ok() {
            return status / 100 == 2;
        }

        /** The messages of an error answer, one per line, positioned where the node gave positions. */
        List<String> errors() {
            List<String> out = new ArrayList<>();
            JsonNode es = body == null ? null : body.get("errors");
            if (es == null) return List.of("HTTP " + status);
            for (JsonNode e : es) {
                out.add(e.has("file") ? e.get("file").asText() + ":" + e.get("line").asInt() + ":" + e.get("col").asInt() + ": " + e.get("message").asText()
                        : e.path("message").asText());
            }
            return out;
        }
    }

    private static final int CONNECT_TIMEOUT_MS = 2_000;
    private static final int READ_TIMEOUT_MS = 60_000;

    final URI base;
    private final Path tokenFile;
    private final String token;
    /** Which certificates an https:// node may show; read at the first https call. */
    private final java.util.function.Supplier<NodeTrust> trust;
    private NodeTrust trusted;

    /** The node at {@code base}, with the token in {@code tokenFile} (null: none). */
    NodeClient(URI base, Path tokenFile) {
        this(base, tokenFile, null);
    }

    /** The node at {@code base}, with {@code token} (already checked; from ZED_TOKEN), or when it is null the one in {@code tokenFile}. */
    NodeClient(URI base, Path tokenFile, String token) {
        this(base, tokenFile, token, NodeTrust::publicCas);
    }

    /** The same, trusting on an https:// node what {@code trust} says. */
    NodeClient(URI base, Path tokenFile, String token, java.util.function.Supplier<NodeTrust> trust) {
        this.base = base;
        this.tokenFile = tokenFile;
        this.token = token;
        this.trust = trust;
    }

    private synchronized NodeTrust trust() {
        if (trusted == null) trusted = trust.get();
        return trusted;
    }

    /** One call; a certificate this command line does not trust is said in words that name what it trusts. */
    private HttpCall call(String path, String method, Map<String, String> h, byte[] body) throws IOException {
        return call(path, method, h, body, READ_TIMEOUT_MS);
    }

    private HttpCall call(String path, String method, Map<String, String> h, byte[] body, int readTimeoutMs) throws IOException {
        try {
            return HttpCall.send(base.resolve(path), method, h, body, CONNECT_TIMEOUT_MS, readTimeoutMs, () -> trust().factory());
        } catch (javax.net.ssl.SSLException e) {
            throw new IOException("its certificate is not one zed trusts (it trusts " + trust().source() + ", and checks the host name "
                    + base.getHost() + "): " + e.getMessage(), e);
        }
    }

    /** @throws IllegalStateException when the token file is there but unsafe or unusable */
    private String token() throws IOException {
        if (token != null) return token;
        if (tokenFile == null || !Files.exists(tokenFile)) return null; // the node answers 401, naming the file
        return ApiToken.read(tokenFile);
    }

    /**
     * Whether the node is on this host: its address is a loopback one, or a name whose every address is (a name that
     * does not resolve is not). {@code zed up} starts a node only there, and finds a failed service's log only there.
     */
    boolean local() {
        String host = base.getHost().startsWith("[") ? base.getHost().substring(1, base.getHost().length() - 1) : base.getHost();
        try {
            for (InetAddress a : InetAddress.getAllByName(host)) if (!a.isLoopbackAddress()) return false;
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** A level's path on the API: its id in one segment, whatever its last name ({@code x/plan} too). */
    static String level(String id) {
        return LevelPath.of(id);
    }

    private Map<String, String> headers() throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        String token = token();
        if (token != null) h.put("Authorization", "Bearer " + token);
        return h;
    }

    Answer send(String method, String path, Object body) throws IOException {
        return send(method, path, body, READ_TIMEOUT_MS);
    }

    /** {@link #send}, waiting up to {@code readTimeoutMs} for the answer (a rolling restart's answer comes at its end). */
    Answer send(String method, String path, Object body, int readTimeoutMs) throws IOException {
        Map<String, String> h = headers();
        // on every call, with a body or not: the node refuses a DELETE or POST without it (no web page can send one)
        h.put("Content-Type", "application/json");
        byte[] json = body == null ? null : Json.write(body).getBytes(StandardCharsets.UTF_8);
        try (HttpCall c = call(path, method, h, json, readTimeoutMs)) {
            String text = c.text();
            JsonNode tree = Json.readOrNull(text);
            // the node's 401 names its token file; the token sent was another one
            if (c.status() == 401 && token != null && tree != null && tree.get("errors") instanceof ArrayNode es) {
                es.addObject().put("message", "(zed sent the token in ZED_TOKEN: is it this node's?)");
            }
            return new Answer(c.status(), tree, text);
        }
    }

    /**
     * {@link #send}, for a command that only reports: a node that does not answer, or answers an error, is said on
     * {@code err}, and null returned.
     */
    Answer sendOrSay(String method, String path, Object body, java.io.PrintWriter err) {
        Answer a;
        try {
            a = send(method, path, body);
        } catch (IOException e) {
            err.println("zed: no node answers at " + base + ": " + e.getMessage());
            err.flush();
            return null;
        }
        if (!a.ok()) {
            a.errors().forEach(err::println);
            err.flush();
            return null;
        }
        return a;
    }

    Answer get(String path) throws IOException {
        return send("GET", path, null);
    }

    /**
     * Opens a stream that stays open ({@code GET /v1/events}): once its head is in, no read timeout; the caller's
     * deadline ends it.
     *
     * @param lastEventId null, or the event to resume after
     * @throws IOException when the node does not answer 200
     */
    HttpCall stream(String path, String lastEventId) throws IOException {
        Map<String, String> h = headers();
        h.put("Accept", "text/event-stream");
        if (lastEventId != null) h.put("Last-Event-ID", lastEventId);
        HttpCall c = call(path, "GET", h, null);
        if (c.status() != 200) {
            c.close();
            throw new IOException("the node's event stream answered HTTP " + c.status());
        }
        return c.unbounded();
    }

    /** Whether a node answers its health check. */
    boolean alive() {
        try {
            return get("/v1/health").ok();
        } catch (IOException e) {
            return false;
        }
    }
}
