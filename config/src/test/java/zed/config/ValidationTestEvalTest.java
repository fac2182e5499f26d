package zed.config;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.stream.Stream;

import static zed.config.ValidationTestSupport.assertOnlyError;
import static zed.config.ValidationTestSupport.c;
import static zed.config.ValidationTestSupport.svc;

/**
 * Evaluation errors (LevelEvaluation, NodeScope, Interpreter, Functions): references, cycles, functions, operators,
 * indexing. Each is reported once, at the token that is wrong, and nothing that depends on it adds noise.
 * Lines 1-2 of {@code svc(...)} rows are {@code service "exec" "a" {} and its runtime; the row's lines start at 3.
 */
class ValidationTestEvalTest {

    static Stream<Arguments> evaluation() {
        return Stream.of(
                // ---- references
                svc(3, 16, "reference cycle: service.exec.a.vars.x -> service.exec.a.vars.x",
                        "  vars = { x = self.vars.x }"),
                c(7, 16, "reference cycle: service.exec.a.vars.x -> service.exec.b.vars.y -> service.exec.a.vars.x",
                        "service 'exec' 'a' {",
                        "  runtime { cmd = ['a'] }",
                        "  vars = { x = service.exec.b.vars.y }",
                        "}",
                        "service 'exec' 'b' {",
                        "  runtime { cmd = ['a'] }",
                        "  vars = { y = service.exec.a.vars.x }",
                        "}"),
                svc(3, 13, "a service reference reads service.<kind>.<name>, e.g. service.exec.web.vars.port",
                        "  version = service.exec"),
                svc(3, 26, "service.exec.web is not declared in this level or any level above",
                        "  version = service.exec.web.version"),
                // the suggestion must read like the reference: did you mean "service.exec.a"?
                svc(3, 26, "service.exec.b is not declared in this level or any level above; did you mean \"service.exec.a\"?",
                        "  version = service.exec.b.version"),
                svc(3, 18, "service.exec.a has no \"verson\"; did you mean \"version\"?",
                        "  version = self.verson"),
                svc(4, 23, "service.exec.a.vars has no \"prot\"; did you mean \"port\"?",
                        "  vars = { port = 1 }",
                        "  version = self.vars.prot"),
                c(7, 13, "self is only available inside a service block",
                        "service 'exec' 'a' {",
                        "  runtime { cmd = ['a'] }",
                        "}",
                        "dataset 'd' {",
                        "}",
                        "jail 'j' {",
                        "  dataset = self.name",
                        "}"),
                svc(3, 13, "unknown name \"slef\"; did you mean \"self\"?; references start with self, service or model",
                        "  version = slef.name"),
                svc(3, 13, "unknown name \"var\"; references start with self, service or model",
                        "  version = var.port"),
                c(4, 13, "after must be a list of services, e.g. [service.exec.db]",
                        "service 'exec' 'a' {",
                        "  runtime {",
                        "    cmd   = ['a']",
                        "    after = 'service.exec.db'",
                        "  }",
                        "}"),
                c(4, 29, "after takes service references such as service.exec.db",
                        "service 'exec' 'a' {",
                        "  runtime {",
                        "    cmd   = ['a']",
                        "    after = [service.exec.a.vars]",
                        "  }",
                        "}"),
                c(4, 27, "service.exec.db is not declared in this level or any level above",
                        "service 'exec' 'a' {",
                        "  runtime {",
                        "    cmd   = ['a']",
                        "    after = [service.exec.db]",
                        "  }",
                        "}"),
                c(2, 3, "pool must be a string, not number 5",
                        "level {",
                        "  pool = 5",
                        "}"),
                svc(3, 19, "duplicate key \"a\" in vars; first set at Zedfile:3:12",
                        "  vars = { a = 1, a = 2 }"),
                svc(3, 25, "duplicate object key \"x\"; first set at Zedfile:3:18",
                        "  vars = { m = { x = 1, x = 2 } }"),

                // ---- functions
                svc(3, 19, "unknown function \"net::pickprot\"; did you mean \"net::pickport\"?",
                        "  vars = { port = net::pickprot() }"),
                svc(3, 13, "unknown function \"os::getenv\"; did you mean \"os::env\"?",
                        "  version = os::getenv('V')"),
                svc(3, 13, "unknown function \"time::now\"",
                        "  version = time::now()"),
                svc(3, 19, "net::pickport takes no arguments, not 1",
                        "  vars = { port = net::pickport(8080) }"),
                svc(3, 13, "os::env takes 1 or 2 arguments, not 3",
                        "  version = os::env('A', 'b', 'c')"),
                svc(3, 13, "enc::json takes 1 argument, not 0",
                        "  version = enc::json()"),
                svc(3, 13, "environment variable NOPE_ZED_X is not set; set it or give a default: os::env(\"NOPE_ZED_X\", \"...\")",
                        "  version = os::env('NOPE_ZED_X')"),
                svc(3, 21, "os::env: the variable name must be a string, not number 1",
                        "  version = os::env(1)"),
                svc(3, 22, "secret: the secret slot must be a string, not bool true",
                        "  env = { A = secret(true) }"),
                svc(3, 22, "a secret slot is 1 to 64 lowercase letters, digits, '_' and '-', starting with a letter or digit, not \"a b\"",
                        "  env = { A = secret('a b') }"),
                svc(3, 15, "enc::json cannot encode a secret; interpolate secret(...) into a template instead",
                        "  env = { A = enc::json([secret('s')]) }"),
                svc(3, 18, "file(\"missing.txt\"): no such file ",
                        "  version = file('missing.txt')"),
                svc(3, 18, "file(\".\"): cannot read ",
                        "  version = file('.')"),
                c(2, 10, "fs::etc() is only available inside a service block",
                        "level {",
                        "  pool = fs::etc()",
                        "}"),
                c(2, 10, "fs::var() is only available inside a service block",
                        "level {",
                        "  pool = fs::var()",
                        "}"),

                // ---- operators, conditionals, templates
                svc(3, 13, "the condition must be a bool, not number 1",
                        "  version = 1 ? 'a' : 'b'"),
                svc(3, 14, "operator ! needs a bool, not string \"yes\"",
                        "  version = !'yes'"),
                svc(3, 14, "operator - needs a number, not string \"a\"",
                        "  version = -'a'"),
                svc(3, 17, "operator + needs a number, not bool true",
                        "  version = 1 + true"),
                svc(3, 13, "operator && needs a bool, not number 1",
                        "  version = 1 && true"),
                svc(3, 22, "operator || needs a bool, not number 2",
                        "  version = false || 2"),
                svc(3, 15, "division by zero",
                        "  version = 1 / 0"),
                svc(3, 15, "modulo by zero",
                        "  version = 7 % 0"),
                svc(3, 19, "number out of range",
                        "  version = 1e999 * 10"),
                svc(3, 17, "cannot put null into a string",
                        "  version = 'v${null}'"),
                svc(3, 17, "cannot put a list into a string; use enc::json(...)",
                        "  version = 'v${[1]}'"),
                svc(3, 19, "an object key must be a string, not a list",
                        "  vars = { m = { (['k']) = 1 } }"),

                // ---- indexing
                svc(3, 20, "an index must be a whole number, not 1.5",
                        "  version = [1, 2][1.5]"),
                svc(3, 20, "an index must be a number or a string, not bool true",
                        "  version = [1, 2][true]"),
                svc(3, 19, "index 5 is out of range for a list of 2",
                        "  version = [1, 2][5]"),
                svc(3, 20, "a list is indexed by number, not by \"x\"",
                        "  version = [1, 2].x"),
                svc(4, 24, "an object is indexed by key, not by number 0",
                        "  vars = { o = { k = 1 } }",
                        "  version = self.vars.o[0]"),
                svc(4, 25, "no attribute \"z\"; did you mean \"k\"?",
                        "  vars = { o = { k = 1 } }",
                        "  version = self.vars.o.z"),
                svc(3, 23, "cannot use .x on string \"a\"",
                        "  version = self.name.x"),
                svc(3, 27, "cannot use .y on a secret",
                        "  env = { A = secret('s').y }")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("evaluation")
    void evaluation_errors(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyError(tmp, source, line, col, message);
    }
}
