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
    /** The levels below that registered: in memory; they register again whenever they start. */
    private final Set<String> children = new TreeSet<>();
    /** What the level waits for, for status; null when it waits for nothing. */
    private String waiting;

    Federation(ActorContext<LevelCommand> ctx, String level) {
        this.ctx = ctx;
        this.level = level;
    }

    void childRegistered(String child) {
        children.add(child);
    }

    /** Tells the level above that this one reads its context (again after every start of the node). */
    void registerWithParent(RevisionLog st) {
        String parent = st.parent();
        if (parent != null) ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, parent).tell(new LevelCommand.RegisterChild(level));
    }

    /** The context below changed: each child evaluates again, and gets a revision if what it read changed. */
    void tellChildren() {
        for (String child : children) {
            ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, child).tell(new LevelCommand.ParentChanged());
        }
    }

    /** Asks the parent how it is, for the converge of {@code rev}; the answer comes back as {@link LevelCommand.ParentIs}. */
    void askParent(String parent, long rev, boolean snapshot) {
        ctx.pipeToSelf(ClusterSharding.get(ctx.getSystem()).entityRefFor(LevelEntity.KEY, parent).<LevelCommand.Status>ask(LevelCommand.Get::new, ASK),
                (s, e) -> e != null ? new LevelCommand.ParentIs("unknown", "it did not answer: " + e.getMessage(), rev, snapshot)
                        : new LevelCommand.ParentIs(s.state().phase(), s.state().lastError(), rev, snapshot));
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

    void stopWaiting() {
        waiting = null;
    }

    String waiting() {
        return waiting;
    }
}
