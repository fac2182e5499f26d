package zed.actors.http;

import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.MediaTypes;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * What every request must show before the API acts on it; the node runs as root, and a web page the operator opens
 * must not be able to drive it:
 * <ul>
 *   <li>One {@code Host} (400 otherwise), which names the address the node is bound to, or localhost (421 otherwise): a DNS-rebound name
 *       ({@code evil.example.com} resolving to 127.0.0.1) gets nothing.</li>
 *   <li>An {@code Origin}, when sent, is the node's own (403 otherwise): no cross-site request is served.</li>
 *   <li>{@code Authorization: Bearer <token>} on every request but {@code GET /v1/health} and a job's
 *       {@code POST /v1/checkpoints/<its own token>} (401 otherwise), of a scope that allows the route
 *       ({@link RouteScopes}; 403 otherwise).</li>
 *   <li>A request that changes something (POST, PUT, PATCH, DELETE) says {@code Content-Type: application/json}
 *       (415 otherwise): a form or a {@code text/plain} post, the requests a page may send across sites without
 *       asking first, never acts.</li>
 * </ul>
 * The dashboard's {@code /ui/...} passes the first two; its session cookie and CSRF token stand in for the last two
 * ({@link UiRoute}).
 */
final class RequestGuard extends AllDirectives {
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "::1", "[::1]");

    private final TokenCheck tokens;
    private final Set<String> hosts;
    private final String tokenFile;

    /**
     * @param bound the address the API listens on; a wildcard (0.0.0.0, ::) allows every address of this host and
     *              its names
     */
    RequestGuard(TokenCheck tokens, String bound, String tokenFile) {
        this.tokens = tokens;
        this.tokenFile = tokenFile;
        this.hosts = allowedHosts(bound);
    }

    static Set<String> allowedHosts(String bound) {
        Set<String> h = new TreeSet<>(LOOPBACK);
        h.add(bare(bound).toLowerCase(Locale.ROOT));
        if (bare(bound).equals("0.0.0.0") || bare(bound).equals("::")) {
            try {
                for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(i.getInetAddresses())) h.add(bare(a.getHostAddress()).toLowerCase(Locale.ROOT));
                }
                InetAddress self = InetAddress.getLocalHost();
                h.add(self.getHostName().toLowerCase(Locale.ROOT));
                h.add(self.getCanonicalHostName().toLowerCase(Locale.ROOT));
            } catch (SocketException | java.net.UnknownHostException e) {
                // the loopback names and the bound address remain
            }
        }
        return Set.copyOf(h);
    }

    /** An address without brackets or a zone: {@code [::1]} and {@code fe80::1%eth0} as {@code ::1}, {@code fe80::1}. */
    private static String bare(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        int zone = h.indexOf('%');
        return zone < 0 ? h : h.substring(0, zone);
    }

    boolean hostAllowed(String host) {
        return host != null && hosts.contains(bare(host).toLowerCase(Locale.ROOT));
    }

    /** An Origin is the node's own when its host is one the node answers to. "null" (a sandboxed frame) is not. */
    boolean originAllowed(String origin) {
        try {
            URI u = URI.create(origin);
            return ("http".equals(u.getScheme()) || "https".equals(u.getScheme())) && hostAllowed(u.getHost());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean mutating(HttpRequest r) {
        return r.method().equals(HttpMethods.POST) || r.method().equals(HttpMethods.PUT) || r.method().equals(HttpMethods.PATCH)
                || r.method().equals(HttpMethods.DELETE);
    }

    /** Wraps the API, for a request whose token showed {@code caller} (null: none the node knows). */
    Route guard(TokenCheck.Caller caller, Supplier<Route> inner) {
        return extractRequest(req -> extractHost(host -> optionalHeaderValueByName("Origin", origin -> {
            long hostLines = java.util.stream.StreamSupport.stream(req.getHeaders().spliterator(), false).filter(h -> h.is("host")).count();
            if (hostLines > 1) {
                // pekko refuses two valid Hosts but lets one it cannot parse stand beside a valid one: which is meant is
                // ambiguous, and the guard is about the Host (RFC 9112: more than one Host line is a 400)
                return Refusal.answer(req, HttpApi.error(StatusCodes.BAD_REQUEST, "send one Host header, not " + hostLines));
            }
            if (!hostAllowed(host)) {
                return Refusal.answer(req, HttpApi.error(StatusCodes.MISDIRECTED_REQUEST, "this node does not answer to the host \"" + host
                        + "\"; use one of " + String.join(", ", hosts)));
            }
            if (origin.isPresent() && !originAllowed(origin.get())) {
                return Refusal.answer(req, HttpApi.error(StatusCodes.FORBIDDEN, "requests from another origin (" + origin.get() + ") are refused"));
            }
            List<String> segments = segments(req);
            String method = req.method().value();
            // a browser's session and CSRF token stand in for the token and the JSON-only rule there (UiRoute); the
            // passkey login's two open routes are JSON calls that come before any session, and keep the rule
            if (RouteScopes.browser(segments) && !RouteScopes.open(method, segments)) return inner.get();
            if (!RouteScopes.open(method, segments)) {
                if (caller == null) {
                    String unreadable = tokens.unreadable();
                    return Refusal.answer(req, HttpApi.error(StatusCodes.UNAUTHORIZED, "send Authorization: Bearer <the token in " + tokenFile
                            + ", or one of zed token create>" + (unreadable == null ? "" : " (scoped tokens are refused now: " + unreadable + ")")));
                }
                Scope needed = RouteScopes.needed(method, segments);
                if (!caller.scope().allows(needed)) {
                    return Refusal.answer(req, HttpApi.error(StatusCodes.FORBIDDEN, "the token \"" + caller.name() + "\" has scope " + caller.scope().word()
                            + "; " + method + " " + AuditLog.path(segments) + " needs " + needed.word() + " (docs/security.md)"));
                }
            }
            if (mutating(req) && !json(req)) {
                return Refusal.answer(req, HttpApi.error(StatusCodes.UNSUPPORTED_MEDIA_TYPE, req.method().value() + " needs Content-Type: application/json"));
            }
            return inner.get();
        })));
    }

    /** The request's path, decoded segment by segment (a level id's encoded slash stays inside its segment). */
    static List<String> segments(HttpRequest req) {
        List<String> out = new java.util.ArrayList<>();
        req.getUri().pathSegments().forEach(out::add);
        // pekko's segments leave out the empty one after a trailing slash: kept, so that /v1/health/ is not the open /v1/health (RouteScopes.open)
        if (!out.isEmpty() && req.getUri().path().endsWith("/")) out.add("");
        return out;
    }

    private static boolean json(HttpRequest r) {
        return r.entity().getContentType().mediaType().equals(MediaTypes.APPLICATION_JSON);
    }
}
