package zed.config.eval;

import zed.config.Pos;

/** One evaluation error at one place. The level evaluator collects these; it never lets one escape unpositioned. */
public final class EvalError extends RuntimeException {
    private final Pos pos;

    public EvalError(Pos pos, String message) {
        super(message, null, false, false);
        this.pos = pos;
    }

    public Pos pos() {
        return pos;
    }
}
