package zed.config.syntax;

import zed.config.Diagnostic;
import zed.config.Pos;
import zed.config.Value;
import zed.config.ZedfileException;

import java.math.BigDecimal;
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

    private Parser(String file, String source) {
        lx = new Lexer(file, source);
        newlines.push(true);
    }

    /** Parses a whole file. Throws {@link ZedfileException} with every syntax error found. */
    public static Body parseFile(String file, String source) {
        Parser p = new Parser(file, source);
        Body body = p.body(false, p.lx.pos(0));
        p.throwIfErrors();
        return body;
    }

    /** Parses one expression, such as the argument of {@code zed get}. */
    public static Expr parseExpression(String file, String source) {
        Parser p = new Parser(file, source);
        p.newlines.push(false);
        Expr e = p.expr();
        Token t = p.peek();
        if (!t.is(Token.Kind.EOF) && p.errors.isEmpty()) p.error(t.pos(), "unexpected " + t.describe() + " after the expression");
        p.throwIfErrors();
        return e;
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

    private Body body(boolean inBlock, Pos pos) {
        List<Body.Attribute> attrs = new ArrayList<>();
        List<Body.Block> blocks = new ArrayList<>();
        Map<String, Pos> seen = new HashMap<>();
        while (true) {
            Token t = peek();
            if (t.is(Token.Kind.NEWLINE) || t.is(Token.Kind.COMMA)) {
                take();
                continue;
            }
            if (t.is(Token.Kind.EOF)) {
                if (inBlock) error(pos, "unclosed block: expected } to end the block opened here");
                break;
            }
            if (t.is(Token.Kind.RBRACE) && inBlock) break;
            try {
                item(attrs, blocks, seen, inBlock);
            } catch (Abandon a) {
                recover(inBlock);
            }
        }
        return new Body(attrs, blocks, pos);
    }

    private void item(List<Body.Attribute> attrs, List<Body.Block> blocks, Map<String, Pos> seen, boolean inBlock) {
        Token t = peek();
        if (t.is(Token.Kind.ERROR)) throw fail(t.pos(), t.text());
        if (!t.is(Token.Kind.IDENT)) {
            throw fail(t.pos(), "expected an attribute or a block, found " + t.describe());
        }
        Token name = take();
        if (accept(Token.Kind.ASSIGN)) {
            Expr e = expr();
            endOfItem(inBlock, "the value of " + name.text());
            Pos prev = seen.putIfAbsent(name.text(), name.pos());
            if (prev != null) {
                error(name.pos(), "attribute \"" + name.text() + "\" is already set at " + prev);
            } else {
                attrs.add(new Body.Attribute(name.text(), e, name.pos()));
            }
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
        take();
        if (depth >= MAX_DEPTH) throw fail(name.pos(), "blocks nested too deeply");
        depth++;
        newlines.push(true);
        Body inner;
        try {
            inner = body(true, name.pos());
        } finally {
            newlines.pop();
            depth--;
        }
        if (at(Token.Kind.RBRACE)) take();
        blocks.add(new Body.Block(name.text(), labels, inner, name.pos()));
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

    /** Skips to the end of the current line (or the closing brace of the current block). */
    private void recover(boolean inBlock) {
        int nest = 0;
        while (true) {
            Token t = peek();
            switch (t.kind()) {
                case EOF:
                    return;
                case NEWLINE:
                    if (nest == 0) {
                        take();
                        return;
                    }
                    take();
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
                case LBRACK:
                case LPAREN:
                    nest++;
                    take();
                    break;
                case RBRACE:
                    if (nest == 0) {
                        if (!inBlock) take();
                        return;
                    }
                    nest--;
                    take();
                    break;
                case RBRACK:
                case RPAREN:
                    if (nest > 0) nest--;
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
                } else if (n.is(Token.Kind.STAR)) {
                    throw fail(n.pos(), "splat expressions (.*) are not supported in Zedfiles");
                } else {
                    throw fail(dot.pos(), "expected an attribute name after \".\", found " + n.describe());
                }
            } else if (at(Token.Kind.LBRACK)) {
                Token open = take();
                newlines.push(false);
                try {
                    if (at(Token.Kind.STAR)) throw fail(peek().pos(), "splat expressions ([*]) are not supported in Zedfiles");
                    Expr key = expr();
                    expect(Token.Kind.RBRACK, "\"]\" to close the index");
                    e = new Expr.Index(e, key, open.pos());
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
            case NUMBER: {
                take();
                BigDecimal d = new BigDecimal(t.text());
                if (Math.abs((long) d.scale()) > 1000 || d.precision() - d.scale() > 1000) throw fail(t.pos(), "number " + t.text() + " is out of range");
                return new Expr.Literal(new Value.Num(d), t.pos());
            }
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
                newlines.push(false);
                try {
                    Expr inner = expr();
                    expect(Token.Kind.RPAREN, "\")\"");
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
        newlines.push(false);
        try {
            List<Expr> args = new ArrayList<>();
            while (!at(Token.Kind.RPAREN)) {
                args.add(expr());
                if (at(Token.Kind.ELLIPSIS)) throw fail(peek().pos(), "argument expansion (...) is not supported in Zedfiles");
                if (!accept(Token.Kind.COMMA)) break;
            }
            expect(Token.Kind.RPAREN, "\",\" or \")\" in the arguments of " + (ns.isEmpty() ? name : ns + "::" + name));
            return new Expr.Call(ns, name, args, pos);
        } finally {
            newlines.pop();
        }
    }

    private Expr list(Token open) {
        newlines.push(false);
        try {
            if (at(Token.Kind.IDENT) && peek().text().equals("for")) throw fail(peek().pos(), "for expressions are not supported in Zedfiles");
            List<Expr> items = new ArrayList<>();
            while (!at(Token.Kind.RBRACK)) {
                items.add(expr());
                if (!accept(Token.Kind.COMMA)) break;
            }
            expect(Token.Kind.RBRACK, "\",\" or \"]\" in the list opened at " + open.pos());
            return new Expr.ListExpr(items, open.pos());
        } finally {
            newlines.pop();
        }
    }

    private Expr object(Token open) {
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
                    key = new Expr.Template(List.of(new Expr.Text(new BigDecimal(k.text()).toPlainString(), k.pos())), k.pos());
                } else if (k.is(Token.Kind.LPAREN)) {
                    take();
                    newlines.push(false);
                    try {
                        key = expr();
                        expect(Token.Kind.RPAREN, "\")\"");
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
            return new Expr.ObjectExpr(items, open.pos());
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
            stripNext = interpolation(parts, c, h.contentEnd());
        }
        return new Expr.Template(parts, open.pos());
    }

    private static boolean addText(List<Expr.Part> parts, Lexer.Chunk c, boolean stripLeading) {
        String text = stripLeading ? c.text().stripLeading() : c.text();
        if (c.stripLeft()) text = text.stripTrailing();
        if (!text.isEmpty()) parts.add(new Expr.Text(text, c.pos()));
        return false;
    }

    /** Parses {@code expr}} after a "${"; returns whether "~}" asked to strip the following text. */
    private boolean interpolation(List<Expr.Part> parts, Lexer.Chunk c, int limit) {
        Pos open = lx.pos(lx.p - (c.stripLeft() ? 3 : 2));
        int saved = lx.limit;
        lx.limit = limit;
        newlines.push(false);
        try {
            if (at(Token.Kind.RBRACE) || at(Token.Kind.TILDE_RBRACE)) throw fail(open, "empty interpolation ${}");
            Expr e = expr();
            Token close = peek();
            if (close.is(Token.Kind.EOF)) throw fail(open, "unterminated interpolation: expected } to close the ${ opened here");
            if (!close.is(Token.Kind.RBRACE) && !close.is(Token.Kind.TILDE_RBRACE)) {
                if (close.is(Token.Kind.ERROR)) throw fail(close.pos(), close.text());
                throw fail(close.pos(), "expected } to close the interpolation, found " + close.describe());
            }
            look = null;
            parts.add(new Expr.Interp(e, open));
            return close.is(Token.Kind.TILDE_RBRACE);
        } finally {
            newlines.pop();
            lx.limit = saved;
        }
    }
}
