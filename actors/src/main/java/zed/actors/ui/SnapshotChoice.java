package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The snapshots the Rollback page offers, from {@code GET /v1/levels/{id}/snapshots}: a rollback to a snapshot by name
 * takes every dataset of the level back to its snapshot of that name, so only names that every dataset listed holds
 * are offered, newest first, each with the revision it holds and when it was taken. Pure.
 *
 * @param revision the revision the snapshot holds, "-" when it says none
 * @param taken    when, "-" when unknown
 */
public record SnapshotChoice(String name, String revision, String taken) {
    public static List<SnapshotChoice> of(JsonNode snapshots) {
        Set<String> datasets = new LinkedHashSet<>();
        Map<String, Set<String>> holders = new LinkedHashMap<>();
        Map<String, SnapshotChoice> first = new LinkedHashMap<>();
        for (JsonNode s : snapshots.path("snapshots")) {
            String dataset = s.path("dataset").asText(), name = s.path("snapshot").asText();
            if (dataset.isEmpty() || name.isEmpty()) continue;
            datasets.add(dataset);
            holders.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(dataset);
            first.putIfAbsent(name, new SnapshotChoice(name, s.path("revision").isNumber() ? Long.toString(s.get("revision").asLong()) : "-",
                    s.hasNonNull("taken") ? s.get("taken").asText().replace('T', ' ') : "-"));
        }
        List<SnapshotChoice> out = new ArrayList<>();
        // the listing is newest first: the order each name was first seen in
        for (Map.Entry<String, SnapshotChoice> e : first.entrySet()) if (holders.get(e.getKey()).containsAll(datasets)) out.add(e.getValue());
        return List.copyOf(out);
    }
}
