package zed.config.syntax;

import zed.config.Diagnostic;
import zed.config.Pos;
import zed.config.Value;
import zed.config.ZedfileException;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A hand-written recursive-descent parser for HCL native syntax as ZEDFILE.md uses it. Ours because hcl4j and the
 * other Java HCL libraries mangle {@code ns::fn()} calls and {@code ${}} templates. It collects every error it can
 * (recovering at the next line) and never throws anything but {@link ZedfileException}.
 */
public final class Parser {
    private static final int MAX_DEPTH = 128;

    private final Lexer lx;
    private final List<Diagnostic> errors = new ArrayList<>();
    private Token look;
    /** true: newlines separate items here; false: inside (), [], ${} where they are white space. */
    private final Deque<Boolean> newlines = new ArrayDeque<>();
    private int depth;
    /** Closers that the current item still owes, innermost first: where recovery starts skipping from. */
    private final Deque<Token.Kind> open = new ArrayDeque<>();

    private Parser(String file, String source) {
        lx = new Lexer(file, source);
        newlines.push(true);
    }

    /** Parses a whole file. Throws {@link ZedfileException} with every syntax error found. */
    public static Body parseFile(String file, String source) {
        Parser p = new Parser(file, source);
        Body body;
        try {
            body = p.body(false, p.lx.pos(0));
        } catch (Abandon a) {
            body = null; // recorded already
        }
        p.throwIfErrors();
        return body;
    }

    /** Parses one expression, such as the argument of {@code zed get}. */
    public static Expr parseExpression(String file, String source) {
        Parser p = new Parser(file, source);
        p.newlines.push(false);
        try {
            Expr e = p.expr();
            Token t = p.peek();
            if (!t.is(Token.Kind.EOF)) p.error(t.pos(), "unexpected " + t.describe() + " after the expression");
            p.throwIfErrors();
            return e;
        } catch (Abandon a) {
            p.throwIfErrors();
            throw new IllegalStateException("abandoned without an error");
        }
    }

    private void throwIfErrors() {
        if (!errors.isEmpty()) throw new ZedfileException(errors);
    }

    // ---- tokens ------------------------------------------------------------------------------------------------

    private Token peek() {
        if (look == null) look = lx.next();
        while (look.is(Token.Kind.NEWLINE) && !newlines.peek()) look = lx.next();
        return look;
    }

    private Token take() {
        Token t = peek();
        look = null;
        return t;
    }

    private boolean at(Token.Kind k) {
        return peek().is(k);
    }

    private boolean accept(Token.Kind k) {
        if (at(k)) {
            take();
            return true;
        }
        return false;
    }

    /** Signals a syntax error that abandons the current item; the body loop records it and recovers. */
    private static final class Abandon extends RuntimeException {
        Abandon() {
            super(null, null, false, false);
        }
    }

    private Abandon fail(Pos pos, String message) {
        error(pos, message);
        return new Abandon();
    }

    private void error(Pos pos, String message) {
        errors.add(new Diagnostic(pos, message));
    }

    private Token expect(Token.Kind k, String what) {
        Token t = peek();
        if (t.is(Token.Kind.ERROR)) throw fail(t.pos(), t.text());
        if (!t.is(k)) throw fail(t.pos(), "expected " + what + ", found " + t.describe());
        return take();
    }

    // ---- bodies ------------------------------------------------------------------------------------------------

    /** @param pos where the block's { stands (for "unclosed block") */
    private Body body(boolean inBlock, Pos pos) {
        List<Body.Attribute> attrs = new ArrayList<>();
        List<Body.Block> blocks = new ArrayList<>();
        while (true) {
            Token t = peek();
            if (t.is(Token.Kind.NEWLINE) || t.is(Token.Kind.COMMA)) {
                take();
                continue;
            }
            if (t.is(Token.Kind.EOF)) {
                if (inBlock) error(pos, "unclosed block: expected } to close the { opened here");
                break;
            }
            if (t.is(Token.Kind.RBRACE) && inBlock) break;
            try {
                open.clear();
                item(attrs, blocks, inBlock);
            } catch (Abandon a) {
                recover(inBlock);
            }
        }
        return new Body(attrs, blocks, pos);
    }

