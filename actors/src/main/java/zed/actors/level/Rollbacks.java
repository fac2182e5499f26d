package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import zed.actors.level.LevelEvent.RollbackStarted;
import zed.actors.resource.LevelDatasets;
import zed.actors.resource.ServiceActor;
import zed.config.LevelSpec;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;

/**
 * The steps of a rollback, an operator's or an automatic revert's, once it is journaled ({@link RollbackStarted}):
 * STATE.md's order, stop the level's services (a running service holds its files and ports, and its stamps would
 * be rolled away from under it), then roll the datasets back; the level converges the revision they carry after
 * that. Each rollback has an id and a deadline: what reports on another id is stale and ignored, and one that
 * passes its deadline is given up.
 */
final class Rollbacks {
    /** How long a rollback may take, its services' stops included, before it is given up; {@value #TIMEOUT_PATH} sets it. */
    static final Duration TIMEOUT = Duration.ofMinutes(5);
    static final String TIMEOUT_PATH = "zed.rollback.timeout";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final ActorContext<LevelCommand> ctx;
    private final LevelResources resources;
    /** The rollback whose steps run now (null: none). */
    private String acting;
    private String target;
    private LevelSpec scope;
    private int pendingStops;
    /** An operator's target is being resolved on the datasets: a second rollback waits for that answer. */
    private boolean resolving;

    private final Duration timeout;

    Rollbacks(ActorContext<LevelCommand> ctx, LevelResources resources) {
        this.ctx = ctx;
        this.resources = resources;
        com.typesafe.config.Config c = ctx.getSystem().settings().config();
        this.timeout = c.hasPath(TIMEOUT_PATH) ? c.getDuration(TIMEOUT_PATH) : TIMEOUT;
    }

    Duration timeout() {
        return timeout;
    }

    static String newId() {
        byte[] b = new byte[4];
        RANDOM.nextBytes(b);
        return "rb-" + HexFormat.of().formatHex(b);
    }

    Instant deadline() {
        return Instant.now().plus(timeout);
    }

    boolean resolving() {
        return resolving;
    }

    void resolving(boolean r) {
        resolving = r;
    }

    /**
     * Runs the steps of a journaled rollback (again, after a restart of the node: rolling back to the same snapshot
     * twice is the same as once). {@code scope} is the spec whose datasets go back.
     */
    void act(RollbackStarted r, LevelSpec scope) {
        acting = r.rollback();
        target = r.target();
        this.scope = scope;
        Duration left = Duration.between(Instant.now(), r.deadline());
        // after a restart the journaled deadline may have passed while the node was down: a fresh window
        ctx.scheduleOnce(left.isNegative() || left.isZero() ? timeout : left, ctx.getSelf(), new LevelCommand.RollbackDeadline(r.rollback()));
        String id = r.rollback();
        ActorRef<ServiceActor.Stopped> replies = ctx.messageAdapter(ServiceActor.Stopped.class, s -> new LevelCommand.ServiceStopped(id, s));
        pendingStops = resources.stopServices(replies);
        if (pendingStops == 0) rollDatasets();
    }

    void serviceStopped(String id) {
        if (!id.equals(acting)) return;
        if (--pendingStops == 0) rollDatasets();
    }

    private void rollDatasets() {
        if (target == null || scope == null || scope.datasets().isEmpty()) {
            // nothing to take back (no datasets, or no snapshot of the stable revision): the revision converges on them
            ctx.getSelf().tell(new LevelCommand.FromDatasets(new LevelDatasets.Report(0, false, null, List.of(), null, List.of(), null, acting)));
            return;
        }
        resources.rollBackDatasets(acting, target, scope);
    }

    /** Whether a report about rollback {@code id} is about the one running now. */
    boolean current(String id) {
        return id != null && id.equals(acting);
    }

    void done() {
        acting = null;
        target = null;
        scope = null;
        pendingStops = 0;
    }
}
