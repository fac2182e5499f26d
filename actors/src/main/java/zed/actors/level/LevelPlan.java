package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import zed.actors.plan.LevelDiff;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Snapshots;
import zed.reconciler.dataset.Stamp;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * {@code zed plan}: what a converge of the level's desired revision would change on this host now; changes nothing.
 * And the plans an operator reviews before an apply ({@link LevelDiff}): of a push, and of a rollback.
 */
final class LevelPlan {
    private LevelPlan() {
    }

    static void run(LevelHost host, RevisionLog s, ActorRef<LevelCommand.Planned> replyTo) {
        LevelSpec spec = s.desiredSpec();
        if (!s.exists() || spec == null) {
            replyTo.tell(new LevelCommand.Planned(null, "no such level: " + s.level()));
            return;
        }
        long rev = s.desired();
        CompletableFuture.supplyAsync(() -> Convergence.plan(spec, host.store(spec), host.root(spec), Stamp.now(rev)).toJson(), host.work().zfs())
                .whenComplete((json, e) -> replyTo.tell(e == null ? new LevelCommand.Planned(json, null)
                        : new LevelCommand.Planned(null, (e.getCause() != null ? e.getCause() : e).getMessage())));
    }

    /** The plan of pushing {@code source} (evaluated to {@code after}) to the level as {@code s} holds it. */
    static LevelDiff ofPush(String level, RevisionLog s, LevelSpec after, String source, String filename) {
        return LevelDiff.ofPush(level, s.desired(), s.stopped(), held(s), after, new LevelDiff.Source(after, filename, source));
    }

    /** What the level holds now: its desired revision's spec and the Zedfile it came from; null before its first. */
    private static LevelDiff.Source held(RevisionLog s) {
        LevelSpec spec = s.desiredSpec();
        RevisionLog.Revision r = s.source();
        return spec == null || r == null ? null : new LevelDiff.Source(spec, r.filename(), r.source());
    }

    /**
     * A rollback's target as found on the level's datasets: each dataset's snapshot, and the revision they carry (null:
     * they say none, and the rollback converges the revision held now).
     */
    record Resolved(List<String> snapshots, Long revision) {
        Resolved {
            snapshots = List.copyOf(snapshots);
        }
    }

    /** Resolves {@code target} on every dataset of {@code spec}; throws (a StoreError) when one has no such snapshot. I/O. */
    static Resolved resolve(LevelHost host, LevelSpec spec, String target) {
        var store = host.store(spec);
        List<String> found = new ArrayList<>();
        Long revision = null;
        for (LevelSpec.DatasetSpec d : spec.datasets()) {
            zed.reconciler.store.Snapshot snap = Snapshots.resolve(store, zed.reconciler.dataset.Planner.full(host.root(spec), d.name()), target);
            found.add(d.name() + "@" + snap.name());
            if (revision == null) revision = Snapshots.revision(snap);
        }
        return new Resolved(found, revision);
    }

    /**
     * The plan of rolling the level back to {@code r}: the revision its datasets carry converges again (the one held
     * now when they say none, as the rollback does). Null when that revision's spec is no longer kept: the rollback
     * would fail with the datasets back, and is refused before.
     */
    static LevelDiff ofRollback(String level, RevisionLog s, String target, Resolved r) {
        long to = r.revision() != null ? r.revision() : s.desired();
        if (!s.kept(to)) return null;
        RevisionLog.Revision rev = s.revisions().get(to);
        return LevelDiff.ofRollback(level, s.desired(), target, r.snapshots(), to, held(s), new LevelDiff.Source(s.spec(to), rev.filename(), rev.source()));
    }
}