    private void item(List<Body.Attribute> attrs, List<Body.Block> blocks, boolean inBlock) {
        Token t = peek();
        if (t.is(Token.Kind.ERROR)) throw fail(t.pos(), t.text());
        if (!t.is(Token.Kind.IDENT)) {
            throw fail(t.pos(), "expected an attribute or a block, found " + t.describe());
        }
        Token name = take();
        if (accept(Token.Kind.ASSIGN)) {
            Expr e = expr();
            endOfItem(inBlock, "the value of " + name.text());
            attrs.add(new Body.Attribute(name.text(), e, name.pos()));
            return;
        }
        List<Body.Label> labels = new ArrayList<>();
        while (!at(Token.Kind.LBRACE)) {
            Token l = peek();
            if (l.is(Token.Kind.IDENT)) {
                take();
                labels.add(new Body.Label(l.text(), l.pos()));
            } else if (l.is(Token.Kind.OQUOTE)) {
                take();
                Expr.Template tpl = quoted(l);
                String text = tpl.staticText();
                if (text == null) throw fail(l.pos(), "a block label cannot contain ${...}");
                labels.add(new Body.Label(text, l.pos()));
            } else if (l.is(Token.Kind.ERROR)) {
                throw fail(l.pos(), l.text());
            } else {
                String what = labels.isEmpty() ? "= or a block label or {" : "a block label or {";
                throw fail(l.pos(), "expected " + what + " after \"" + name.text() + "\", found " + l.describe());
            }
        }
        Token brace = take();
        if (depth >= MAX_DEPTH) throw fail(name.pos(), "blocks nested too deeply");
        depth++;
        newlines.push(true);
        Body inner;
        try {
            inner = body(true, brace.pos());
        } finally {
            newlines.pop();
            depth--;
        }
        if (at(Token.Kind.RBRACE)) take();
        blocks.add(new Body.Block(name.text(), labels, new Body(inner.attributes(), inner.blocks(), name.pos()), name.pos()));
        endOfItem(inBlock, "the block");
    }

    private void endOfItem(boolean inBlock, String what) {
        Token t = peek();
        if (t.is(Token.Kind.NEWLINE) || t.is(Token.Kind.COMMA)) {
            take();
            return;
        }
        if (t.is(Token.Kind.EOF) || (inBlock && t.is(Token.Kind.RBRACE))) return;
        if (t.is(Token.Kind.ERROR)) throw fail(t.pos(), t.text());
        throw fail(t.pos(), "expected a new line after " + what + ", found " + t.describe());
    }

