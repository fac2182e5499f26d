package zed.config.syntax;

import zed.config.Pos;
import zed.config.Value;

import java.util.List;

/** An expression as written, before evaluation. Every node knows where it stands. */
public sealed interface Expr {
    Pos pos();

    /** A constant: number, bool, null. (Strings are {@link Template}s.) */
    record Literal(Value value, Pos pos) implements Expr {
    }

    /** A quoted string or heredoc. A lone interpolation {@code "${x}"} yields x's value unchanged, as in HCL. */
    record Template(List<Part> parts, Pos pos) implements Expr {
        public Template {
            parts = List.copyOf(parts);
        }

        /** The text, when the template has no interpolation; else null. */
        public String staticText() {
            StringBuilder sb = new StringBuilder();
            for (Part p : parts) {
                if (!(p instanceof Text t)) return null;
                sb.append(t.text());
            }
            return sb.toString();
        }
    }

    sealed interface Part {
        Pos pos();
    }

    record Text(String text, Pos pos) implements Part {
    }

    record Interp(Expr expr, Pos pos) implements Part {
    }

    record ListExpr(List<Expr> items, Pos pos) implements Expr {
        public ListExpr {
            items = List.copyOf(items);
        }
    }

    record ObjectExpr(List<Item> items, Pos pos) implements Expr {
        public ObjectExpr {
            items = List.copyOf(items);
        }
    }

    /** One {@code key = value}. A bare identifier key is a string; {@code (expr)} keys are evaluated. */
    record Item(Expr key, Expr value, Pos pos) {
        /** The key's text when it is known without evaluation; else null. */
        public String staticKey() {
            return key instanceof Template t ? t.staticText() : null;
        }
    }

    /** A bare name: the root of a reference such as {@code self} or {@code service}. */
    record Var(String name, Pos pos) implements Expr {
    }

    /** {@code target.name}. */
    record GetAttr(Expr target, String name, Pos pos) implements Expr {
    }

    /** {@code target[key]}. */
    record Index(Expr target, Expr key, Pos pos) implements Expr {
    }

    /** {@code ns::name(args)}; namespace is empty for plain calls such as {@code file(...)}. */
    record Call(String namespace, String name, List<Expr> args, Pos pos) implements Expr {
        public Call {
            args = List.copyOf(args);
        }

        public String fullName() {
            return namespace.isEmpty() ? name : namespace + "::" + name;
        }
    }

    record Binary(String op, Expr left, Expr right, Pos pos) implements Expr {
    }

    record Unary(String op, Expr operand, Pos pos) implements Expr {
    }

    record Conditional(Expr condition, Expr then, Expr otherwise, Pos pos) implements Expr {
    }

    record Paren(Expr inner, Pos pos) implements Expr {
    }
}
