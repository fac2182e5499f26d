package zed.actors.level;

import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;

import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;

/**
 * A level among its parent and children (ZEDFILE.md, Federation): it registers with the level above, whose context it
 * reads; it tells the levels below when its own context changes; and it converges only once its parent has. While it
 * waits it says for what, in its status: a parent that failed is named, with why, instead of a silent poll.
 */
final class Federation {
    /** How often a waiting level asks its parent again. */
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration ASK = Duration.ofSeconds(10);

    private final ActorContext<LevelCommand> ctx;
    private final String level;
    private final KnownLevels levels;
    /** The levels below that registered: in memory; they register again whenever they start. */
    private final Set<String> children = new TreeSet<>();
    /** What the level waits for, for status; null when it waits for nothing. */
    private String waiting;
    /** How soon a parent's change that could not be evaluated (a parent instance's host away) is evaluated again. */
    static final Duration RETRY = Duration.ofSeconds(10);
    /** Why the last change of the parent could not be evaluated, for status; null when it could. */
    private String cascade;
    private org.apache.pekko.actor.Cancellable retry;

    Federation(ActorContext<LevelCommand> ctx, String level, KnownLevels levels) {
        this.ctx = ctx;
        this.level = level;
        this.levels = levels;
    }

    /** The entities of a parent: itself, or each instance of a parent that runs on several hosts. */
    private java.util.List<String> entities(String parent) {
        java.util.List<String> instances = levels.instances(parent);
        return instances.isEmpty() ? java.util.List.of(parent) : instances;
    }

    void childRegistered(String child) {
        children.add(child);
    }

    /** Tells the level above that this one reads its context (again after every start of the node). */
    void registerWithParent(RevisionLog st) {
        String parent = st.parent();
        if (parent == null) return;
        ClusterSharding sharding = ClusterSharding.get(ctx.getSystem());
        // after a start the placement table may not be read yet: a multi-host parent's instances are known once it is
        levels.knows(parent).thenAccept(known -> {
            if (!known) return; // a parent that is gone: telling it would start an empty entity
            for (String e : entities(parent)) sharding.entityRefFor(LevelEntity.KEY, e).tell(new LevelCommand.RegisterChild(level));
        });
    }

    /** The context below changed: each child evaluates again, and gets a revision if what it read changed. */
    void tellChildren() {
        for (String child : children) {
            ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, child).tell(new LevelCommand.ParentChanged());
        }
    }

    /** Asks the parent how it is, for the converge of {@code rev}; the answer comes back as {@link LevelCommand.ParentIs}. */
    void askParent(String parent, long rev, boolean snapshot) {
        java.util.List<String> entities = entities(parent);
        if (entities.size() == 1 && entities.get(0).equals(parent)) {
            ctx.pipeToSelf(ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, parent).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK),
                    (s, e) -> e != null ? new LevelCommand.ParentIs("unknown", "it did not answer: " + e.getMessage(), rev, snapshot)
                            : new LevelCommand.ParentIs(s.state().phase(), s.state().lastError(), rev, snapshot));
            return;
        }
        // a parent on several hosts is ready once every instance is: the child read each of them
        java.util.List<java.util.concurrent.CompletableFuture<LevelCommand.ParentIs>> asks = new java.util.ArrayList<>();
        for (String id : entities) {
            String on = "its instance on host " + zed.actors.cluster.Instances.hostOf(id);
            asks.add(ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, id).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK)
                    .handle((s, e) -> e != null ? new LevelCommand.ParentIs("unknown", on + " did not answer: " + e.getMessage(), rev, snapshot)
                            : new LevelCommand.ParentIs(s.state().phase(), on + (s.state().lastError() == null ? "" : ": " + s.state().lastError()), rev, snapshot))
                    .toCompletableFuture());
        }
        ctx.pipeToSelf(java.util.concurrent.CompletableFuture.allOf(asks.toArray(new java.util.concurrent.CompletableFuture[0])), (done, e) -> {
            for (var a : asks) {
                LevelCommand.ParentIs p = a.join();
                if (!"Converged".equals(p.phase())) return p;
            }
            return new LevelCommand.ParentIs("Converged", null, rev, snapshot);
        });
    }

    /**
     * The parent's answer: true when this level may converge now; otherwise it asks again after {@link #POLL}, and its
     * status says what it waits for.
     */
    boolean parentReady(String parent, LevelCommand.ParentIs p) {
        if ("Converged".equals(p.phase())) {
            waiting = null;
            return true;
        }
        waiting = "the parent level " + parent + " is " + p.phase() + (p.error() == null ? "" : " (" + p.error() + ")")
                + "; this level converges once it is Converged";
        ctx.scheduleOnce(POLL, ctx.getSelf(), new LevelCommand.AskParent(p.rev(), p.snapshot()));
        return false;
    }

    /**
     * A change of the parent could not be evaluated: the change is not dropped, it is evaluated again after
     * {@link #RETRY} (once, however many changes came meanwhile), and the status says why until it can be.
     */
    void cascadeFailed(String why) {
        if (cascade == null) ctx.getLog().warn("level {}: a change of its parent could not be evaluated, tried again every {} s: {}", level, RETRY.toSeconds(), why);
        cascade = "a change of the parent level could not be evaluated (" + why + "); it is evaluated again every " + RETRY.toSeconds() + " s";
        if (retry != null) retry.cancel();
        retry = ctx.scheduleOnce(RETRY, ctx.getSelf(), new LevelCommand.ParentChanged());
    }

    /** The level's Zedfile evaluated against its parents as they are now: no change of theirs is pending. */
    void cascadeEvaluated() {
        cascade = null;
        if (retry != null) retry.cancel();
        retry = null;
    }

    void stopWaiting() {
        waiting = null;
    }

    String waiting() {
        return waiting != null ? waiting : cascade;
    }
}