    /**
     * Skips to the end of the current item: the end of its line, once the brackets it left open are closed (or the
     * closing brace of the current block).
     */
    private void recover(boolean inBlock) {
        Deque<Token.Kind> owed = new ArrayDeque<>(open);
        open.clear();
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF:
                    return;
                case NEWLINE:
                    take();
                    if (owed.isEmpty()) return;
                    break;
                case OQUOTE:
                    take();
                    lx.skipQuoted();
                    break;
                case HEREDOC:
                    take();
                    lx.p = lx.lastHeredoc.after();
                    break;
                case LBRACE:
                    owed.push(Token.Kind.RBRACE);
                    take();
                    break;
                case LBRACK:
                    owed.push(Token.Kind.RBRACK);
                    take();
                    break;
                case LPAREN:
                    owed.push(Token.Kind.RPAREN);
                    take();
                    break;
                case RBRACE:
                case RBRACK:
                case RPAREN:
                    // a closer ends the innermost bracket it matches; brackets inside that were never closed
                    if (!owed.contains(t.kind())) {
                        if (t.is(Token.Kind.RBRACE)) {
                            if (!inBlock) take();
                            return;
                        }
                        take();
                        break;
                    }
                    while (owed.pop() != t.kind()) {
                        // drop the unclosed inner brackets
                    }
                    take();
                    break;
                default:
                    take();
            }
        }
    }

    // ---- expressions -------------------------------------------------------------------------------------------

    private Expr expr() {
        if (++depth > MAX_DEPTH) throw fail(peek().pos(), "expression nested too deeply");
        try {
            Expr c = binary(0);
            if (at(Token.Kind.QUESTION)) {
                take();
                Expr a = expr();
                expect(Token.Kind.COLON, "\":\" of the conditional");
                Expr b = expr();
                return new Expr.Conditional(c, a, b, c.pos());
            }
            return c;
        } finally {
            depth--;
        }
    }

    /** Binary operators, loosest first, as in HCL. */
    private static final List<List<Token.Kind>> LEVELS = List.of(
            List.of(Token.Kind.OR),
            List.of(Token.Kind.AND),
            List.of(Token.Kind.EQ, Token.Kind.NE),
            List.of(Token.Kind.LT, Token.Kind.GT, Token.Kind.LE, Token.Kind.GE),
            List.of(Token.Kind.PLUS, Token.Kind.MINUS),
            List.of(Token.Kind.STAR, Token.Kind.SLASH, Token.Kind.PERCENT));

    private Expr binary(int level) {
        if (level == LEVELS.size()) return unary();
        Expr left = binary(level + 1);
        while (LEVELS.get(level).contains(peek().kind())) {
            Token op = take();
            Expr right = binary(level + 1);
            left = new Expr.Binary(op.text(), left, right, op.pos());
        }
        return left;
    }

    private Expr unary() {
        if (at(Token.Kind.BANG) || at(Token.Kind.MINUS)) {
            Token op = take();
            if (++depth > MAX_DEPTH) throw fail(op.pos(), "expression nested too deeply");
            try {
                return new Expr.Unary(op.text(), unary(), op.pos());
            } finally {
                depth--;
            }
        }
        return postfix(primary());
    }

    private Expr postfix(Expr e) {
        while (true) {
            if (at(Token.Kind.DOT)) {
                Token dot = take();
                Token n = peek();
                if (n.is(Token.Kind.IDENT)) {
                    take();
                    e = new Expr.GetAttr(e, n.text(), n.pos());
                } else if (n.is(Token.Kind.NUMBER) && n.text().matches("[0-9]+(\\.[0-9]+)?")) {
                    // HCL's legacy index: x.0 is x[0] (and x.0.1, which lexes as one number, is x[0][1])
                    take();
                    int col = 0;
                    for (String part : n.text().split("\\.")) {
                        Pos at = new Pos(n.pos().file(), n.pos().line(), n.pos().col() + col);
                        e = new Expr.Index(e, new Expr.Literal(new Value.Num(new BigDecimal(part)), at), at);
                        col += part.length() + 1;
                    }
                } else if (n.is(Token.Kind.STAR)) {
                    throw fail(n.pos(), "splat expressions (.*) are not supported in Zedfiles");
                } else {
                    throw fail(dot.pos(), "expected an attribute name after \".\", found " + n.describe());
                }
            } else if (at(Token.Kind.LBRACK)) {
                Token bracket = take();
                open.push(Token.Kind.RBRACK);
                newlines.push(false);
                try {
                    if (at(Token.Kind.STAR)) throw fail(peek().pos(), "splat expressions ([*]) are not supported in Zedfiles");
                    Expr key = expr();
                    expect(Token.Kind.RBRACK, "\"]\" to close the index");
                    open.pop();
                    e = new Expr.Index(e, key, bracket.pos());
                } finally {
                    newlines.pop();
                }
            } else {
                return e;
            }
        }
    }

    private Expr primary() {
        Token t = peek();
        switch (t.kind()) {
            case NUMBER:
                take();
                return new Expr.Literal(new Value.Num(number(t)), t.pos());
            case OQUOTE:
                take();
                return quoted(t);
            case HEREDOC:
                take();
                return heredoc(t);
            case LBRACK:
                take();
                return list(t);
            case LBRACE:
                take();
                return object(t);
            case LPAREN: {
                take();
                open.push(Token.Kind.RPAREN);
                newlines.push(false);
                try {
                    Expr inner = expr();
                    expect(Token.Kind.RPAREN, "\")\"");
                    open.pop();
                    return new Expr.Paren(inner, t.pos());
                } finally {
                    newlines.pop();
                }
            }
            case IDENT:
                take();
                return identifier(t);
            case ERROR:
                throw fail(t.pos(), t.text());
            default:
                throw fail(t.pos(), "expected an expression, found " + t.describe());
        }
    }

    /** A number literal; beyond 10^±1000 it is refused, as arithmetic refuses such results. */
    private BigDecimal number(Token t) {
        try {
            BigDecimal d = new BigDecimal(t.text());
            if (Math.abs((long) d.scale()) <= 1000 && Math.abs((long) d.precision() - d.scale()) <= 1000) return d;
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw fail(t.pos(), "number " + (t.text().length() > 20 ? t.text().substring(0, 20) + "..." : t.text()) + " is out of range");
    }

    private Expr identifier(Token t) {
        switch (t.text()) {
            case "true": return new Expr.Literal(Value.Bool.TRUE, t.pos());
            case "false": return new Expr.Literal(Value.Bool.FALSE, t.pos());
            case "null": return new Expr.Literal(Value.Null.NULL, t.pos());
            default: break;
        }
        if (at(Token.Kind.DCOLON)) {
            StringBuilder ns = new StringBuilder(t.text());
            take();
            Token n = expect(Token.Kind.IDENT, "a function name after \"::\"");
            String name = n.text();
            while (at(Token.Kind.DCOLON)) {
                take();
                ns.append("::").append(name);
                name = expect(Token.Kind.IDENT, "a function name after \"::\"").text();
            }
            if (!at(Token.Kind.LPAREN)) throw fail(peek().pos(), "expected \"(\" to call " + ns + "::" + name + ", found " + peek().describe());
            take();
            return call(ns.toString(), name, t.pos());
        }
        if (at(Token.Kind.LPAREN)) {
            take();
            return call("", t.text(), t.pos());
        }
        return new Expr.Var(t.text(), t.pos());
    }

    private Expr call(String ns, String name, Pos pos) {
        open.push(Token.Kind.RPAREN);
        newlines.push(false);
        try {
            List<Expr> args = new ArrayList<>();
            while (!at(Token.Kind.RPAREN)) {
                args.add(expr());
                if (at(Token.Kind.ELLIPSIS)) throw fail(peek().pos(), "argument expansion (...) is not supported in Zedfiles");
                if (!accept(Token.Kind.COMMA)) break;
            }
            expect(Token.Kind.RPAREN, "\",\" or \")\" in the arguments of " + (ns.isEmpty() ? name : ns + "::" + name));
            open.pop();
            return new Expr.Call(ns, name, args, pos);
        } finally {
            newlines.pop();
        }
    }

    private Expr list(Token bracket) {
        open.push(Token.Kind.RBRACK);
        newlines.push(false);
        try {
            if (at(Token.Kind.IDENT) && peek().text().equals("for")) throw fail(peek().pos(), "for expressions are not supported in Zedfiles");
            List<Expr> items = new ArrayList<>();
            while (!at(Token.Kind.RBRACK)) {
                items.add(expr());
                if (!accept(Token.Kind.COMMA)) break;
            }
            expect(Token.Kind.RBRACK, "\",\" or \"]\" in the list opened at " + bracket.pos());
            open.pop();
            return new Expr.ListExpr(items, bracket.pos());
        } finally {
            newlines.pop();
        }
    }

    private Expr object(Token brace) {
        open.push(Token.Kind.RBRACE);
        newlines.push(true);
        try {
            if (at(Token.Kind.IDENT) && peek().text().equals("for")) throw fail(peek().pos(), "for expressions are not supported in Zedfiles");
            List<Expr.Item> items = new ArrayList<>();
            while (true) {
                while (at(Token.Kind.NEWLINE)) take();
                if (at(Token.Kind.RBRACE)) break;
                Token k = peek();
                Expr key;
                if (k.is(Token.Kind.IDENT)) {
                    take();
                    key = new Expr.Template(List.of(new Expr.Text(k.text(), k.pos())), k.pos());
                } else if (k.is(Token.Kind.OQUOTE)) {
                    take();
                    key = quoted(k);
                } else if (k.is(Token.Kind.NUMBER)) {
                    take();
                    key = new Expr.Template(List.of(new Expr.Text(new Value.Num(number(k)).plain(), k.pos())), k.pos());
                } else if (k.is(Token.Kind.LPAREN)) {
                    take();
                    open.push(Token.Kind.RPAREN);
                    newlines.push(false);
                    try {
                        key = expr();
                        expect(Token.Kind.RPAREN, "\")\"");
                        open.pop();
                    } finally {
                        newlines.pop();
                    }
                } else if (k.is(Token.Kind.ERROR)) {
                    throw fail(k.pos(), k.text());
                } else {
                    throw fail(k.pos(), "expected an object key or \"}\", found " + k.describe());
                }
                if (!accept(Token.Kind.ASSIGN) && !accept(Token.Kind.COLON)) {
                    throw fail(peek().pos(), "expected \"=\" after the object key, found " + peek().describe());
                }
                Expr v = expr(); // newlines still separate items here: a value ends at the end of its line
                items.add(new Expr.Item(key, v, k.pos()));
                if (accept(Token.Kind.COMMA)) continue;
                if (at(Token.Kind.NEWLINE)) continue;
                if (at(Token.Kind.RBRACE)) break;
                throw fail(peek().pos(), "expected \",\", a new line or \"}\" after the object item, found " + peek().describe());
            }
            take();
            open.pop();
            return new Expr.ObjectExpr(items, brace.pos());
        } finally {
            newlines.pop();
        }
    }

    // ---- templates ---------------------------------------------------------------------------------------------

    private Expr.Template quoted(Token open) {
        look = null;
        List<Expr.Part> parts = new ArrayList<>();
        boolean stripNext = false;
        while (true) {
            Lexer.Chunk c = lx.scanQuoted(open.start());
            stripNext = addText(parts, c, stripNext);
            if (c.end() == Lexer.ChunkEnd.CLOSE) break;
            if (c.end() == Lexer.ChunkEnd.ERROR) throw fail(c.errorPos(), c.error());
            stripNext = interpolation(parts, c, lx.limit);
        }
        return new Expr.Template(parts, open.pos());
    }

    private Expr.Template heredoc(Token open) {
        Lexer.Heredoc h = lx.lastHeredoc;
        look = null;
        lx.p = h.contentStart();
        List<Expr.Part> parts = new ArrayList<>();
        boolean stripNext = false;
        while (true) {
            Lexer.Chunk c = lx.scanHeredoc(h);
            stripNext = addText(parts, c, stripNext);
            if (c.end() == Lexer.ChunkEnd.CLOSE) break;
            if (c.end() == Lexer.ChunkEnd.ERROR) throw fail(c.errorPos(), c.error());
            stripNext = interpolation(parts, c, h.contentEnd());
        }
        return new Expr.Template(parts, open.pos());
    }

    /** Adds literal text, NFC-normalised as in HCL. Text that strip markers emptied still counts as text. */
    private static boolean addText(List<Expr.Part> parts, Lexer.Chunk c, boolean stripLeading) {
        String text = stripLeading ? c.text().stripLeading() : c.text();
        if (c.stripLeft()) text = text.stripTrailing();
        if (!c.text().isEmpty()) parts.add(new Expr.Text(Normalizer.normalize(text, Normalizer.Form.NFC), c.pos()));
        return false;
    }

    /** Parses {@code expr}} after a "${"; returns whether "~}" asked to strip the following text. */
    private boolean interpolation(List<Expr.Part> parts, Lexer.Chunk c, int limit) {
        Pos start = lx.pos(lx.p - (c.stripLeft() ? 3 : 2));
        int saved = lx.limit;
        lx.limit = limit;
        newlines.push(false);
        try {
            if (at(Token.Kind.RBRACE) || at(Token.Kind.TILDE_RBRACE)) throw fail(start, "empty interpolation ${}");
            Expr e = expr();
            Token close = peek();
            if (close.is(Token.Kind.EOF) || close.is(Token.Kind.OQUOTE)) throw fail(start, "unterminated interpolation: expected } to close the ${ opened here");
            if (!close.is(Token.Kind.RBRACE) && !close.is(Token.Kind.TILDE_RBRACE)) {
                if (close.pos().line() > start.line()) throw fail(start, "unterminated interpolation: expected } to close the ${ opened here");
                if (close.is(Token.Kind.ERROR)) throw fail(close.pos(), close.text());
                throw fail(close.pos(), "expected } to close the interpolation, found " + close.describe());
            }
            look = null;
            parts.add(new Expr.Interp(e, start));
            return close.is(Token.Kind.TILDE_RBRACE);
        } finally {
            newlines.pop();
            lx.limit = saved;
        }
    }
}
