package zed.config.syntax;

import zed.config.Pos;

/** One token of normal (non-template) mode. Strings and heredocs are scanned by {@link Lexer} on the parser's request. */
record Token(Kind kind, String text, Pos pos, int start, int end) {
    enum Kind {
        IDENT, NUMBER, OQUOTE, HEREDOC,
        LBRACE, RBRACE, TILDE_RBRACE, LBRACK, RBRACK, LPAREN, RPAREN,
        COMMA, DOT, ASSIGN, COLON, DCOLON, QUESTION, ELLIPSIS,
        PLUS, MINUS, STAR, SLASH, PERCENT,
        EQ, NE, LT, GT, LE, GE, AND, OR, BANG,
        NEWLINE, EOF, ERROR
    }

    boolean is(Kind k) {
        return kind == k;
    }

    /** How an operator reads in an error message. */
    String describe() {
        return switch (kind) {
            case IDENT -> "\"" + text + "\"";
            case NUMBER -> "number " + text;
            case OQUOTE -> "a string";
            case HEREDOC -> "a heredoc";
            case NEWLINE -> "end of line";
            case EOF -> "end of file";
            case ERROR -> text;
            default -> "\"" + text + "\"";
        };
    }
}
