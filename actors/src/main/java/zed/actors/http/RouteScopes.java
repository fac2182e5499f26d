package zed.actors.http;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which scope each route of the API needs: the table docs/security.md shows, and the one the guard enforces. Pure.
 * A request that matches no entry needs {@link Scope#ADMIN}: a route added to the API and forgotten here is closed to
 * all but admin tokens, never open to a read token (RouteScopesTest holds this table to {@link LevelPath#ACTIONS}, and
 * ScopedTokensTest to what the node serves).
 */
public final class RouteScopes {
    /**
     * A route: its method, its path ({@code {id}} a level id, {@code {token}} a job's checkpoint token), and the scope it
     * needs; null for a route that needs no API token (the health check, a job's checkpoint with its own token).
     */
    public record Entry(String method, String path, Scope scope) {
    }

    /** A level's actions, {@code /v1/levels/{id}/ACTION}: each with its method and scope. */
    static final Map<String, Entry> ACTIONS;

    static {
        Map<String, Entry> a = new TreeMap<>();
        a.put("plan", action("GET", "plan", Scope.READ)); // changes nothing: what a converge would do
        // change nothing: what a push of a Zedfile, or a rollback, would do, for an operator to review before applying it
        a.put("push-plan", action("POST", "push-plan", Scope.READ));
        a.put("rollback-plan", action("GET", "rollback-plan", Scope.READ));
        a.put("revisions", action("GET", "revisions", Scope.READ)); // the kept revisions' Zedfiles: what a plan edits, a rollback picks
        a.put("snapshots", action("GET", "snapshots", Scope.READ)); // changes nothing: the datasets' snapshots, for the dashboard's Level page
        for (String deploy : List.of("rollback", "job-rollback", "job-move", "move", "promote")) a.put(deploy, action("POST", deploy, Scope.DEPLOY));
        a.put("failover", action("POST", "failover", Scope.ADMIN)); // the cluster's administration: runs a level elsewhere, or forced from a host that left
        a.put("sudo", action("POST", "sudo", Scope.ADMIN)); // runs the services' hooks as root
        ACTIONS = Map.copyOf(a);
    }

    private static final List<Entry> FIXED = List.of(
            new Entry("GET", "/v1/health", null),
            new Entry("POST", "/v1/checkpoints/{token}", null),
            // a passkey login, before any session: the passkey's signature over a single-use challenge is the credential
            // (PasskeyPage); open as JSON calls, so the guard's JSON rule keeps other sites' forms out
            new Entry("POST", "/ui/login/passkey/options", null),
            new Entry("POST", "/ui/login/passkey", null),
            new Entry("GET", "/v1/events", Scope.READ),
            new Entry("GET", "/v1/hosts", Scope.READ),
            new Entry("GET", "/v1/levels", Scope.READ),
            new Entry("GET", "/v1/levels/{id}", Scope.READ),
            new Entry("PUT", "/v1/levels/{id}", Scope.DEPLOY),
            new Entry("DELETE", "/v1/levels/{id}", Scope.DEPLOY),
            // restarts every consumer of a slot, across levels: the secrets' administration, not a deploy
            new Entry("POST", "/v1/secrets/{slot}/rotated", Scope.ADMIN),
            // zed ui login: a link to a dashboard session of the caller's own scope (a read token's is read-only)
            new Entry("POST", "/v1/ui/links", Scope.READ));

    private RouteScopes() {
    }

    private static Entry action(String method, String name, Scope scope) {
        return new Entry(method, "/v1/levels/{id}/" + name, scope);
    }

    /** Every route the API serves, in the order of the docs' table. */
    public static List<Entry> all() {
        List<Entry> all = new ArrayList<>(FIXED);
        all.addAll(new TreeMap<>(ACTIONS).values());
        return List.copyOf(all);
    }

    /** Whether a request needs no API token: it matches an entry whose scope is null. */
    public static boolean open(String method, List<String> segments) {
        // exactly: /v1/health/ is no health check, and needs a token like any path the API does not serve
        if (!segments.isEmpty() && segments.get(segments.size() - 1).isEmpty()) return false;
        Entry e = entry(method, segments);
        return e != null && e.scope() == null;
    }

    /**
     * Whether a request is the dashboard's ({@code /ui/...}): a browser's, which shows a session cookie instead of an
     * API token, and whose every POST shows its session's CSRF token ({@link UiRoute}).
     */
    public static boolean browser(List<String> segments) {
        return !segments.isEmpty() && segments.get(0).equals("ui");
    }

    /** The scope a request needs, from its method and its decoded path segments; {@link Scope#ADMIN} when no entry matches. */
    public static Scope needed(String method, List<String> segments) {
        Entry e = entry(method, segments);
        return e == null ? Scope.ADMIN : e.scope();
    }

    /** The entry a request matches, or null. */
    static Entry entry(String method, List<String> segments) {
        List<String> s = segments.isEmpty() || !segments.get(segments.size() - 1).isEmpty() ? segments : segments.subList(0, segments.size() - 1);
        if (s.size() < 2 || !(s.get(0).equals("v1") || s.get(0).equals("ui"))) return null;
        String path;
        if (s.get(0).equals("ui")) {
            // exactly the segments of an entry: an encoded slash (ui/login%2Fssh) names no route here
            if (s.stream().anyMatch(part -> part.contains("/"))) return null;
            path = "/" + String.join("/", s);
        } else if (s.get(1).equals("levels") && s.size() > 2) {
            LevelPath p = LevelPath.of(s.subList(2, s.size()));
            if (p == null) return null;
            if (p.action() != null) {
                Entry a = ACTIONS.get(p.action());
                return a != null && a.method().equals(method) ? a : null;
            }
            path = "/v1/levels/{id}";
        } else if (s.get(1).equals("checkpoints") && s.size() == 3) {
            path = "/v1/checkpoints/{token}";
        } else if (s.get(1).equals("secrets") && s.size() == 4 && s.get(3).equals("rotated")) {
            path = "/v1/secrets/{slot}/rotated";
        } else {
            path = "/" + String.join("/", s);
        }
        for (Entry e : FIXED) if (e.method().equals(method) && e.path().equals(path)) return e;
        return null;
    }
}
