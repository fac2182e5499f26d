package zed.config.syntax;

import zed.config.Pos;

import java.util.Arrays;

/**
 * Scans Zedfile source. Normal mode yields {@link Token}s; the parser switches to template mode after an opening
 * quote or a heredoc header and pulls text chunks with {@link #scanQuoted} and {@link #scanHeredoc}, so that
 * interpolations can nest strings to any depth without a separate token stream.
 */
final class Lexer {
    final String file;
    private final int[] cps;
    private final int[] lineStarts;
    int p;
    /** Tokens stop here (the end of a heredoc's content while an interpolation inside it is parsed). */
    int limit;

    Lexer(String file, String source) {
        this.file = file;
        int[] all = source.codePoints().toArray();
        // a byte-order mark is not part of the text: drop it so that columns stay right
        this.cps = all.length > 0 && all[0] == 0xFEFF ? java.util.Arrays.copyOfRange(all, 1, all.length) : all;
        int n = 1;
        for (int c : cps) if (c == '\n') n++;
        lineStarts = new int[n];
        int li = 1;
        for (int i = 0; i < cps.length; i++) if (cps[i] == '\n') lineStarts[li++] = i + 1;
        p = 0;
        limit = cps.length;
    }

    Pos pos(int index) {
        int i = Arrays.binarySearch(lineStarts, index);
        int line = i >= 0 ? i : -i - 2;
        return new Pos(file, line + 1, index - lineStarts[line] + 1);
    }

    private int at(int i) {
        return i < limit ? cps[i] : -1;
    }

    String text(int from, int to) {
        return new String(cps, from, to - from);
    }

    static boolean isIdentStart(int c) {
        return c == '_' || Character.isLetter(c);
    }

