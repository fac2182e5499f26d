package zed.actors.replica;

import zed.actors.JsonEvent;
import zed.reconciler.replica.ReplicaPlan;

import java.util.List;

/** A {@link ReplicaPlan} step that sends something, as it crosses to the standby (the plan's records are a sealed family). */
public record Wire(String kind, String snapshot, String from, String to, List<String> discard) implements JsonEvent {
    public Wire {
        discard = discard == null ? List.of() : List.copyOf(discard);
    }

    static Wire of(ReplicaPlan.Step step) {
        if (step instanceof ReplicaPlan.Full f) return new Wire("full", f.snapshot(), null, null, List.of());
        if (step instanceof ReplicaPlan.Again a) return new Wire("again", a.snapshot(), null, null, List.of());
        if (step instanceof ReplicaPlan.Incremental i) return new Wire("incremental", null, i.from(), i.to(), i.discard());
        throw new IllegalArgumentException("nothing is sent for " + step);
    }

    ReplicaPlan.Step step() {
        return switch (kind) {
            case "full" -> new ReplicaPlan.Full(snapshot);
            case "again" -> new ReplicaPlan.Again(snapshot, "received again");
            case "incremental" -> new ReplicaPlan.Incremental(from, to, discard);
            default -> throw new IllegalArgumentException("not a replication step: " + kind);
        };
    }
}
