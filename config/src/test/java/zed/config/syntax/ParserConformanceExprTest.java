package zed.config.syntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import zed.config.ZedfileException;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static zed.config.syntax.ParserConformanceTest.assertExprError;
import static zed.config.syntax.ParserConformanceTest.assertJson;
import static zed.config.syntax.ParserConformanceTest.c;
import static zed.config.syntax.ParserConformanceTest.exprFailure;
import static zed.config.syntax.ParserConformanceTest.noCrash;

/** Expressions: literals, collections, index and attribute access, operators, conditionals and function calls. */
class ParserConformanceExprTest {

    private static final String PI = "3.14159265358979323846264338327950288419716939937510582097494459";

    // ---- number, bool and null literals ----------------------------------------------------------------------------

    static Stream<Arguments> literals() {
        return Stream.of(
                c("0", "0"),
                c("42", "42"),
                c("8080", "8080"),
                c("1.5", "1.5"),
                c("1.50", "1.5"),
                c("0.25", "0.25"),
                c("007", "7"),
                c("0.0", "0"),
                c("1e3", "1000"),
                c("1E3", "1000"),
                c("1e+3", "1000"),
                c("1e-3", "0.001"),
                c("2.5e2", "250"),
                c("2.5E-1", "0.25"),
                c("1.0e0", "1"),
                c(PI, PI),
                c("123456789012345678901234567890", "123456789012345678901234567890"),
                c("-5", "-5"),
                c("- 5", "-5"),
                c("--5", "5"),
                c("-0", "0"),
                c("-1.5e1", "-15"),
                c("true", "true"),
                c("false", "false"),
                c("null", "null"),
                c("[true, false, null]", "[true,false,null]"),
                c("  42  ", "42"),
                c("\n42\n", "42"),
                c("# lead\n42 // trail", "42"));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("literals")
    void literal(String src, String json) {
        assertJson(src, json);
    }

    // ---- lists and objects -----------------------------------------------------------------------------------------

    static Stream<Arguments> collections() {
        return Stream.of(
                c("[]", "[]"),
                c("[1, 2, 3]", "[1,2,3]"),
                c("[1, 2, 3,]", "[1,2,3]"),
                c("[\n  1,\n  2\n]", "[1,2]"),
                c("[\n  1,\n  2,\n]", "[1,2]"),
                c("[\n\n1\n\n,\n\n2\n\n]", "[1,2]"),
                c("[[1], [2, [3]], []]", "[[1],[2,[3]],[]]"),
                c("[\"a\", 1, true, null, {}]", "[\"a\",1,true,null,{}]"),
                c("[1, # one\n 2 // two\n]", "[1,2]"),
                c("[1, /* x */ 2]", "[1,2]"),
                c("[{a = 1}, {b = 2}]", "[{\"a\":1},{\"b\":2}]"),
                c("{}", "{}"),
                c("{a = 1}", "{\"a\":1}"),
                c("{a = 1, b = 2}", "{\"a\":1,\"b\":2}"),
                c("{a: 1, b: 2}", "{\"a\":1,\"b\":2}"),
                c("{a = 1, b: 2,}", "{\"a\":1,\"b\":2}"),
                c("{\n  a = 1\n  b = 2\n}", "{\"a\":1,\"b\":2}"),
                c("{\n  a = 1,\n  b = 2,\n}", "{\"a\":1,\"b\":2}"),
                c("{\n  # comment\n  a = 1 # trailing\n\n  b = 2 // more\n}", "{\"a\":1,\"b\":2}"),
                c("{b = 1, a = 2}", "{\"a\":2,\"b\":1}"),
                c("{\"a.b\" = 1}", "{\"a.b\":1}"),
                c("{\"allow.sysvipc\" = true, \"children.max\" = 4}", "{\"allow.sysvipc\":true,\"children.max\":4}"),
                c("{(\"a\") = 1}", "{\"a\":1}"),
                c("{(\"k${1}\") = 2}", "{\"k1\":2}"),
                c("{\"k${1}\" = 2}", "{\"k1\":2}"),
                c("{(1 + 1) = \"x\"}", "{\"2\":\"x\"}"),
                c("{1 = \"a\"}", "{\"1\":\"a\"}"),
                // a number key converts to the string of the number, as 1.50 + 0 would
                c("{1.50 = \"a\"}", "{\"1.5\":\"a\"}"),
                c("{\"for\" = 1, baz = 2}", "{\"baz\":2,\"for\":1}"),
                c("{true = 1}", "{\"true\":1}"),
                c("{a-b = 1, c_d = 2}", "{\"a-b\":1,\"c_d\":2}"),
                c("{é = 1}", "{\"é\":1}"),
                c("{a = {b = {c = 1}}}", "{\"a\":{\"b\":{\"c\":1}}}"),
                c("{a = [\n1,\n2\n]}", "{\"a\":[1,2]}"),
                c("{a = (1 +\n 2)}", "{\"a\":3}"),
                c("{compression = \"on\", quota = \"1G\", recordsize = \"128K\"}",
                        "{\"compression\":\"on\",\"quota\":\"1G\",\"recordsize\":\"128K\"}"));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("collections")
    void collection(String src, String json) {
        assertJson(src, json);
    }

    static Stream<Arguments> collectionErrors() {
        return Stream.of(
                c("[,]", "1:2"),
                c("[1 2]", "1:4"),
                c("[1,,2]", "1:4"),
                c("]", "1:1"),
                c("{a = 1 b = 2}", "1:8"),
                c("{a}", "1:3"),
                c("{a = }", "1:6"),
                c("{a = 1,, b = 2}", "1:8"),
                c("{[1] = 2}", "1:2"),
                c("{(null) = 1}", "1:3"),
                // a key set twice: reported at the second
                c("{\n  a = 1\n  a = 2\n}", "3:3"),
                c("{a = 1, \"a\" = 2}", "1:9"),
                // for expressions are not supported: a positioned error
                c("{for = 1}", "1:2"),
                c("[for x in [1]: x]", "1:2"),
                c("{for k, v in {}: k => v}", "1:2"),
                c("[for, 1]", "1:2"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("collectionErrors")
    void collectionError(String src, String where) {
        assertExprError(src, where, null);
    }

    // ---- index and attribute access ------------------------------------------------------------------------------

    static Stream<Arguments> access() {
        return Stream.of(
                c("[1, 2][1]", "2"),
                c("[1, 2][0]", "1"),
                c("{a = 1}.a", "1"),
                c("{a = {b = 2}}[\"a\"].b", "2"),
                c("{a = [10, 20]}.a[1]", "20"),
                c("[[1, 2], [3, 4]][1][0]", "3"),
                c("[1, [2, 3]][1][1]", "3"),
                c("{a = 1}[\"a\"]", "1"),
                c("{a = 1}[\"${\"a\"}\"]", "1"),
                c("{\"1\" = 5}[1]", "5"),
                c("[10, 20][1 + 0]", "20"),
                c("[1, 2][\n1\n]", "2"),
                c("{a-b = 1}.a-b", "1"),
                c("{a = {b = [1, {c = \"deep\"}]}}.a.b[1].c", "\"deep\""),
                c("[enc::json(1), enc::json(2)][1]", "\"2\""),
                // HCL converts an index key to the type the collection needs
                c("[1, 2][\"1\"]", "2"),
                // HCL's legacy index: .N on a list is an index
                c("[1, 2].1", "2"));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("access")
    void accessValue(String src, String json) {
        assertJson(src, json);
    }

    static Stream<Arguments> accessErrors() {
        return Stream.of(
                // out of range: at the [ of the index
                c("[1, 2][2]", "1:7"),
                c("[1, 2][-1]", "1:7"),
                c("[][0]", "1:3"),
                c("[1, 2][\"x\"]", "1:7"),
                c("{a = 1}[0]", "1:8"),
                c("\"abc\"[0]", "1:6"),
                // a missing attribute: at its name
                c("{a = 1}.b", "1:9"),
                c("true.x", "1:6"),
                // references are not constants
                c("a.b", "1:1"),
                c("self.vars.port", "1:1"),
                c("[1, x]", "1:5"),
                // splats are not supported: a positioned error
                c("[1][*]", "1:5"),
                c("[{a = 1}].*.a", "1:11"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("accessErrors")
    void accessError(String src, String where) {
        assertExprError(src, where, null);
    }

    @Test
    void identifierWithDashIsOneName() {
        // Identifier = ID_Start (ID_Continue | '-')*: a-1 is a reference, not a subtraction
        assertExprError("a-1", "1:1", "a-1");
    }

    // ---- operators -------------------------------------------------------------------------------------------------

    static Stream<Arguments> operators() {
        return Stream.of(
                // arithmetic (specsuite operators.hcl, with exact decimal results)
                c("2 + 3.5", "5.5"),
                c("3.5 - 2", "1.5"),
                c("2 - 3.5", "-1.5"),
                c("2 * 4.5", "9"),
                c("1 / 10", "0.1"),
                c("7 / 2", "3.5"),
                c("11 % 5", "1"),
                c("11 % 5.1", "0.8"),
                c("-7 % 3", "-1"),
                c("0.1 + 0.2", "0.3"),
                // arbitrary precision (specsuite add_big)
                c(PI + " + 1", "4" + PI.substring(1)),
                c("123456789012345678901234567890 * 10", "1234567890123456789012345678900"),
                // precedence and associativity
                c("1 + 2 * 3", "7"),
                c("1+2*3", "7"),
                c("(1 + 2) * 3", "9"),
                c("2 * (3 + 4) - 5", "9"),
                c("10 - 4 - 3", "3"),
                c("12 / 4 * 3", "9"),
                c("100 / 10 / 5", "2"),
                c("2 * 3 % 4", "2"),
                c("((((1))))", "1"),
                // unary operators bind tightest
                c("-(1 + 2)", "-3"),
                c("-2 * 3", "-6"),
                c("- 2 + 3", "1"),
                c("1 - -1", "2"),
                c("2 * -3", "-6"),
                c("!true", "false"),
                c("!false", "true"),
                c("!!true", "true"),
                c("!true || true", "true"),
                c("!(true || true)", "false"),
                // strings that read as numbers convert
                c("\"2\" + 3", "5"),
                c("\"2\" * \"3\"", "6"),
                // comparison
                c("1 < 2", "true"),
                c("2 < 1", "false"),
                c("1 < 1", "false"),
                c("1 <= 1", "true"),
                c("2 <= 1", "false"),
                c("2 > 1", "true"),
                c("1 > 1", "false"),
                c("1 >= 1", "true"),
                c("1 >= 2", "false"),
                c("1.5 > 1.25", "true"),
                c("-1 < 0", "true"),
                // equality: same type and value
                c("\"a\" == \"a\"", "true"),
                c("\"a\" == \"b\"", "false"),
                c("\"1\" == 1", "false"),
                c("\"true\" == true", "false"),
                c("\"a\" != \"b\"", "true"),
                c("\"1\" != 1", "true"),
                c("1 != 1", "false"),
                c("1 == 1.0", "true"),
                c("[1, 2] == [1, 2]", "true"),
                c("[1, 2] == [2, 1]", "false"),
                c("{a = 1, b = 2} == {b = 2, a = 1}", "true"),
                c("null == null", "true"),
                c("1 == null", "false"),
                // levels: * / % over + - over comparisons over == != over && over ||
                c("1 + 2 == 3", "true"),
                c("1 < 2 == true", "true"),
                c("true == 1 < 2", "true"),
                c("2 > 1 == 3 > 2", "true"),
                c("true && false || true", "true"),
                c("true || false && false", "true"),
                c("false && true || true", "true"),
                c("1 == 1 && 2 == 2", "true"),
                c("1 + 2 * 3 == 7 && 4 % 3 == 1 || false", "true"),
                c("true && false == false", "true"),
                // logic truth tables
                c("[true && true, true && false, false && true, false && false]", "[true,false,false,false]"),
                c("[true || true, true || false, false || true, false || false]", "[true,true,true,false]"),
                // conditionals: loosest, right-associative
                c("true ? \"a\" : \"b\"", "\"a\""),
                c("false ? \"a\" : \"b\"", "\"b\""),
                c("true ? 1 : false ? 2 : 3", "1"),
                c("false ? 1 : true ? 2 : 3", "2"),
                c("false ? 1 : false ? 2 : 3", "3"),
                c("true ? false ? 1 : 2 : 3", "2"),
                c("1 + 1 == 2 ? \"y\" : \"n\"", "\"y\""),
                c("false || true ? \"x\" : \"y\"", "\"x\""),
                c("!false ? 1 : 2", "1"),
                c("(true ? 1 : 2) + 10", "11"),
                c("true ? 1 : 2 + 10", "1"),
                c("false ? 1 : 2 + 10", "12"),
                c("true ? [1, 2] : []", "[1,2]"),
                // the branch not taken is not evaluated
                c("true ? 1 : [1][5]", "1"),
                c("false ? [1][5] : 2", "2"),
                // newlines inside parentheses, and anywhere in a single expression
                c("(1 +\n 2)", "3"),
                c("1 +\n2", "3"),
                c("(true\n ? 1\n : 2)", "1"));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("operators")
    void operator(String src, String json) {
        assertJson(src, json);
    }

    static Stream<Arguments> operatorErrors() {
        return Stream.of(
                // type errors: at the offending operand
                c("1 + true", "1:5"),
                c("\"a\" + 1", "1:1"),
                c("null + 1", "1:1"),
                c("[1] + 1", "1:1"),
                c("!1", "1:2"),
                c("-\"a\"", "1:2"),
                c("-true", "1:2"),
                c("1 && true", "1:1"),
                c("true && 1", "1:9"),
                c("1 < \"a\"", "1:5"),
                c("1 ? 2 : 3", "1:1"),
                c("\"true\" ? 2 : 3", "1:1"),
                // division by zero: at the operator
                c("1 / 0", "1:3"),
                c("10 + 1 % 0", "1:8"),
                c("1 / (2 - 2)", "1:3"),
                // syntax
                c("", "1:1"),
                c("1 +", "1:4"),
                c("* 2", "1:1"),
                c("1 == == 2", "1:6"),
                c("1 === 1", "1:5"),
                c("true ? 1", "1:9"),
                c("true ? 1 2", "1:10"),
                c("(1", "1:3"),
                c(")", "1:1"),
                c("1 2", "1:3"),
                c("1 & 2", "1:3"),
                c("1 | 2", "1:3"),
                c(".5", "1:1"),
                c("1e", "1:2"),
                c("0x10", "1:2"),
                c("True", "1:1"),
                c("nil", "1:1"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("operatorErrors")
    void operatorError(String src, String where) {
        assertExprError(src, where, null);
    }

    // ---- function calls --------------------------------------------------------------------------------------------

    static Stream<Arguments> calls() {
        return Stream.of(
                c("enc::json([1, \"a\"])", "\"[1,\\\"a\\\"]\""),
                c("enc::json({b = 1, a = 2})", "\"{\\\"a\\\":2,\\\"b\\\":1}\""),
                c("enc::json(null)", "\"null\""),
                c("enc::json(1.50)", "\"1.5\""),
                c("enc::json(\"é\")", "\"\\\"é\\\"\""),
                c("enc::json(\n  [1,\n   2]\n)", "\"[1,2]\""),
                c("enc::json(1,)", "\"1\""),
                c("enc::json(<<EOT\nx\nEOT\n)", "\"\\\"x\\\\n\\\"\""),
                c("secret(\"db\")", "{\"$secret\":[{\"slot\":\"db\"}]}"),
                c("secret(\"db${1}\")", "{\"$secret\":[{\"slot\":\"db1\"}]}"),
                c("\"pw=${secret(\"db\")}\"", "{\"$secret\":[\"pw=\",{\"slot\":\"db\"}]}"),
                c("\"${secret(\"db\")}\"", "{\"$secret\":[{\"slot\":\"db\"}]}"));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("calls")
    void call(String src, String json) {
        assertJson(src, json);
    }

    static Stream<Arguments> callErrors() {
        return Stream.of(
                // unknown functions and arity: at the function name
                c("enc::jsn(1)", "1:1"),
                c("1 + enc::jsn(1)", "1:5"),
                c("enc::json()", "1:1"),
                c("enc::json(1, 2)", "1:1"),
                c("nope::x()", "1:1"),
                c("foo(1)", "1:1"),
                c("a::b::c()", "1:1"),
                c("net::pickport()", "1:1"),
                c("enc::json(secret(\"x\"))", "1:1"),
                // bad arguments: at the argument
                c("secret(1)", "1:8"),
                c("secret(\"a b\")", "1:8"),
                // syntax
                c("enc::json", "1:10"),
                c("enc::(1)", "1:6"),
                c("enc::json(1 2)", "1:13"),
                // argument expansion is not supported: at the ...
                c("enc::json([1, 2]...)", "1:17"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("callErrors")
    void callError(String src, String where) {
        assertExprError(src, where, null);
    }

    @Test
    void unknownFunctionSuggestsTheClosestName() {
        ZedfileException e = exprFailure("enc::jsn(1)");
        assertEquals("unknown function \"enc::jsn\"; did you mean \"enc::json\"?", e.diagnostics().get(0).message());
        assertEquals("<expr>:1:1: unknown function \"enc::jsn\"; did you mean \"enc::json\"?", e.diagnostics().get(0).render());
    }

    // ---- expression trees --------------------------------------------------------------------------------------

    private static Expr parse(String src) {
        return noCrash(src, () -> Parser.parseExpression("<expr>", src));
    }

    @Test
    void conditionalIsRightAssociative() {
        Expr.Conditional outer = assertInstanceOf(Expr.Conditional.class, parse("a ? b : c ? d : e"));
        assertEquals("a", assertInstanceOf(Expr.Var.class, outer.condition()).name());
        assertEquals("b", assertInstanceOf(Expr.Var.class, outer.then()).name());
        Expr.Conditional inner = assertInstanceOf(Expr.Conditional.class, outer.otherwise());
        assertEquals("c", assertInstanceOf(Expr.Var.class, inner.condition()).name());
        assertEquals("e", assertInstanceOf(Expr.Var.class, inner.otherwise()).name());
    }

    @Test
    void binaryOperatorsAreLeftAssociative() {
        Expr.Binary minus = assertInstanceOf(Expr.Binary.class, parse("x - y - z"));
        assertEquals("-", minus.op());
        Expr.Binary left = assertInstanceOf(Expr.Binary.class, minus.left());
        assertEquals("x", assertInstanceOf(Expr.Var.class, left.left()).name());
        assertEquals("z", assertInstanceOf(Expr.Var.class, minus.right()).name());
    }

    @Test
    void traversalChain() {
        // a.b[0].c is ((a.b)[0]).c
        Expr.GetAttr c = assertInstanceOf(Expr.GetAttr.class, parse("a.b[0].c"));
        assertEquals("c", c.name());
        Expr.Index i = assertInstanceOf(Expr.Index.class, c.target());
        Expr.GetAttr b = assertInstanceOf(Expr.GetAttr.class, i.target());
        assertEquals("b", b.name());
        assertEquals("a", assertInstanceOf(Expr.Var.class, b.target()).name());
    }

    @Test
    void namespacedCall() {
        Expr.Call call = assertInstanceOf(Expr.Call.class, parse("net::pickport()"));
        assertEquals("net", call.namespace());
        assertEquals("pickport", call.name());
        assertEquals(List.of(), call.args());
        Expr.Call env = assertInstanceOf(Expr.Call.class, parse("os::env(\"X\", \"d\")"));
        assertEquals("os::env", env.fullName());
        assertEquals(2, env.args().size());
        Expr.Call plain = assertInstanceOf(Expr.Call.class, parse("file(\"a.txt\")"));
        assertEquals("", plain.namespace());
        assertEquals("file", plain.fullName());
    }

    @Test
    void templatePartsAndPositions() {
        Expr.Template t = assertInstanceOf(Expr.Template.class, parse("\"a${x}b\""));
        assertEquals(3, t.parts().size());
        assertEquals("a", assertInstanceOf(Expr.Text.class, t.parts().get(0)).text());
        Expr.Interp in = assertInstanceOf(Expr.Interp.class, t.parts().get(1));
        assertEquals("x", assertInstanceOf(Expr.Var.class, in.expr()).name());
        assertEquals(5, in.expr().pos().col());
        assertEquals("b", assertInstanceOf(Expr.Text.class, t.parts().get(2)).text());
        Expr.Template lone = assertInstanceOf(Expr.Template.class, parse("\"${x}\""));
        assertEquals(1, lone.parts().size());
        assertEquals(null, lone.staticText());
        assertEquals("plain", assertInstanceOf(Expr.Template.class, parse("\"plain\"")).staticText());
    }
}
