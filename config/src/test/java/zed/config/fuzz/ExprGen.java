package zed.config.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * Expressions for generated Zedfiles, as source text, nested up to {@link #DEPTH} operators deep: literals with
 * escapes and non-ASCII text, templates with strip markers and escaped {@code $${}}, references to {@code self},
 * every function of the language, operators, conditionals, lists, objects and indexing. {@link #CLEAN} writes only
 * what evaluates inside a service whose {@code vars.port} is {@code net::pickport()}; {@link #WILD} also writes, now
 * and then, what a person gets wrong (a misspelt function, a null in a string, a division by zero, a directive).
 * Pure.
 */
final class ExprGen {
    static final int DEPTH = 3;
    private static final List<String> PIECES = List.of("hello", " ", "web-1", "\\n", "\\t", "\\\"", "\\\\", "\\u00e9", "\\U0001F600", "é", "中文", "😀",
            "$${lit}", "%%{", "a:b", "http://x/", "/srv/x", "50% ", "#not a comment", "//nor this", "~", "{x}", "$ ");
    // after PIECES, which they read
    static final ExprGen CLEAN = new ExprGen(false);
    static final ExprGen WILD = new ExprGen(true);

    private final boolean wild;
    private final Arbitrary<String>[] num = table(), str = table(), bool = table(), any = table(), scalar = table();

    private ExprGen(boolean wild) {
        this.wild = wild;
        for (int d = 0; d <= DEPTH; d++) {
            num[d] = d == 0 ? num0() : numDeeper(d);
            bool[d] = d == 0 ? Arbitraries.of("true", "false") : boolDeeper(d);
            str[d] = d == 0 ? str0() : strDeeper(d);
            scalar[d] = Arbitraries.oneOf(num[d], str[d], bool[d]);
            any[d] = d == 0 ? Arbitraries.oneOf(num[0], str[0], bool[0], Arbitraries.just("null")) : anyDeeper(d);
        }
    }

    @SuppressWarnings("unchecked")
    private static Arbitrary<String>[] table() {
        return new Arbitrary[DEPTH + 1];
    }

    Arbitrary<String> num(int d) {
        return num[Math.min(d, DEPTH)];
    }

    Arbitrary<String> str(int d) {
        return str[Math.min(d, DEPTH)];
    }

    Arbitrary<String> bool(int d) {
        return bool[Math.min(d, DEPTH)];
    }

    Arbitrary<String> any(int d) {
        return any[Math.min(d, DEPTH)];
    }

    /** Mostly {@code usual}; in a wild generator, one time in {@code 1 + weight}-ish, one of {@code mistakes}. */
    Arbitrary<String> or(Arbitrary<String> usual, String... mistakes) {
        return wild ? Arbitraries.frequencyOf(Tuple.of(9, usual), Tuple.of(1, Arbitraries.of(mistakes))) : usual;
    }

    /** The same, the mistakes generated. */
    Arbitrary<String> orGen(Arbitrary<String> usual, Arbitrary<String> mistakes) {
        return wild ? Arbitraries.frequencyOf(Tuple.of(9, usual), Tuple.of(1, mistakes)) : usual;
    }

    boolean wild() {
        return wild;
    }

    /** A string literal: plain text, escapes, non-ASCII text and template look-alikes that stay text. */
    Arbitrary<String> literal() {
        return or(Arbitraries.of(PIECES).list().ofMaxSize(4).map(ps -> "\"" + String.join("", ps) + "\""), "\"%{if x}\"", "\"\\q\"", "\"\\uZZ\"", "\"${\"");
    }

    private Arbitrary<String> num0() {
        return or(Arbitraries.frequencyOf(
                        Tuple.of(4, Arbitraries.of("0", "1", "2", "4", "42", "8080", "65535", "2.5", "0.1", "1e3", "1.5e-3", "007", "99999999999999999999")),
                        Tuple.of(3, Arbitraries.integers().between(0, 100000).map(String::valueOf)),
                        Tuple.of(3, Arbitraries.of("self.vars.port", "net::pickport()"))),
                "self.vars.workers", "\"8080\"", "length", "self.vars", "self.vars.nope", "self.health.tcp.port", "service.exec.nope.vars.port", "1e1001", "null");
    }

    private Arbitrary<String> str0() {
        return or(Arbitraries.frequencyOf(
                        Tuple.of(5, literal()),
                        Tuple.of(3, Arbitraries.of("self.name", "self.kind", "self.dir", "fs::etc()", "fs::var()", "fs::tmp()", "fs::state()",
                                "fs::bin()", "fs::hash()", "cfg::hash()", "os::env(\"MODE\", \"prod\")", "os::env(\"HOME\")", "os::env(\"EMPTY\", \"x\")"))),
                "os::env(\"UNSET\")", "os::env(1)", "file(\"notes.txt\")", "file(\"missing.txt\")", "net::pickprot()", "fs::etc(1)", "secret(\"app\", \"key\")",
                "secret(\"bad slot\")", "self.nope", "self.version", "self.vars.name", "self.file.config.path", "service.exec.nope.vars.port");
    }

    private Arbitrary<String> numDeeper(int d) {
        Arbitrary<String> a = num[d - 1];
        Arbitrary<String> op = or(Arbitraries.of("+", "-", "*"), "/", "%", "&&", "==");
        return Arbitraries.frequencyOf(
                Tuple.of(3, a),
                Tuple.of(4, Combinators.combine(a, op, a).as((x, o, y) -> x + " " + o + " " + y)),
                Tuple.of(1, a.map(x -> x + " / 4")),
                Tuple.of(1, a.map(x -> "-(" + x + ")")),
                Tuple.of(1, a.map(x -> "(" + x + ")")),
                Tuple.of(1, Combinators.combine(bool[d - 1], a, a).as((c, x, y) -> "(" + c + " ? " + x + " : " + y + ")")),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> "[" + x + ", " + y + "][1]")),
                Tuple.of(1, Combinators.combine(a, a).as((x, y) -> "[" + x + ", " + y + "].0")),
                Tuple.of(1, a.map(x -> "{ k = " + x + " }.k")),
                Tuple.of(1, a.map(x -> "\"${" + x + "}\"")));
    }

    private Arbitrary<String> boolDeeper(int d) {
        Arbitrary<String> n = num[d - 1];
        Arbitrary<String> b = bool[d - 1];
        return Arbitraries.frequencyOf(
                Tuple.of(2, b),
                Tuple.of(3, Combinators.combine(n, Arbitraries.of("==", "!=", "<", ">", "<=", ">="), n).as((x, o, y) -> x + " " + o + " " + y)),
                Tuple.of(2, Combinators.combine(b, Arbitraries.of("&&", "||"), b).as((x, o, y) -> x + " " + o + " " + y)),
                Tuple.of(1, b.map(x -> "!(" + x + ")")),
                Tuple.of(1, Combinators.combine(str[d - 1], str[d - 1]).as((x, y) -> x + " == " + y)));
    }

    private Arbitrary<String> strDeeper(int d) {
        Arbitrary<String> s = str[d - 1];
        return Arbitraries.frequencyOf(
                Tuple.of(3, s),
                Tuple.of(4, template(d)),
                Tuple.of(1, Combinators.combine(bool[d - 1], s, s).as((c, x, y) -> "(" + c + " ? " + x + " : " + y + ")")),
                Tuple.of(1, any[d - 1].map(x -> "enc::json(" + x + ")")),
                Tuple.of(1, s.map(x -> "(" + x + ")")),
                Tuple.of(1, s.map(x -> "{ \"a b\" = " + x + " }[\"a b\"]")));
    }

    private Arbitrary<String> anyDeeper(int d) {
        Arbitrary<String> a = any[d - 1];
        return Arbitraries.frequencyOf(
                Tuple.of(2, num[d]), Tuple.of(2, str[d]), Tuple.of(1, bool[d]),
                Tuple.of(1, Combinators.combine(a.list().ofMaxSize(3), Arbitraries.of("", ",")).as((xs, trail) -> "[" + String.join(", ", xs) + (xs.isEmpty() ? "" : trail) + "]")),
                Tuple.of(1, Combinators.combine(Arbitraries.of("a", "b", "\"c d\"", "port", "1", "(\"k\")").list().uniqueElements().ofMaxSize(3), a.list().ofSize(3))
                        .as((ks, vs) -> {
                            StringBuilder sb = new StringBuilder("{");
                            for (int i = 0; i < ks.size(); i++) sb.append(i == 0 ? " " : ", ").append(ks.get(i)).append(i % 2 == 0 ? " = " : ": ").append(vs.get(i));
                            return sb.append(ks.isEmpty() ? "}" : " }").toString();
                        })));
    }

    /** A quoted template: text and interpolations of scalars, some with strip markers. */
    private Arbitrary<String> template(int d) {
        Arbitrary<String> inside = orGen(scalar[d - 1], any[d - 1]);
        Arbitrary<String> part = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(PIECES)),
                Tuple.of(2, Combinators.combine(Arbitraries.of("${", "${~", "${ "), inside, Arbitraries.of("}", "~}", " }")).as((o, x, c) -> o + x + c)));
        return part.list().ofMinSize(1).ofMaxSize(4).map(ps -> "\"" + String.join("", ps) + "\"");
    }

    /** A heredoc: a value that must end its line. */
    Arbitrary<String> heredoc() {
        Arbitrary<String> line = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.of("listen = \"127.0.0.1\"", "plain text", "  indented", "\ttabbed", "", "é 😀", "$${not}", "%%{if}", "a \"quoted\" \\n")),
                Tuple.of(2, Combinators.combine(Arbitraries.of("port = ", "", "x ${1} "), orGen(scalar[1], any[1])).as((t, x) -> t + "${" + x + "}")));
        return Combinators.combine(Arbitraries.of("<<EOT", "<<-EOT", "<<-END"), line.list().ofMaxSize(4), Arbitraries.of("", "  ", "    "))
                .as((head, ls, indent) -> {
                    String marker = head.replace("<<", "").replace("-", "");
                    List<String> body = new ArrayList<>();
                    for (String l : ls) body.add((head.contains("-") ? indent : "") + l);
                    return head + "\n" + String.join("", body.stream().map(l -> l + "\n").toList()) + (head.contains("-") ? indent : "") + marker;
                });
    }
}
