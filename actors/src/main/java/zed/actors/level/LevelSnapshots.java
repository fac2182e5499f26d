package zed.actors.level;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorRef;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Snapshots;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;

/**
 * {@code GET /v1/levels/{id}/snapshots}: the snapshots of the level's datasets on this host, newest first, each with
 * the revision it carries and when it was taken; changes nothing.
 *
 * <pre>{"snapshots": [{"dataset": "d", "snapshot": "zed-deploy-2-20261205T221500Z", "revision": 2, "taken": "2026-12-05T22:15:00Z"}]}</pre>
 *
 * {@code revision} is null for a snapshot that carries none (one made by hand), {@code taken} null for one whose name
 * does not say when (Zed's deploy and rollout snapshots do).
 */
final class LevelSnapshots {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private LevelSnapshots() {
    }

    static void run(LevelHost host, RevisionLog s, ActorRef<LevelCommand.SnapshotList> replyTo) {
        LevelSpec spec = s.desiredSpec();
        if (!s.exists() || spec == null) {
            replyTo.tell(new LevelCommand.SnapshotList(null, "no such level: " + s.level()));
            return;
        }
        CompletableFuture.supplyAsync(() -> list(host.store(spec), host.root(spec), spec.datasets()).toString(), host.work().zfs())
                .whenComplete((json, e) -> replyTo.tell(e == null ? new LevelCommand.SnapshotList(json, null)
                        : new LevelCommand.SnapshotList(null, (e.getCause() != null ? e.getCause() : e).getMessage())));
    }

    /** I/O: a dataset not made yet (or destroyed with its level) has none. */
    static ObjectNode list(Store store, String root, List<LevelSpec.DatasetSpec> datasets) {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode out = o.putArray("snapshots");
        for (LevelSpec.DatasetSpec d : datasets) {
            String full = Planner.full(root, d.name());
            if (!store.exists(full)) continue;
            List<Snapshot> newestFirst = store.snapshots(full).stream().sorted(Comparator.comparingLong(Snapshot::order).reversed()).toList();
            for (Snapshot snap : newestFirst) {
                ObjectNode n = out.addObject();
                n.put("dataset", d.name());
                n.put("snapshot", snap.name());
                Long rev = Snapshots.revision(snap);
                if (rev != null) n.put("revision", rev);
                else n.putNull("revision");
                Instant taken = taken(snap.name());
                if (taken != null) n.put("taken", taken.toString());
                else n.putNull("taken");
            }
        }
        return o;
    }

    /** When a deploy or rollout snapshot was taken, from its name; null for another name. Pure. */
    static Instant taken(String snapshot) {
        for (java.util.regex.Pattern p : List.of(Snapshots.DEPLOY, Snapshots.ROLLOUT)) {
            Matcher m = p.matcher(snapshot);
            if (m.matches()) return STAMP.parse(m.group(2), Instant::from);
        }
        return null;
    }
}