    static boolean isIdentPart(int c) {
        return c == '_' || c == '-' || Character.isLetterOrDigit(c);
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    Token next() {
        // white space and comments; a comment to the end of the line leaves its newline to end the item
        while (true) {
            int c = at(p);
            if (c == ' ' || c == '\t' || c == '\r') {
                p++;
            } else if (c == '#' || (c == '/' && at(p + 1) == '/')) {
                while (at(p) != '\n' && at(p) != -1) p++;
            } else if (c == '/' && at(p + 1) == '*') {
                int open = p;
                p += 2;
                while (!(at(p) == '*' && at(p + 1) == '/')) {
                    if (at(p) == -1) return new Token(Token.Kind.ERROR, "unterminated comment", pos(open), open, p);
                    p++;
                }
                p += 2;
            } else {
                break;
            }
        }
        int s = p;
        int c = at(p);
        if (c == -1) return tok(Token.Kind.EOF, s, s);
        if (c == '\n') return tok(Token.Kind.NEWLINE, s, ++p);
        if (isDigit(c)) return number(s);
        if (isIdentStart(c)) {
            p++;
            while (isIdentPart(at(p))) p++;
            return tok(Token.Kind.IDENT, s, p);
        }
        if (c == '"') return tok(Token.Kind.OQUOTE, s, ++p);
        if (c == '<' && at(p + 1) == '<') return heredocHeader(s);
        p++;
        int d = at(p);
        switch (c) {
            case '{': return tok(Token.Kind.LBRACE, s, p);
            case '}': return tok(Token.Kind.RBRACE, s, p);
            case '[': return tok(Token.Kind.LBRACK, s, p);
            case ']': return tok(Token.Kind.RBRACK, s, p);
            case '(': return tok(Token.Kind.LPAREN, s, p);
            case ')': return tok(Token.Kind.RPAREN, s, p);
            case ',': return tok(Token.Kind.COMMA, s, p);
            case '?': return tok(Token.Kind.QUESTION, s, p);
            case '+': return tok(Token.Kind.PLUS, s, p);
            case '-': return tok(Token.Kind.MINUS, s, p);
            case '*': return tok(Token.Kind.STAR, s, p);
            case '/': return tok(Token.Kind.SLASH, s, p);
            case '%': return tok(Token.Kind.PERCENT, s, p);
            case '.':
                if (d == '.' && at(p + 1) == '.') {
                    p += 2;
                    return tok(Token.Kind.ELLIPSIS, s, p);
                }
                return tok(Token.Kind.DOT, s, p);
            case ':':
                if (d == ':') return tok(Token.Kind.DCOLON, s, ++p);
                return tok(Token.Kind.COLON, s, p);
            case '=':
                if (d == '=') return tok(Token.Kind.EQ, s, ++p);
                return tok(Token.Kind.ASSIGN, s, p);
            case '!':
                if (d == '=') return tok(Token.Kind.NE, s, ++p);
                return tok(Token.Kind.BANG, s, p);
            case '<':
                if (d == '=') return tok(Token.Kind.LE, s, ++p);
                return tok(Token.Kind.LT, s, p);
            case '>':
                if (d == '=') return tok(Token.Kind.GE, s, ++p);
                return tok(Token.Kind.GT, s, p);
            case '&':
                if (d == '&') return tok(Token.Kind.AND, s, ++p);
                break;
            case '|':
                if (d == '|') return tok(Token.Kind.OR, s, ++p);
                break;
            case '~':
                if (d == '}') return tok(Token.Kind.TILDE_RBRACE, s, ++p);
                break;
            default:
                break;
        }
        String shown = c < 0x20 ? String.format("U+%04X", c) : "'" + new String(Character.toChars(c)) + "'";
        return new Token(Token.Kind.ERROR, "unexpected character " + shown, pos(s), s, p);
    }

    private Token tok(Token.Kind k, int s, int e) {
        return new Token(k, text(s, e), pos(s), s, e);
    }

    private Token number(int s) {
        while (isDigit(at(p))) p++;
        if (at(p) == '.' && isDigit(at(p + 1))) {
            p++;
            while (isDigit(at(p))) p++;
        }
        if ((at(p) == 'e' || at(p) == 'E')
                && (isDigit(at(p + 1)) || ((at(p + 1) == '+' || at(p + 1) == '-') && isDigit(at(p + 2))))) {
            p += 2;
            while (isDigit(at(p))) p++;
        }
        return tok(Token.Kind.NUMBER, s, p);
    }

    // ---- heredocs ------------------------------------------------------------------------------------------

    /** Where a heredoc's content lies; found when its header is scanned. */
    record Heredoc(String marker, boolean flush, int contentStart, int contentEnd, int after, int indent) {
    }

    Heredoc lastHeredoc;

    private Token heredocHeader(int s) {
        int q = s + 2;
        boolean flush = at(q) == '-';
        if (flush) q++;
        if (!isIdentStart(at(q))) {
            p = s + 2;
            return new Token(Token.Kind.ERROR, "expected a heredoc marker after <<, e.g. <<EOT", pos(s), s, p);
        }
        int ms = q;
        while (isIdentPart(at(q))) q++;
        String marker = text(ms, q);
        if (at(q) == '\r') q++;
        if (at(q) != '\n') {
            p = q;
            return new Token(Token.Kind.ERROR, "a heredoc's content starts on the line after <<" + (flush ? "-" : "") + marker, pos(s), s, q);
        }
        int contentStart = q + 1;
        int line = contentStart;
        while (line < limit) {
            int eol = line;
            while (eol < limit && cps[eol] != '\n') eol++;
            int a = line, b = eol;
            while (a < b && (cps[a] == ' ' || cps[a] == '\t')) a++;
            while (b > a && (cps[b - 1] == ' ' || cps[b - 1] == '\t' || cps[b - 1] == '\r')) b--;
            if (text(a, b).equals(marker)) {
                int indent = flush ? indent(contentStart, line) : 0;
                lastHeredoc = new Heredoc(marker, flush, contentStart, line, eol, indent);
                p = contentStart;
                return new Token(Token.Kind.HEREDOC, text(s, ms + marker.length()), pos(s), s, contentStart);
            }
            line = eol + 1;
        }
        p = limit;
        return new Token(Token.Kind.ERROR, "unterminated heredoc: no line holds only " + marker + " to end it", pos(s), s, p);
    }

    /** Indentation is any white space but a line end; each character counts one, as in HCL. */
    private static boolean isIndent(int c) {
        return c != '\n' && c != '\r' && (Character.isWhitespace(c) || Character.isSpaceChar(c));
    }

    private boolean blankLine(int i, int to) {
        while (i < to && cps[i] != '\n') {
            if (!isIndent(cps[i]) && cps[i] != '\r') return false;
            i++;
        }
        return true;
    }

    /** The smallest indentation of the non-blank lines in [from, to): what {@code <<-} strips. */
    private int indent(int from, int to) {
        int min = Integer.MAX_VALUE;
        int i = from;
        while (i < to) {
            int n = 0;
            while (i < to && isIndent(cps[i])) {
                n++;
                i++;
            }
            boolean blank = i >= to || cps[i] == '\n' || (cps[i] == '\r' && i + 1 < to && cps[i + 1] == '\n');
            if (!blank) min = Math.min(min, n);
            while (i < to && cps[i] != '\n') i++;
            i++;
        }
        return min == Integer.MAX_VALUE ? 0 : min;
    }

    // ---- template text ---------------------------------------------------------------------------------------

    enum ChunkEnd { CLOSE, INTERP, ERROR }

    static final String DIRECTIVE = "template directives (%{...}) are not supported in Zedfiles; write %%{ for a literal %{";

    /** Literal text up to the next interpolation or the end of the template. */
    record Chunk(String text, Pos pos, ChunkEnd end, boolean stripLeft, String error, Pos errorPos) {
    }

    /** Scans the text of a quoted string, from just after its opening quote (at {@code open}). */
    Chunk scanQuoted(int open) {
        StringBuilder sb = new StringBuilder();
        int s = p;
        while (true) {
            int c = at(p);
            if (c == -1 || c == '\n') {
                return new Chunk(sb.toString(), pos(s), ChunkEnd.ERROR, false,
                        c == -1 ? "unterminated string" : "unterminated string: a quoted string must end on the line it starts (use a heredoc for several lines)",
                        pos(open));
            }
            if (c == '"') {
                p++;
                return new Chunk(sb.toString(), pos(s), ChunkEnd.CLOSE, false, null, null);
            }
            if (c == '$' && at(p + 1) == '$' && at(p + 2) == '{') {
                sb.append("${");
                p += 3;
            } else if (c == '%' && at(p + 1) == '%' && at(p + 2) == '{') {
                sb.append("%{");
                p += 3;
            } else if (c == '$' && at(p + 1) == '{') {
                return interp(sb, s);
            } else if (c == '%' && at(p + 1) == '{') {
                int e = p;
                while (at(p) != -1 && at(p) != '\n' && at(p) != '"') p++;
                if (at(p) == '"') p++;
                return new Chunk(sb.toString(), pos(s), ChunkEnd.ERROR, false, DIRECTIVE, pos(e));
            } else if (c == '\\' && (at(p + 1) == -1 || at(p + 1) == '\n')) {
                p++;
                return new Chunk(sb.toString(), pos(s), ChunkEnd.ERROR, false, "unterminated string", pos(open));
            } else if (c == '\\') {
                int e = p;
                String err = escape(sb);
                if (err != null) {
                    // skip to the closing quote so that the rest of the line still parses
                    while (at(p) != -1 && at(p) != '\n' && at(p) != '"') p++;
                    if (at(p) == '"') p++;
                    return new Chunk(sb.toString(), pos(s), ChunkEnd.ERROR, false, err, pos(e));
                }
            } else {
                sb.appendCodePoint(c);
                p++;
            }
        }
    }

    private Chunk interp(StringBuilder sb, int s) {
        p += 2;
        boolean strip = at(p) == '~';
        if (strip) p++;
        return new Chunk(sb.toString(), pos(s), ChunkEnd.INTERP, strip, null, null);
    }

    /** Reads one backslash escape into sb; returns an error message or null. */
    private String escape(StringBuilder sb) {
        int c = at(p + 1);
        switch (c) {
            case 'n': sb.append('\n'); p += 2; return null;
            case 'r': sb.append('\r'); p += 2; return null;
            case 't': sb.append('\t'); p += 2; return null;
            case '"': sb.append('"'); p += 2; return null;
            case '\\': sb.append('\\'); p += 2; return null;
            case 'u':
            case 'U': {
                int n = c == 'u' ? 4 : 8;
                int cp = 0;
                for (int i = 0; i < n; i++) {
                    int h = Character.digit(at(p + 2 + i), 16);
                    if (at(p + 2 + i) == -1 || h < 0) return "invalid escape: \\" + (char) c + " takes exactly " + n + " hex digits";
                    cp = cp * 16 + h;
                }
                if (!Character.isValidCodePoint(cp) || (cp >= 0xD800 && cp <= 0xDFFF)) return "invalid escape: U+" + Integer.toHexString(cp).toUpperCase() + " is not a character";
                sb.appendCodePoint(cp);
                p += 2 + n;
                return null;
            }
            default:
                String shown = c == -1 || c == '\n' ? "end of line" : new String(Character.toChars(c));
                return "invalid escape \\" + shown + "; use \\n, \\r, \\t, \\\", \\\\, \\uNNNN or \\UNNNNNNNN";
        }
    }

    /** Scans heredoc text up to the next interpolation or the end of its content. Backslashes are literal here. */
    Chunk scanHeredoc(Heredoc h) {
        StringBuilder sb = new StringBuilder();
        int s = p;
        int stripped = -1;
        while (true) {
            if (p >= h.contentEnd()) {
                p = h.after();
                return new Chunk(sb.toString(), pos(s), ChunkEnd.CLOSE, false, null, null);
            }
            if (h.flush() && stripped != p && (p == h.contentStart() || cps[p - 1] == '\n')) {
                int lineStart = p;
                if (!blankLine(p, h.contentEnd())) {
                    for (int i = 0; i < h.indent() && p < h.contentEnd() && isIndent(cps[p]); i++) p++;
                }
                stripped = p;
                if (sb.isEmpty() && lineStart == s) s = p;
                continue;
            }
            int c = cps[p];
            if (c == '$' && at(p + 1) == '$' && at(p + 2) == '{') {
                sb.append("${");
                p += 3;
            } else if (c == '%' && at(p + 1) == '%' && at(p + 2) == '{') {
                sb.append("%{");
                p += 3;
            } else if (c == '$' && at(p + 1) == '{') {
                return interp(sb, s);
            } else if (c == '%' && at(p + 1) == '{') {
                int e = p;
                p = h.after();
                return new Chunk(sb.toString(), pos(s), ChunkEnd.ERROR, false, DIRECTIVE, pos(e));
            } else if (c == '\r' && at(p + 1) == '\n') {
                p++;
            } else {
                sb.appendCodePoint(c);
                p++;
            }
        }
    }

    /** Recovery: skip the rest of a quoted string without interpreting interpolations. */
    void skipQuoted() {
        int depth = 0;
        while (at(p) != -1 && at(p) != '\n') {
            int c = at(p);
            if (c == '\\') {
                p = Math.min(p + 2, limit);
                continue;
            }
            if (c == '$' && at(p + 1) == '{') {
                depth++;
                p += 2;
                continue;
            }
            if (c == '}' && depth > 0) depth--;
            if (c == '"' && depth == 0) {
                p++;
                return;
            }
            p++;
        }
    }
}
