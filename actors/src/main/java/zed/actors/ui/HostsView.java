package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;
import zed.actors.cli.HostsCommand;
import zed.reconciler.job.Checkpoints;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Hosts and GPUs page's cards, from {@code GET /v1/hosts} and every level's status ({@code GET /v1/levels/{id}}):
 * one card per host with its pool, its levels, its GPUs (VRAM free and used, in words) and the jobs placed there with
 * their metrics as charts. A single node is a cluster of one: one card. Everything is text; colour only repeats it. Pure.
 */
public final class HostsView {
    /**
     * A host.
     *
     * @param status  up, joining, leaving, unreachable or down, as the cluster sees it from this node
     * @param pool    the pool's name, "-" on the dir store, "?" when the host did not tell
     * @param free    the pool's free space ("992M"), "unavailable", "-" or "?"
     * @param note    why something is missing, null when nothing is
     */
    public record Host(String name, String address, String status, boolean self, String pool, String free, List<String> levels, List<Gpu> gpus,
                       List<Job> jobs, String note) {
        /** For styling only; the status is shown in words beside it. */
        public String tone() {
            return switch (status) {
                case "up" -> "ok";
                case "unreachable", "down" -> "bad";
                default -> "busy";
            };
        }
    }

    /**
     * A GPU as its host's card tells it: {@code index} is its place in the card (the inventory's order).
     *
     * @param totalBytes 0 when its source did not say
     */
    public record Gpu(int index, String uuid, String model, long totalBytes, long freeBytes) {
        public long usedBytes() {
            return Math.max(0, totalBytes - freeBytes);
        }

        /** "20G free of 24G, 4G used" ("none used" when no job holds any); "VRAM unknown" when the host did not say. */
        public String words() {
            if (totalBytes <= 0) return "VRAM unknown";
            return HostsCommand.size(freeBytes) + " free of " + HostsCommand.size(totalBytes) + ", "
                    + (usedBytes() == 0 ? "none" : HostsCommand.size(usedBytes())) + " used";
        }

        /** "GPU 0 (NVIDIA A10)". */
        public String label() {
            return "GPU " + index + " (" + model + ")";
        }
    }

    /**
     * A job placed on the host.
     *
     * @param gpus     its GPUs in words ("GPU 0 (NVIDIA A10)"), "-" for none held now
     * @param lastStep its newest checkpoint's step, "-" for none
     * @param why      why it waits or failed, null for none
     */
    public record Job(String level, String name, String state, String why, String gpus, String lastStep, List<MetricChart.Chart> charts) {
        public String tone() {
            return switch (state) {
                case "Running", "Succeeded" -> "ok";
                case "Failed" -> "bad";
                case "Stopped" -> "off";
                default -> "busy";
            };
        }

        /** For an id: the level's path with its slashes as dashes. */
        public String key() {
            return (level + "-" + name).replace('/', '-');
        }
    }

    private HostsView() {
    }

    /**
     * @param hosts    {@code GET /v1/hosts}'s answer
     * @param statuses every level's status; a job is placed on the host its resource names (else its level's)
     */
    public static List<Host> of(JsonNode hosts, List<JsonNode> statuses) {
        Map<String, List<JsonNode[]>> jobsOn = new TreeMap<>();
        for (JsonNode s : statuses) {
            for (JsonNode r : s.path("resources")) {
                if (!"job".equals(r.path("kind").asText())) continue;
                String host = r.hasNonNull("host") ? r.get("host").asText() : s.path("host").asText("");
                jobsOn.computeIfAbsent(host, h -> new ArrayList<>()).add(new JsonNode[]{s, r});
            }
        }
        List<Host> out = new ArrayList<>();
        for (JsonNode h : hosts.path("hosts")) {
            String name = h.path("name").asText();
            List<Gpu> gpus = gpus(h.path("gpus"));
            List<Job> jobs = new ArrayList<>();
            for (JsonNode[] sr : jobsOn.getOrDefault(name, List.of())) jobs.add(job(sr[0].path("level").asText(), sr[1], gpus));
            jobs.sort(Comparator.comparing(Job::level).thenComparing(Job::name));
            List<String> levels = new ArrayList<>();
            h.path("levels").forEach(l -> levels.add(l.asText()));
            boolean missing = h.hasNonNull("note");
            out.add(new Host(name, h.path("address").asText("-"), h.path("status").asText("unknown"), h.path("self").asBoolean(false),
                    pool(h.path("pool"), missing), free(h.path("pool"), missing), List.copyOf(levels), gpus, List.copyOf(jobs),
                    missing ? h.get("note").asText() : null));
        }
        return out;
    }

    static List<Gpu> gpus(JsonNode gpus) {
        List<Gpu> out = new ArrayList<>();
        int i = 0;
        for (JsonNode g : gpus) {
            out.add(new Gpu(i++, g.path("uuid").asText(""), g.path("name").asText("unnamed GPU"), Math.max(0, g.path("vramTotal").asLong()),
                    Math.max(0, g.path("vramFree").asLong())));
        }
        return List.copyOf(out);
    }

    static Job job(String level, JsonNode r, List<Gpu> hostGpus) {
        Map<String, Gpu> byUuid = new LinkedHashMap<>();
        for (Gpu g : hostGpus) byUuid.put(g.uuid(), g);
        List<String> held = new ArrayList<>();
        for (JsonNode u : r.path("gpus")) {
            Gpu g = byUuid.get(u.asText());
            held.add(g == null ? u.asText() : g.label());
        }
        List<Checkpoints.Point> history = new ArrayList<>();
        for (JsonNode p : r.path("history")) {
            Map<String, Double> metrics = new TreeMap<>();
            p.path("metrics").fields().forEachRemaining(e -> {
                if (e.getValue().isNumber()) metrics.put(e.getKey(), e.getValue().asDouble());
            });
            history.add(new Checkpoints.Point(p.path("step").asLong(), metrics));
        }
        return new Job(level, r.path("name").asText(), r.path("state").asText("Unknown"), r.hasNonNull("why") ? r.get("why").asText() : null,
                held.isEmpty() ? "-" : String.join(", ", held), r.hasNonNull("step") ? r.get("step").asText() : "-", MetricChart.of(history));
    }

    private static String pool(JsonNode pool, boolean missing) {
        if (pool.isObject()) return pool.path("name").asText("-");
        return missing ? "?" : "-";
    }

    private static String free(JsonNode pool, boolean missing) {
        if (!pool.isObject()) return missing ? "?" : "-";
        if (!pool.path("available").asBoolean(true)) return "unavailable";
        long free = pool.path("free").asLong(-1);
        return free < 0 ? "?" : HostsCommand.size(free);
    }
}
