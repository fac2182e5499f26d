package zed.config.syntax;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import zed.config.Diagnostic;
import zed.config.Value;
import zed.config.ZedfileException;
import zed.config.eval.Constant;

import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Conformance of the Zedfile parser with HCL native syntax (hclsyntax/spec.md and the HCL specsuite) and ZEDFILE.md.
 * This class holds the shared helpers and the lexical cases: strings, escapes, templates and heredocs.
 * {@link ParserConformanceExprTest} covers numbers, collections, operators and functions;
 * {@link ParserConformanceStructureTest} covers bodies, blocks, comments, positions, recovery and robustness.
 *
 * <p>Every case asserts an exact value (canonical JSON, or the exact Java string for strings) or the exact
 * position (line:col, 1-based, columns in code points) of the first diagnostic. Where a case states what HCL does
 * and the implementation differs, the case is kept as HCL / ZEDFILE.md says.
 */
class ParserConformanceTest {

    // ---- shared helpers --------------------------------------------------------------------------------------------

    static Arguments c(Object... args) {
        return Arguments.of(args);
    }

    /** A source as it reads in a failure message. */
    static String show(String src) {
        return src.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t");
    }

    /** Runs {@code s}; any exception but {@link ZedfileException} fails the test. */
    static <T> T noCrash(String src, Supplier<T> s) {
        try {
            return s.get();
        } catch (ZedfileException e) {
            throw e;
        } catch (Throwable t) {
            throw new AssertionError("input " + show(src) + " made the parser throw " + t + " instead of a ZedfileException", t);
        }
    }

    /** The value of a constant expression; errors fail the test with their diagnostics. */
    static Value value(String src) {
        try {
            return noCrash(src, () -> Constant.eval(src));
        } catch (ZedfileException e) {
            throw new AssertionError("unexpected error for " + show(src) + ":\n" + e.getMessage(), e);
        }
    }

    /** Parses a whole file named "Zedfile"; errors fail the test with their diagnostics. */
    static Body file(String src) {
        try {
            return noCrash(src, () -> Parser.parseFile("Zedfile", src));
        } catch (ZedfileException e) {
            throw new AssertionError("unexpected error for " + show(src) + ":\n" + e.getMessage(), e);
        }
    }

    /** The exception {@code s} must throw. */
    static ZedfileException failure(String src, Supplier<?> s) {
        Object v;
        try {
            v = noCrash(src, s);
        } catch (ZedfileException e) {
            assertTrue(!e.diagnostics().isEmpty(), "a ZedfileException without diagnostics for " + show(src));
            return e;
        }
        if (v instanceof Value val) v = val.toJson();
        throw new AssertionError("expected an error for " + show(src) + " but got " + v);
    }

    static ZedfileException exprFailure(String src) {
        return failure(src, () -> Constant.eval(src));
    }

    static ZedfileException fileFailure(String src) {
        return failure(src, () -> Parser.parseFile("Zedfile", src));
    }

    static String at(Diagnostic d) {
        return d.pos().line() + ":" + d.pos().col();
    }

    static List<String> positions(ZedfileException e) {
        return e.diagnostics().stream().map(ParserConformanceTest::at).toList();
    }

    /**
     * The first diagnostic (diagnostics are sorted) is at {@code where}, in {@code file}, and its message contains
     * {@code fragment} (ignoring case) when a fragment is given.
     */
    static void assertFirst(String src, ZedfileException e, String file, String where, String fragment) {
        Diagnostic d = e.diagnostics().get(0);
        assertEquals(file, d.pos().file(), "file of the diagnostic for " + show(src));
        assertEquals(where, at(d), "position of the first error for " + show(src) + "; all: " + e.diagnostics());
        if (fragment != null) {
            assertTrue(d.message().toLowerCase().contains(fragment.toLowerCase()),
                    "message for " + show(src) + " should mention '" + fragment + "': " + d.message());
        }
    }

    static void assertExprError(String src, String where, String fragment) {
        assertFirst(src, exprFailure(src), "<expr>", where, fragment);
    }

    static void assertFileError(String src, String where, String fragment) {
        assertFirst(src, fileFailure(src), "Zedfile", where, fragment);
    }

    static void assertJson(String src, String json) {
        assertEquals(json, value(src).toJson(), "value of " + show(src));
    }

