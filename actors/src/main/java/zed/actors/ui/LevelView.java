package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The Level page's parts, from the level's status as {@code GET /v1/levels/{id}} answers it and its snapshots as
 * {@code GET /v1/levels/{id}/snapshots} does: the level on each host (as on the Fleet page), one row per resource, one
 * per snapshot. Everything is text; a state is a word, never only a colour. Pure.
 *
 * @param places    one per host the level runs on
 * @param newest    the newest revision the level was given, "-" for none (above the running one after a rollback)
 * @param resources on every host, in the status's order
 * @param snapshots newest first; empty when there are none (or they could not be read: {@code snapshotsWhy})
 */
public record LevelView(String id, List<FleetView.Place> places, String newest, List<Resource> resources, List<Snap> snapshots, String snapshotsWhy) {
    /**
     * A resource's row.
     *
     * @param name   kind and name, as {@code zed status} writes it ({@code dataset.d}, {@code service.exec.web})
     * @param health a service's health and its revision's gate ("Healthy, gate passed"), "-" for other kinds
     * @param pid    "-" for none
     * @param ports  "http 8080, admin 8081", "-" for none
     * @param print  its print line in parts, empty for none
     * @param why    why it is in its state, null for nothing to say
     */
    public record Resource(String host, String name, String state, String health, String pid, String ports, List<PrintLine.Part> print, String why) {
        /** For styling only; the state is shown in words beside it. */
        public String tone() {
            return switch (state.toLowerCase()) {
                case "converged", "running", "succeeded" -> "ok";
                case "failed", "unknown", "drifted" -> "bad";
                case "stopped" -> "off";
                default -> "busy";
            };
        }
    }

    /** A snapshot: its dataset, its name, the revision it carries ("-": none said) and when it was taken ("-": unknown). */
    public record Snap(String dataset, String name, String revision, String taken) {
    }

    public static LevelView of(String id, JsonNode status, JsonNode snapshots, String snapshotsWhy) {
        List<Resource> resources = new ArrayList<>();
        if (status.path("hosts").isArray() && !status.path("hosts").isEmpty()) {
            for (JsonNode h : status.get("hosts")) resources(h.path("host").asText("-"), h.path("resources"), resources);
        } else {
            resources(status.path("host").asText("-"), status.path("resources"), resources);
        }
        List<Snap> snaps = new ArrayList<>();
        if (snapshots != null) {
            for (JsonNode s : snapshots.path("snapshots")) {
                snaps.add(new Snap(s.path("dataset").asText(), s.path("snapshot").asText(),
                        s.path("revision").isNumber() ? Long.toString(s.get("revision").asLong()) : "-",
                        s.hasNonNull("taken") ? s.get("taken").asText().replace('T', ' ') : "-"));
            }
        }
        long newest = status.path("revision").asLong(0);
        return new LevelView(id, FleetView.places(status), newest > 0 ? Long.toString(newest) : "-", List.copyOf(resources), List.copyOf(snaps), snapshotsWhy);
    }

    private static void resources(String host, JsonNode all, List<Resource> out) {
        for (JsonNode r : all) out.add(resource(host, r));
    }

    static Resource resource(String host, JsonNode r) {
        String kind = r.path("kind").asText("resource");
        String name = r.path("name").asText("-");
        String shown = name.startsWith(kind + ".") ? name : kind + "." + name;
        String health = "-";
        if (r.hasNonNull("health")) health = r.get("health").asText() + (r.hasNonNull("gate") ? ", gate " + r.get("gate").asText() : "");
        String pid = r.path("pid").isNumber() && r.get("pid").asLong() > 0 ? Long.toString(r.get("pid").asLong()) : "-";
        return new Resource(host, shown, r.path("state").asText("unknown"), health, pid, ports(r.path("ports")),
                PrintLine.of(r.hasNonNull("print") ? r.get("print").asText() : null), r.hasNonNull("why") ? r.get("why").asText() : null);
    }

    static String ports(JsonNode ports) {
        Map<String, String> byName = new TreeMap<>();
        ports.fields().forEachRemaining(e -> byName.put(e.getKey(), e.getValue().asText()));
        return byName.isEmpty() ? "-" : byName.entrySet().stream().map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", "));
    }
}
