package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Stamp;

import java.util.concurrent.CompletableFuture;

/** {@code zed plan}: what a converge of the level's desired revision would change on this host now; changes nothing. */
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
}
