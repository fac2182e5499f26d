package zed.config.eval;

import zed.config.Pos;
import zed.config.Value;
import zed.config.syntax.Expr;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Evaluates one expression in a {@link Scope}. Pure: all outside knowledge comes through the scope. */
public final class Interpreter {
    /** Numbers beyond 10^±1000 are refused rather than allowed to grow without bound. */
    private static final int MAX_MAGNITUDE = 1000;
    /**
     * Sums are exact; products and quotients keep 160 significant digits, a little more than HCL's 512-bit floats,
     * so that repeated multiplication cannot grow a number without bound.
     */
    private static final MathContext PRECISION = new MathContext(160);

    private Interpreter() {
    }

    public static Value eval(Expr e, Scope scope) {
        if (e instanceof Expr.Literal l) return l.value();
        if (e instanceof Expr.Template t) return template(t, scope);
        if (e instanceof Expr.Paren p) return eval(p.inner(), scope);
        if (e instanceof Expr.ListExpr l) {
            List<Value> items = new ArrayList<>();
            for (Expr i : l.items()) items.add(eval(i, scope));
            return new Value.ListV(items);
        }
        if (e instanceof Expr.ObjectExpr o) {
            Map<String, Value> fields = new LinkedHashMap<>();
            Map<String, Pos> where = new LinkedHashMap<>();
            for (Expr.Item item : o.items()) {
                String key = objectKey(item, scope);
                Pos prev = where.putIfAbsent(key, item.pos());
                if (prev != null) throw new EvalError(item.pos(), "duplicate object key \"" + key + "\"; first set at " + prev);
                fields.put(key, eval(item.value(), scope));
            }
            return new Value.ObjV(fields);
        }
        if (e instanceof Expr.Var || e instanceof Expr.GetAttr || e instanceof Expr.Index) return traversal(e, scope);
        if (e instanceof Expr.Call c) {
            List<Value> args = new ArrayList<>();
            for (Expr a : c.args()) args.add(eval(a, scope));
            return scope.call(c, args);
        }
        if (e instanceof Expr.Unary u) return unary(u, scope);
        if (e instanceof Expr.Binary b) return binary(b, scope);
        if (e instanceof Expr.Conditional c) {
            Value cond = eval(c.condition(), scope);
            if (!(cond instanceof Value.Bool b)) throw new EvalError(c.condition().pos(), "the condition must be a bool, not " + describe(cond));
            return b.value() ? eval(c.then(), scope) : eval(c.otherwise(), scope);
        }
        throw new IllegalStateException("unknown expression " + e);
    }

    public static String objectKey(Expr.Item item, Scope scope) {
        String s = item.staticKey();
        if (s != null) return s;
        Value k = eval(item.key(), scope);
        if (k instanceof Value.Str str) return str.value();
        if (k instanceof Value.Num n) return n.plain();
        if (k instanceof Value.Bool b) return String.valueOf(b.value());
        throw new EvalError(item.key().pos(), "an object key must be a string, not " + describe(k));
    }

    // ---- references --------------------------------------------------------------------------------------------

    private static Value traversal(Expr e, Scope scope) {
        Deque<Expr> chain = new ArrayDeque<>();
        Expr cur = e;
        while (cur instanceof Expr.GetAttr || cur instanceof Expr.Index) {
            chain.push(cur);
            cur = cur instanceof Expr.GetAttr g ? g.target() : ((Expr.Index) cur).target();
        }
        List<Step> steps = new ArrayList<>();
        for (Expr s : chain) steps.add(toStep(s, scope));
        if (cur instanceof Expr.Var v) return scope.reference(v, steps);
        Value v = eval(cur, scope);
        for (Step s : steps) v = step(v, s);
        return v;
    }

    private static Step toStep(Expr s, Scope scope) {
        if (s instanceof Expr.GetAttr g) return Step.attr(g.name(), g.pos());
        Expr.Index ix = (Expr.Index) s;
        Value k = eval(ix.key(), scope);
        if (k instanceof Value.Str str) return Step.attr(str.value(), ix.pos());
        if (k instanceof Value.Num n) {
            Integer i = n.intValue();
            if (i == null) throw new EvalError(ix.key().pos(), "an index must be a whole number, not " + n.plain());
            return Step.index(i, ix.pos());
        }
        throw new EvalError(ix.key().pos(), "an index must be a number or a string, not " + describe(k));
    }

    /** Applies one step to a value: an attribute or key of an object, an element of a list. */
    public static Value step(Value v, Step s) {
        if (v instanceof Value.ObjV o) {
            if (s.isIndex()) {
                Value f = o.get(String.valueOf(s.index()));
                if (f != null) return f;
                throw new EvalError(s.pos(), "an object is indexed by key, not by number " + s.index());
            }
            Value f = o.get(s.name());
            if (f == null) {
                String hint = Names.didYouMean(s.name(), o.fields().keySet());
                throw new EvalError(s.pos(), "no attribute \"" + s.name() + "\"" + hint);
            }
            return f;
        }
        if (v instanceof Value.ListV l) {
            if (!s.isIndex() && s.name().matches("-?[0-9]+")) {
                s = Step.index(Integer.parseInt(s.name()), s.pos()); // HCL converts a numeric string key
            }
            if (!s.isIndex()) throw new EvalError(s.pos(), "a list is indexed by number, not by \"" + s.name() + "\"");
            if (s.index() < 0 || s.index() >= l.items().size()) {
                throw new EvalError(s.pos(), "index " + s.index() + " is out of range for a list of " + l.items().size());
            }
            return l.items().get(s.index());
        }
        if (v instanceof Value.Null) throw new EvalError(s.pos(), "cannot use " + s + " on null: the value is not set");
        throw new EvalError(s.pos(), "cannot use " + s + " on " + describe(v));
    }

