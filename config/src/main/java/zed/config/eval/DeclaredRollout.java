package zed.config.eval;

import zed.config.Diagnostic;
import zed.config.Pos;
import zed.config.Value;
import zed.config.ZedfileException;
import zed.config.syntax.Body;
import zed.config.syntax.Expr;

import java.time.Duration;
import java.util.List;

/**
 * How a Zedfile's level with {@code hosts = [...]} rolls a revision out across its hosts, read before the level is
 * evaluated: the rollout decides which hosts are handed the Zedfile, and each host evaluates it on its own. So, like
 * {@link zed.config.DeclaredHost}, these are written as plain values (a number, true/false, a quoted string), never
 * expressions. Each host's evaluation checks them again and keeps them in its spec.
 *
 * @param strategy         "coordinated" or "rolling"
 * @param progressDeadline how long one host may take to pass its gate
 */
public record DeclaredRollout(String strategy, int maxParallel, int canary, boolean autoPromote, boolean autoRevert, Duration progressDeadline) {
    public static final DeclaredRollout DEFAULT = new DeclaredRollout("coordinated", 1, 0, false, true, zed.config.LevelSpec.UpdatePolicy.PROGRESS_DEADLINE);

    /**
     * @return the rollout the Zedfile declares, its defaults where it declares none (also for a file that does not
     * parse: its errors are the evaluation's to report)
     * @throws ZedfileException when a setting is written but is no plain value of its type
     */
    public static DeclaredRollout of(String file, String source) {
        Body body = zed.config.DeclaredHost.parsed(file, source);
        if (body == null) return DEFAULT;
        Body upd = body.blocks("update").stream().findFirst().map(Body.Block::body).orElse(null);
        Body snap = body.blocks("snapshots").stream().findFirst().map(Body.Block::body).orElse(null);
        boolean beforeDeploy = plain(snap, "snapshots", "before_deploy", true, Typed::bool);
        String strategy = plain(upd, "update", "strategy", DEFAULT.strategy(), (v, p, w) -> v instanceof Value.Str s ? s.value() : null);
        try {
            return new DeclaredRollout(strategy, plain(upd, "update", "max_parallel", 1, Typed::integer), plain(upd, "update", "canary", 0, Typed::integer),
                    plain(upd, "update", "auto_promote", false, Typed::bool), plain(upd, "update", "auto_revert", beforeDeploy, Typed::bool),
                    plain(upd, "update", "progress_deadline", DEFAULT.progressDeadline(), Typed::duration));
        } catch (EvalError e) {
            throw new ZedfileException(List.of(new Diagnostic(e.pos(), e.getMessage())));
        }
    }

    private static <T> T plain(Body block, String type, String name, T dflt, SpecBuilder.Conv<T> conv) {
        Body.Attribute a = block == null ? null : block.attribute(name);
        if (a == null) return dflt;
        Value v = a.expr() instanceof Expr.Literal l ? l.value()
                : a.expr() instanceof Expr.Template t && t.staticText() != null ? new Value.Str(t.staticText()) : null;
        T out = v == null ? null : conv.apply(v, a.pos(), type + "." + name);
        if (out == null) throw refused(a.pos(), type + "." + name + " must be a plain value (a number, true or false, or a quoted string) on a level with "
                + "hosts = [...]: the rollout reads it before anything is evaluated");
        return out;
    }

    private static ZedfileException refused(Pos pos, String message) {
        return new ZedfileException(List.of(new Diagnostic(pos, message)));
    }
}
