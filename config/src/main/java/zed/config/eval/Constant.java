package zed.config.eval;

import zed.config.Diagnostic;
import zed.config.Value;
import zed.config.ZedfileException;
import zed.config.syntax.Expr;
import zed.config.syntax.Parser;

import java.util.List;

/** Constant expressions: no references, pure functions only. Used for conformance tests and literal attributes. */
public final class Constant {
    private Constant() {
    }

    /** Parses and evaluates {@code source} as one expression in a file named {@code <expr>}. */
    public static Value eval(String source) {
        return eval(Parser.parseExpression("<expr>", source));
    }

    /** Runs on a deep stack, like level evaluation: a long operator chain recurses once per operator. */
    public static Value eval(Expr e) {
        return ChainEvaluator.onDeepStack(() -> {
            try {
                return Interpreter.eval(e, Scope.EMPTY);
            } catch (EvalError err) {
                throw new ZedfileException(List.of(new Diagnostic(err.pos(), err.getMessage())));
            }
        });
    }
}
