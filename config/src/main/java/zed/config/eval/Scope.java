package zed.config.eval;

import zed.config.Value;
import zed.config.syntax.Expr;

import java.util.List;

/** What names mean where an expression is evaluated: references and the context that functions see. */
public interface Scope {
    /** The value of {@code root.steps...}; apply leftover steps with {@link Interpreter#step}. */
    Value reference(Expr.Var root, List<Step> steps);

    /** Calls a function; the scope decides which functions exist here and what they see. */
    Value call(Expr.Call call, List<Value> args);

    /** A scope with no references and only the pure functions: for constant expressions. */
    Scope EMPTY = new Scope() {
        @Override
        public Value reference(Expr.Var root, List<Step> steps) {
            throw new EvalError(root.pos(), "unknown name \"" + root.name() + "\": no references are allowed here");
        }

        @Override
        public Value call(Expr.Call call, List<Value> args) {
            return Functions.callPure(call, args);
        }
    };
}