    // ---- templates ---------------------------------------------------------------------------------------------

    private static Value template(Expr.Template t, Scope scope) {
        if (t.parts().size() == 1 && t.parts().get(0) instanceof Expr.Interp only) return eval(only.expr(), scope);
        List<Object> parts = new ArrayList<>();
        boolean secret = false;
        for (Expr.Part p : t.parts()) {
            if (p instanceof Expr.Text text) {
                parts.add(text.text());
                continue;
            }
            Expr.Interp in = (Expr.Interp) p;
            Value v = eval(in.expr(), scope);
            if (v instanceof Value.Secret s) {
                secret = true;
                parts.addAll(s.parts());
            } else {
                parts.add(toText(v, in.expr().pos()));
            }
        }
        if (secret) return new Value.Secret(parts);
        StringBuilder sb = new StringBuilder();
        for (Object o : parts) sb.append(o);
        return new Value.Str(sb.toString());
    }

    /** A value as it appears inside a string. */
    public static String toText(Value v, Pos pos) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Num n) return n.plain();
        if (v instanceof Value.Bool b) return String.valueOf(b.value());
        if (v instanceof Value.Null) throw new EvalError(pos, "cannot put null into a string");
        if (v instanceof Value.Secret) throw new EvalError(pos, "a secret can only be interpolated into a string");
        throw new EvalError(pos, "cannot put " + describe(v) + " into a string; use enc::json(...)");
    }

    // ---- operators ---------------------------------------------------------------------------------------------

    private static Value unary(Expr.Unary u, Scope scope) {
        Value v = eval(u.operand(), scope);
        if (u.op().equals("!")) return Value.Bool.of(!bool(v, u.operand().pos(), "!"));
        return checked(number(v, u.operand().pos(), "-").negate(), u.pos());
    }

    private static Value binary(Expr.Binary b, Scope scope) {
        String op = b.op();
        if (op.equals("&&") || op.equals("||")) {
            boolean l = bool(eval(b.left(), scope), b.left().pos(), op);
            if (op.equals("&&") && !l) return Value.Bool.FALSE;
            if (op.equals("||") && l) return Value.Bool.TRUE;
            return Value.Bool.of(bool(eval(b.right(), scope), b.right().pos(), op));
        }
        Value l = eval(b.left(), scope);
        Value r = eval(b.right(), scope);
        switch (op) {
            case "==": return Value.Bool.of(l.equals(r));
            case "!=": return Value.Bool.of(!l.equals(r));
            default: break;
        }
        BigDecimal x = number(l, b.left().pos(), op);
        BigDecimal y = number(r, b.right().pos(), op);
        try {
            switch (op) {
                case "+": return checked(x.add(y), b.pos());
                case "-": return checked(x.subtract(y), b.pos());
                case "*": return checked(x.multiply(y, PRECISION), b.pos());
                case "/":
                    if (y.signum() == 0) throw new EvalError(b.pos(), "division by zero");
                    return checked(x.divide(y, PRECISION), b.pos());
                case "%":
                    if (y.signum() == 0) throw new EvalError(b.pos(), "modulo by zero");
                    return checked(x.remainder(y, PRECISION), b.pos());
                case "<": return Value.Bool.of(x.compareTo(y) < 0);
                case ">": return Value.Bool.of(x.compareTo(y) > 0);
                case "<=": return Value.Bool.of(x.compareTo(y) <= 0);
                case ">=": return Value.Bool.of(x.compareTo(y) >= 0);
                default: throw new IllegalStateException(op);
            }
        } catch (ArithmeticException ex) {
            throw new EvalError(b.pos(), "number out of range");
        }
    }

    private static Value checked(BigDecimal d, Pos pos) {
        if (d.signum() != 0 && Math.abs((long) d.precision() - d.scale()) > MAX_MAGNITUDE) throw new EvalError(pos, "number out of range");
        return new Value.Num(d);
    }

    /** Operands of arithmetic are numbers; a string that reads as a number converts, as in HCL. */
    private static BigDecimal number(Value v, Pos pos, String op) {
        if (v instanceof Value.Num n) return n.value();
        if (v instanceof Value.Str s) {
            try {
                BigDecimal d = new BigDecimal(s.value().trim());
                if (Math.abs((long) d.precision() - d.scale()) <= MAX_MAGNITUDE) return d;
            } catch (NumberFormatException ignored) {
                // fall through to the error
            }
        }
        throw new EvalError(pos, "operator " + op + " needs a number, not " + describe(v));
    }

    private static boolean bool(Value v, Pos pos, String op) {
        if (v instanceof Value.Bool b) return b.value();
        throw new EvalError(pos, "operator " + op + " needs a bool, not " + describe(v));
    }

    /** A value as an error message names it: its type, and short values themselves. */
    public static String describe(Value v) {
        if (v instanceof Value.Str s) return s.value().length() <= 40 ? "string \"" + s.value() + "\"" : "a string";
        if (v instanceof Value.Num n) return "number " + n.plain();
        if (v instanceof Value.Bool b) return "bool " + b.value();
        if (v instanceof Value.Null) return "null";
        if (v instanceof Value.Secret) return "a secret";
        return "a" + (v instanceof Value.ObjV ? "n " : " ") + v.typeName();
    }
}
