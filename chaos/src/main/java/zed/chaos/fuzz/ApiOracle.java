package zed.chaos.fuzz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What the API promises for any request, however broken: an answer, within the deadline, on the connection the
 * request came on; never a 5xx; every 4xx a JSON object whose "errors" each have a message (and a Zedfile error its
 * file, line and column, inside the pushed file); every 2xx but the event stream JSON. And what it must never do
 * for a request that fails its guard ({@code docs/node.md}): answer 2xx without the token (but the health check and the SSH-key login), to
 * a foreign Host or Origin, or to a change that is not sent as JSON. Pure.
 */
public final class ApiOracle {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    private ApiOracle() {
    }

    public static List<String> faults(ApiRequest r, Wire.Outcome o) {
        List<String> faults = new ArrayList<>();
        if (o instanceof Wire.Hung h) faults.add("no answer within " + h.after().toSeconds() + " s; got: " + h.got());
        else if (o instanceof Wire.Dropped d) faults.add("the connection ended without an answer: " + d.why());
        else answer(r, (Wire.Answer) o, faults);
        return faults;
    }

    private static void answer(ApiRequest r, Wire.Answer a, List<String> faults) {
        int s = a.status();
        if (s >= 500) faults.add("a " + s + ": " + clip(a.text()));
        else if (s >= 400) errors(r, a, faults);
        else if (s >= 200 && s < 300) success(r, a, faults);
        else faults.add("an answer neither 2xx nor 4xx: " + s + " " + clip(a.text()));
    }

    private static void errors(ApiRequest r, Wire.Answer a, List<String> faults) {
        if (r.head()) return; // a HEAD answer has no body
        JsonNode n = json(a);
        if (n == null || !n.isObject() || !n.path("errors").isArray() || n.get("errors").isEmpty()) {
            faults.add("a " + a.status() + " that is not JSON with \"errors\": " + a.headers().get("content-type") + " " + clip(a.text()));
            return;
        }
        String source = JsonBodies.source(r.body());
        for (JsonNode e : n.get("errors")) {
            if (!e.path("message").isTextual() || e.get("message").asText().isBlank()) faults.add("an error without a message: " + e);
            if (!e.has("file")) continue;
            boolean placed = e.path("file").isTextual() && !e.get("file").asText().isBlank() && e.path("line").isInt() && e.path("col").isInt()
                    && e.get("line").asInt() >= 1 && e.get("col").asInt() >= 1;
            if (!placed) faults.add("a Zedfile error that is not positioned: " + e);
            else if (source != null && e.get("file").asText().startsWith("/") && pushed(r, e.get("file").asText()) && e.get("line").asInt() > source.split("\n", -1).length) {
                faults.add("a Zedfile error below the last line of the pushed file (" + source.split("\n", -1).length + " lines): " + e);
            }
        }
    }

    /** Whether the error's file is the pushed one ({@code dir/filename}), not a level's above it. */
    private static boolean pushed(ApiRequest r, String file) {
        JsonNode b;
        try {
            b = JSON.readTree(r.body());
        } catch (java.io.IOException e) {
            return false;
        }
        String name = b.path("filename").isTextual() ? b.get("filename").asText() : "Zedfile";
        return file.endsWith("/" + name) && !b.path("dir").isMissingNode();
    }

    private static void success(ApiRequest r, Wire.Answer a, List<String> faults) {
        if (!guarded(r)) faults.add("a " + a.status() + " to a request the guard refuses: " + clip(a.text()));
        if (r.head() || a.headers().getOrDefault("content-type", "").startsWith("text/event-stream")) return;
        JsonNode n = json(a);
        if (n == null || !n.isObject()) faults.add("a " + a.status() + " that is not a JSON object: " + a.headers().get("content-type") + " " + clip(a.text()));
    }

    /** Whether the request passes the node's guard: its own Host, no foreign Origin, the token, and JSON for a change. */
    static boolean guarded(ApiRequest r) {
        if (r.count("Host") != 1 || !ownHost(r.header("Host"))) return false;
        if (r.header("Origin") != null && !ownOrigin(r.header("Origin"))) return false;
        // open without the token: the health check, and the SSH-key login's nonce (its signature is the login's own credential)
        boolean health = r.method().equals("GET") && path(r.target()).equals("/v1/health")
                || r.method().equals("POST") && Set.of("/ui/login/ssh/nonce", "/ui/login/ssh").contains(path(r.target()));
        String auth = r.header("Authorization");
        // the first Authorization line counts (as for the node): with the token in it, the client has the token
        if (!health && (auth == null || !auth.contains(ApiRequest.TOKEN))) return false;
        boolean change = Set.of("POST", "PUT", "PATCH", "DELETE").contains(r.method());
        String type = r.header("Content-Type");
        return !change || (type != null && type.split(";")[0].trim().toLowerCase(Locale.ROOT).equals("application/json"));
    }

    private static boolean ownHost(String host) {
        if (host == null) return false;
        String h = host.replace(ApiRequest.PORT, "1").toLowerCase(Locale.ROOT);
        if (h.startsWith("[")) h = h.substring(0, h.indexOf(']') + 1);
        else if (h.indexOf(':') == h.lastIndexOf(':') && h.contains(":")) h = h.substring(0, h.indexOf(':'));
        return LOOPBACK.contains(h);
    }

    /** An origin whose scheme is http(s) and whose host is one of the loopback names (a browser sends no user info; a client may). */
    private static boolean ownOrigin(String origin) {
        try {
            URI u = new URI(origin.replace(ApiRequest.PORT, "1"));
            return u.getScheme() != null && List.of("http", "https").contains(u.getScheme().toLowerCase(Locale.ROOT)) && u.getHost() != null
                    && LOOPBACK.contains(u.getHost().toLowerCase(Locale.ROOT));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** The path a server sees: without the query, dots decoded and dot segments removed (RFC 3986, as pekko does). */
    private static String path(String target) {
        try {
            String p = new URI(target.replaceAll("(?i)%2e", ".")).normalize().getPath();
            return p == null ? target : p;
        } catch (URISyntaxException e) {
            return target;
        }
    }

    private static JsonNode json(Wire.Answer a) {
        try {
            return JSON.readTree(a.body());
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String clip(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "[...]" : s;
    }
}