    static void assertStr(String src, String expected) {
        Value v = value(src);
        assertEquals(new Value.Str(expected), v, "value of " + show(src));
    }

    // ---- strings and escapes -----------------------------------------------------------------------------------

    static Stream<Arguments> strings() {
        return Stream.of(
                c("\"hello\"", "hello"),
                c("\"\"", ""),
                c("\"ЖЖ\"", "ЖЖ"),
                c("\"\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67\"", "\uD83D\uDC69\u200D\uD83D\uDC69\u200D\uD83D\uDC67"),
                c("\"tab\there\"", "tab\there"),
                // every escape of the spec
                c("\"a\\nb\"", "a\nb"),
                c("\"a\\rb\"", "a\rb"),
                c("\"a\\tb\"", "a\tb"),
                c("\"say \\\"hi\\\"\"", "say \"hi\""),
                c("\"C:\\\\dir\"", "C:\\dir"),
                c("\"\\u00e9\"", "é"),
                c("\"\\u00C9t\\u00E9\"", "Été"),
                c("\"\\u0041\\u0042\"", "AB"),
                c("\"\\U0001F600\"", "\uD83D\uDE00"),
                c("\"\\U000000e9!\"", "é!"),
                c("\"a\\\\nb\"", "a\\nb"),
                c("\"\\\\${1}\"", "\\1"),
                // doubled introducers are the escapes for ${ and %{
                c("\"$${x}\"", "${x}"),
                c("\"%%{x}\"", "%{x}"),
                c("\"$${1} ${1}\"", "${1} 1"),
                c("\"$$\"", "$$"),
                c("\"$\"", "$"),
                c("\"$x {y}\"", "$x {y}"),
                c("\"100%\"", "100%"),
                c("\"%d %\"", "%d %"),
                // comment introducers are text inside a string
                c("\"# not a comment\"", "# not a comment"),
                c("\"// nor this\"", "// nor this"),
                c("\"/* nor */ this\"", "/* nor */ this"),
                // HCL imposes NFC normalization on string literals (specsuite primitive_literals: string_unicode_nonnorm)
                c("\"an\u0303os\"", "a\u00F1os"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("strings")
    void stringValue(String src, String expected) {
        assertStr(src, expected);
    }

    static Stream<Arguments> stringErrors() {
        return Stream.of(
                // an invalid escape is reported at its backslash
                c("\"\\q\"", "1:2", "escape"),
                c("\"ab\\x\"", "1:4", "escape"),
                c("\"\\n\\q\"", "1:4", "escape"),
                c("\"${1}\\q\"", "1:6", "escape"),
                c("\"\\ \"", "1:2", "escape"),
                c("\"\\'\"", "1:2", "escape"),
                c("\"\\$\"", "1:2", "escape"),
                c("\"\\u12\"", "1:2", "escape"),
                c("\"\\u\"", "1:2", "escape"),
                c("\"\\uZZZZ\"", "1:2", "escape"),
                c("\"\\U0001F60\"", "1:2", "escape"),
                c("\"\\uD800\"", "1:2", null),
                c("\"\\U00110000\"", "1:2", null),
                c("\"\uD83D\uDE00\uD83D\uDE00\\q\"", "1:4", "escape"),
                // an unterminated string is reported at its opening quote (ZEDFILE.md)
                c("\"abc", "1:1", "unterminated"),
                c("\"abc\\", "1:1", "unterminated"),
                c("[\"a\", \"b]", "1:7", "unterminated"),
                c("  \"", "1:3", "unterminated"),
                // a quoted string must end on the line it starts
                c("\"abc\ndef\"", "1:1", null),
                c("\"abc\r\ndef\"", "1:1", null),
                c("[\n  \"a\",\n  \"b\n]", "3:3", null));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("stringErrors")
    void stringError(String src, String where, String fragment) {
        assertExprError(src, where, fragment);
    }

    // ---- templates -------------------------------------------------------------------------------------------------

    static Stream<Arguments> templates() {
        return Stream.of(
                c("\"a${1}\"", "\"a1\""),
                // a template that is one interpolation and nothing else keeps the value's type
                c("\"${1+1}\"", "2"),
                c("\"${true}\"", "true"),
                c("\"${null}\"", "null"),
                c("\"${[1, 2]}\"", "[1,2]"),
                c("\"${{a = 1}}\"", "{\"a\":1}"),
                c("\"${1.50}\"", "1.5"),
                c("\"${\"${true}\"}\"", "true"),
                c("\"${ 1 }\"", "1"),
                c("\"${~ 1 ~}\"", "1"),
                // anything more makes a string
                c("\"hello ${true}\"", "\"hello true\""),
                c("\"${\"\"}${true}\"", "\"true\""),
                c("\"${1}${2}\"", "\"12\""),
                c("\"v${1.50}\"", "\"v1.5\""),
                c("\"x${1e3}\"", "\"x1000\""),
                c("\"x${0.1 + 0.2}\"", "\"x0.3\""),
                c("\"${true ? \"y\" : \"n\"}!\"", "\"y!\""),
                c("\"${enc::json([1])}\"", "\"[1]\""),
                // nested strings and templates inside ${}
                c("\"a ${ \"b\" } c\"", "\"a b c\""),
                c("\"${\"in ${\"ne${\"st\"}ed\"}\"}\"", "\"in nested\""),
                c("\"${\"}\"}\"", "\"}\""),
                c("\"${ {a = \"}\"}.a }\"", "\"}\""),
                c("\"${\"a\" == \"a\"}\"", "true"),
                // newlines and comments are allowed inside an interpolation
                c("\"${1 +\n 2}\"", "3"),
                c("\"${1 /* c */ + 1}\"", "2"),
                // strip markers
                c("\"hello ${~ \"world\" }\"", "\"helloworld\""),
                c("\"${\"hello\" ~}${\" world\"}\"", "\"hello world\""),
                c("\"a   ${~1}\"", "\"a1\""),
                c("\"${1~}   b\"", "\"1b\""),
                c("\"a ${~ \"b\" ~} c\"", "\"abc\""),
                c("\"a\t${~\"b\"}\"", "\"ab\""),
                // stripped literals are still literals: the template is not a lone interpolation, so it is a string
                c("\"  ${~1~}  \"", "\"1\""),
                c("\" ${~true}\"", "\"true\""));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("templates")
    void templateValue(String src, String json) {
        assertJson(src, json);
    }

    static Stream<Arguments> templateErrors() {
        return Stream.of(
                // values that cannot become text: reported at the interpolated expression
                c("\"x${[1]}\"", "1:5", null),
                c("\"x${null}\"", "1:5", null),
                c("\"x${ {} }\"", "1:6", null),
                // syntax errors inside an interpolation
                c("\"${1 + }\"", "1:8", null),
                c("\"a${1 2}\"", "1:7", null),
                // an interpolation not closed before the closing quote: reported at its ${
                c("\"${1\"", "1:2", null),
                // template directives are not supported in Zedfiles: a positioned error, not literal text
                c("\"%{if true}x%{endif}\"", "1:2", null),
                c("\"%{for x in [1]}${x}%{endfor}\"", "1:2", null),
                c("\"a %{ if true }b%{ endif }\"", "1:4", null),
                c("\"%{~ if true ~}b%{~ endif ~}\"", "1:2", null));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("templateErrors")
    void templateError(String src, String where, String fragment) {
        assertExprError(src, where, fragment);
    }

    // ---- heredocs --------------------------------------------------------------------------------------------------

    static Stream<Arguments> heredocs() {
        return Stream.of(
                // <<EOT keeps the text as written, with its final newline
                c("<<EOT\nFoo\nBar\nBaz\nEOT", "Foo\nBar\nBaz\n"),
                c("<<EOT\n    Foo\n    Bar\n  EOT", "    Foo\n    Bar\n"),
                c("<<EOT\n    Foo\n      Bar\n    Baz\n  EOT", "    Foo\n      Bar\n    Baz\n"),
                c("<<EOT\nFoo\n\nBar\n\nBaz\nEOT", "Foo\n\nBar\n\nBaz\n"),
                c("<<EOT\n    NOT EOT\n  EOT", "    NOT EOT\n"),
                c("<<EOT\nEOTX\n EOT x\nEOT", "EOTX\n EOT x\n"),
                c("<<EOF\ndata = <<EOF\nEOF", "data = <<EOF\n"),
                c("<<EOT\nEOT", ""),
                c("<<EOT\n\nEOT", "\n"),
                c("<<END_OF-TEXT\nx\nEND_OF-TEXT", "x\n"),
                // backslashes and quotes are literal in heredocs; $${ and %%{ still escape
                c("<<EOT\na\\nb \\q \"q\"\nEOT", "a\\nb \\q \"q\"\n"),
                c("<<EOT\n$${x} %%{y}\nEOT", "${x} %{y}\n"),
                // interpolation
                c("<<EOT\nport ${8000 + 80}\nEOT", "port 8080\n"),
                c("<<EOT\n${\"a\"}${\"b\"}\nEOT", "ab\n"),
                c("<<EOT\n${1}\nEOT", "1\n"),
                c("<<EOT\n    Foo\n    ${\"Bar\"}\n    Baz\n  EOT", "    Foo\n    Bar\n    Baz\n"),
                c("<<EOT\nhello\n${~ \"x\" ~}\nworld\nEOT", "helloxworld\n"),
                // <<-EOT strips the smallest indentation of the non-blank lines
                c("<<-EOT\nFoo\nBar\nBaz\nEOT", "Foo\nBar\nBaz\n"),
                c("<<-EOT\n    Foo\n    Bar\n    Baz\n  EOT", "Foo\nBar\nBaz\n"),
                c("<<-EOT\n    Foo\n      Bar\n    Baz\n  EOT", "Foo\n  Bar\nBaz\n"),
                c("<<-EOT\n    Foo\n  Bar\n    Baz\n  EOT", "  Foo\nBar\n  Baz\n"),
                c("<<-EOT\n  a\nEOT", "a\n"),
                c("<<-EOT\n a\n        EOT", "a\n"),
                // blank lines between do not count and stay blank
                c("<<-EOT\n    Foo\n\n    Bar\n\n    Baz\n  EOT", "Foo\n\nBar\n\nBaz\n"),
                // HCL: a line of only spaces counts as blank and is left as it is
                c("<<-EOT\n    Foo\n      \n    Bar\n  EOT", "Foo\n      \nBar\n"),
                // a tab is one character of indentation
                c("<<-EOT\n\tFoo\n  Bar\n  Baz\n  EOT", "Foo\n Bar\n Baz\n"),
                c("<<-EOT\n\t\tFoo\n\t\t\tBar\n\tEOT", "Foo\n\tBar\n"),
                // HCL counts Unicode spaces (here two EM SPACEs and a space) as indentation
                c("<<-EOT\n\u2003\u2003 Foo\n    Bar\n  EOT", "Foo\n Bar\n"),
                // interpolations: the indentation is that of the static text before them
                c("<<-EOT\n    Foo\n    ${\"Bar\"}\n    Baz\n  EOT", "Foo\nBar\nBaz\n"),
                c("<<-EOT\n    Foo\n      ${\"Bar\"}\n    Baz\n  EOT", "Foo\n  Bar\nBaz\n"),
                c("<<-EOT\n    Foo\n  ${\"  Bar\"}\n    Baz\n  EOT", "  Foo\n  Bar\n  Baz\n"),
                c("<<-EOT\n  ${\"    x\"}\n  EOT", "    x\n"),
                c("<<-EOT\n    a ${1} b\n    EOT", "a 1 b\n"),
                // an interpolation at the start of a line means an indentation of zero
                c("<<-EOT\n    Foo\n${\"Bar\"}\n    Baz\nEOT", "    Foo\nBar\n    Baz\n"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("heredocs")
    void heredocValue(String src, String expected) {
        assertStr(src, expected);
    }

    static Stream<Arguments> heredocErrors() {
        return Stream.of(
                // an unterminated heredoc is reported at its opening
                c("<<EOT\nfoo\n", "1:1", "unterminated"),
                c("<<EOT\nfoo\n  EOT x\nEOTT", "1:1", "unterminated"),
                c("[\n  <<-EOT\n    foo\n]", "2:3", "unterminated"),
                // the header must be followed by a newline
                c("<<EOT", "1:1", null),
                c("<<EOT foo\nEOT", "1:1", null),
                c("<<-EOF # note\nEOF", "1:1", null),
                c("<<\nEOT", "1:1", null),
                c("<< EOT\nx\nEOT", "1:1", null),
                // errors inside, at their own positions
                c("<<EOT\n${1 + }\nEOT", "2:7", null),
                c("<<EOT\n${[1]}x\nEOT", "2:3", null),
                c("<<EOT\nok\n  %{ if true }x%{ endif }\nEOT", "3:3", null));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("heredocErrors")
    void heredocError(String src, String where, String fragment) {
        assertExprError(src, where, fragment);
    }
}
