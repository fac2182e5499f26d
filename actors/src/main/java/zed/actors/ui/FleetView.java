package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Fleet page's rows, from every level's status as {@code GET /v1/levels/{id}} answers it: the levels as a tree
 * (each below its parent, the federation chain), and for a level on several hosts one line per host. Everything is
 * text: a state is a word, never only a colour. Pure.
 */
public final class FleetView {
    /**
     * One level on one host.
     *
     * @param revision the revision it runs (its desired one), "-" for none
     * @param stable  the stable revision, "-" for none yet
     * @param health  its services' health in words ("healthy, 2 of 2", "1 of 2 unhealthy", "no services")
     * @param counts  its resources by state ("2 converged, 1 running"), "none" for none
     * @param problem the level's error or note, null for none
     */
    public record Place(String host, String state, String revision, String stable, String health, String counts, String problem) {
        /** For styling only; the state is shown in words beside it. */
        public String tone() {
            return switch (state) {
                case "Converged" -> "ok";
                case "Failed", "Unknown" -> "bad";
                case "Stopped" -> "off";
                default -> "busy";
            };
        }
    }

    /**
     * A level.
     *
     * @param depth     0 for a level with no parent here, 1 below it, ...
     * @param places    one per host it runs on (one for most levels)
     * @param lastEvent the newest event the node has published of it this session, null for none seen yet
     * @param desired   its desired revision, 0 when unknown
     */
    public record Row(String id, String name, int depth, List<Place> places, String lastEvent, long desired) {
        /** The revision a rollback control suggests: the one before the desired one; none before revision 2. */
        public String rollbackTarget() {
            return desired >= 2 ? "@rev:" + (desired - 1) : "@latest";
        }
    }

    private FleetView() {
    }

    public static List<Row> of(List<JsonNode> statuses, Map<String, String> lastEvents) {
        Map<String, JsonNode> byId = new TreeMap<>();
        for (JsonNode s : statuses) if (s.hasNonNull("level")) byId.put(s.get("level").asText(), s);
        Map<String, List<String>> below = new HashMap<>();
        List<String> roots = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : byId.entrySet()) {
            String parent = parentOf(e.getValue());
            if (parent != null && byId.containsKey(parent) && !parent.equals(e.getKey())) below.computeIfAbsent(parent, p -> new ArrayList<>()).add(e.getKey());
            else roots.add(e.getKey());
        }
        List<Row> rows = new ArrayList<>();
        Set<String> seen = new java.util.HashSet<>();
        for (String r : roots) walk(r, 0, byId, below, lastEvents, rows, seen);
        return rows;
    }

    private static void walk(String id, int depth, Map<String, JsonNode> byId, Map<String, List<String>> below, Map<String, String> lastEvents,
                             List<Row> rows, Set<String> seen) {
        if (!seen.add(id)) return;
        JsonNode s = byId.get(id);
        rows.add(new Row(id, id.substring(id.lastIndexOf('/') + 1), depth, places(s), lastEvents.get(id), s.path("desiredRevision").asLong(0)));
        for (String c : below.getOrDefault(id, List.of()).stream().sorted().toList()) walk(c, depth + 1, byId, below, lastEvents, rows, seen);
    }

    /** The parent of a level: its status says it, or a multi-host level's first instance does. */
    private static String parentOf(JsonNode s) {
        if (s.hasNonNull("parent")) return s.get("parent").asText();
        for (JsonNode h : s.path("hosts")) if (h.hasNonNull("parent")) return h.get("parent").asText();
        return null;
    }

    static List<Place> places(JsonNode s) {
        if (s.path("hosts").isArray() && !s.path("hosts").isEmpty()) {
            List<Place> out = new ArrayList<>();
            for (JsonNode h : s.get("hosts")) out.add(place(h));
            out.sort(Comparator.comparing(Place::host));
            return out;
        }
        return List.of(place(s));
    }

    private static Place place(JsonNode s) {
        String problem = s.hasNonNull("error") ? s.get("error").asText() : s.hasNonNull("note") ? s.get("note").asText()
                : s.hasNonNull("waiting") ? "waiting: " + s.get("waiting").asText() : null;
        // the revision it runs is the desired one: after a rollback, older than the newest it was given
        JsonNode running = s.hasNonNull("desiredRevision") ? s.get("desiredRevision") : s.path("revision");
        return new Place(s.path("host").asText("-"), s.path("state").asText("Unknown"), revision(running), revision(s.path("stableRevision")),
                health(s.path("resources")), counts(s.path("resources")), problem);
    }

    private static String revision(JsonNode n) {
        return n.isNumber() && n.asLong() > 0 ? Long.toString(n.asLong()) : "-";
    }

    static String health(JsonNode resources) {
        int services = 0;
        int healthy = 0;
        for (JsonNode r : resources) {
            if (!"service".equals(r.path("kind").asText())) continue;
            services++;
            if ("Healthy".equals(r.path("health").asText())) healthy++;
        }
        if (services == 0) return "no services";
        return healthy == services ? "healthy, " + healthy + " of " + services : (services - healthy) + " of " + services + " unhealthy";
    }

    static String counts(JsonNode resources) {
        Map<String, Integer> byState = new TreeMap<>();
        for (JsonNode r : resources) byState.merge(r.path("state").asText("unknown"), 1, Integer::sum);
        if (byState.isEmpty()) return "none";
        return byState.entrySet().stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
    }
}
