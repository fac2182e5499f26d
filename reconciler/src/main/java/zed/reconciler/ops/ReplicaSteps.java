package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.store.Names;
import zed.reconciler.store.StoreError;

import java.util.ArrayList;
import java.util.List;

/**
 * A replication step as an ops request carries it: {@code {kind, snapshot | from, to, discard}}, each name a plain
 * snapshot name. Only the steps that move bytes (full, again, incremental) and a model's up-to-date travel; the
 * others are decided and acted on by the agent alone.
 */
final class ReplicaSteps {
    private ReplicaSteps() {
    }

    static ObjectNode json(ReplicaPlan.Step step) {
        ObjectNode n = Frames.JSON.createObjectNode();
        if (step instanceof ReplicaPlan.Full f) n.put("kind", "full").put("snapshot", f.snapshot());
        else if (step instanceof ReplicaPlan.Again a) n.put("kind", "again").put("snapshot", a.snapshot());
        else if (step instanceof ReplicaPlan.UpToDate u) n.put("kind", "upToDate").put("snapshot", u.snapshot());
        else if (step instanceof ReplicaPlan.Incremental i) {
            n.put("kind", "incremental").put("from", i.from()).put("to", i.to());
            i.discard().forEach(n.putArray("discard")::add);
        } else throw new IllegalArgumentException("nothing to send or receive for " + step);
        return n;
    }

    /**
     * @param upToDate whether {@link ReplicaPlan.UpToDate} is one of the steps the operation takes (a model's receive)
     * @throws StoreError when it is no such step, or names a snapshot that is not a plain name
     */
    static ReplicaPlan.Step of(JsonNode n, String dataset, boolean upToDate) {
        if (n == null || !n.isObject()) throw new StoreError(StoreError.Kind.INVALID_NAME, dataset, "needs \"step\", an object");
        String kind = n.path("kind").asText("");
        return switch (kind) {
            case "full" -> new ReplicaPlan.Full(snap(n, "snapshot", dataset));
            case "again" -> new ReplicaPlan.Again(snap(n, "snapshot", dataset), "");
            case "incremental" -> {
                List<String> discard = new ArrayList<>();
                JsonNode d = n.get("discard");
                if (d != null && !d.isArray()) throw new StoreError(StoreError.Kind.INVALID_NAME, dataset, "a step's \"discard\" is a list of snapshot names");
                if (d != null) for (JsonNode s : d) discard.add(Names.snapshot(s.isTextual() ? s.asText() : null));
                yield new ReplicaPlan.Incremental(snap(n, "from", dataset), snap(n, "to", dataset), discard);
            }
            case "upToDate" -> {
                if (!upToDate) throw new StoreError(StoreError.Kind.INVALID_NAME, dataset, "an up-to-date step moves no bytes: only a model's receive takes it");
                yield new ReplicaPlan.UpToDate(snap(n, "snapshot", dataset));
            }
            default -> throw new StoreError(StoreError.Kind.INVALID_NAME, dataset, "\"" + kind + "\" is not a step (full, again, incremental" + (upToDate ? ", upToDate" : "") + ")");
        };
    }

    private static String snap(JsonNode n, String field, String dataset) {
        JsonNode s = n.get(field);
        if (s == null || !s.isTextual()) throw new StoreError(StoreError.Kind.INVALID_NAME, dataset, "a step needs \"" + field + "\"");
        return Names.snapshot(s.asText());
    }
}
