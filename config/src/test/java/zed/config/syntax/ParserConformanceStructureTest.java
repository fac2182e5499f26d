package zed.config.syntax;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import zed.config.Pos;
import zed.config.Value;
import zed.config.ZedfileException;
import zed.config.eval.Constant;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static zed.config.syntax.ParserConformanceTest.assertExprError;
import static zed.config.syntax.ParserConformanceTest.assertFileError;
import static zed.config.syntax.ParserConformanceTest.c;
import static zed.config.syntax.ParserConformanceTest.file;
import static zed.config.syntax.ParserConformanceTest.fileFailure;
import static zed.config.syntax.ParserConformanceTest.positions;
import static zed.config.syntax.ParserConformanceTest.show;

/** Bodies, blocks, comments, positions, error recovery, UTF-8, CRLF, BOM, and robustness against any input. */
class ParserConformanceStructureTest {

    private static String json(Body.Attribute a) {
        assertTrue(a != null, "attribute missing");
        return Constant.eval(a.expr()).toJson();
    }

    private static String pos(Body.Attribute a) {
        return a.pos().line() + ":" + a.pos().col();
    }

    private static String pos(Body.Block b) {
        return b.pos().line() + ":" + b.pos().col();
    }

    private static List<String> labels(Body.Block b) {
        return b.labels().stream().map(Body.Label::value).toList();
    }

    private static List<String> names(Body body) {
        return body.attributes().stream().map(Body.Attribute::name).toList();
    }

    private static List<String> types(Body body) {
        return body.blocks().stream().map(Body.Block::type).toList();
    }

    // ---- bodies and attributes -------------------------------------------------------------------------------------

    @Test
    void emptyFilesHaveNothing() {
        for (String src : List.of("", "\n\n", "# only\n// comments\n/* and\n this */\n", "\r\n", "   \t  ")) {
            Body b = file(src);
            assertEquals(List.of(), b.attributes(), show(src));
            assertEquals(List.of(), b.blocks(), show(src));
        }
    }

    @Test
    void attributesWithPositions() {
        Body b = file("port = 8080\n  name = \"web\"\nempty = \"\"\nlast = 1.50");
        assertEquals(List.of("port", "name", "empty", "last"), names(b));
        assertEquals("1:1", pos(b.attribute("port")));
        assertEquals(8, b.attribute("port").expr().pos().col());
        assertEquals("2:3", pos(b.attribute("name")));
        assertEquals(10, b.attribute("name").expr().pos().col());
        assertEquals("8080", json(b.attribute("port")));
        assertEquals("\"web\"", json(b.attribute("name")));
        assertEquals("\"\"", json(b.attribute("empty")));
        assertEquals("1.5", json(b.attribute("last")));
    }

    @Test
    void keywordsAreAttributeNames() {
        // specsuite primitive_literals.hcl: true, false and null are ordinary names on the left of =
        Body b = file("true = true\nfalse = false\nnull = null\n");
        assertEquals(List.of("true", "false", "null"), names(b));
        assertEquals("true", json(b.attribute("true")));
        assertEquals("false", json(b.attribute("false")));
        assertEquals("null", json(b.attribute("null")));
    }

    @Test
    void valuesSpanLinesOnlyInsideBrackets() {
        Body b = file("a = [\n  1,\n  2,\n]\nb = {\n  x = 1\n  y = \"z\"\n}\nc = (1 +\n  2)\nd = enc::json(\n  [1]\n)\ne = 5\n");
        assertEquals("[1,2]", json(b.attribute("a")));
        assertEquals("{\"x\":1,\"y\":\"z\"}", json(b.attribute("b")));
        assertEquals("3", json(b.attribute("c")));
        assertEquals("\"[1]\"", json(b.attribute("d")));
        assertEquals("14:1", pos(b.attribute("e")));
    }

    // ---- comments --------------------------------------------------------------------------------------------------

    static Stream<Arguments> comments() {
        return Stream.of(
                c("# c\na = 1", "1"),
                c("// c\na = 1", "1"),
                c("/* c */ a = 1", "1"),
                c("/**/a = 1", "1"),
                c("a = /* c */ 1", "1"),
                c("a = 1 /* c */", "1"),
                c("a = 1 # c", "1"),
                c("a = 1 // c", "1"),
                c("a = 1 ///x", "1"),
                c("a = 1 #c\r\n", "1"),
                c("#!/usr/bin/env zed\na = 1", "1"),
                c("/* multi\nline\ncomment */\na = 1", "1"),
                c("a = 1 /* spans\nlines */\n", "1"),
                c("/* a /* b */ a = 1", "1"),
                c("a = [1, /* x */ 2]", "[1,2]"),
                c("a = [1, # x\n  2 // y\n]", "[1,2]"),
                c("a = \"# x\" # y", "\"# x\""),
                c("a = 2 / 1 // half", "2"),
                c("a = 4 /2", "2"),
                c("blk {\n  # inside\n  a = 1 // here\n}\na = 3 /* after */", "3"));
    }

    @ParameterizedTest(name = "[{index}] {0} => {1}")
    @MethodSource("comments")
    void commentsAreIgnored(String src, String json) {
        assertEquals(json, json(file(src).attribute("a")), show(src));
    }

    // ---- blocks ----------------------------------------------------------------------------------------------------

    @Test
    void blocksWithZeroOneAndTwoLabels() {
        Body b = file("""
                update {
                  auto_revert = true
                }
                dataset "apps/web" {
                  mountpoint = "/srv/web"
                }
                service "exec" "web" {
                }
                service exec web {}
                service exec "web" {}
                svc "a\\"b" "" {}
                """);
        assertEquals(List.of("update", "dataset", "service", "service", "service", "svc"), types(b));
        Body.Block update = b.blocks().get(0);
        assertEquals(List.of(), labels(update));
        assertEquals("1:1", pos(update));
        assertEquals("2:3", pos(update.body().attribute("auto_revert")));
        assertEquals("true", json(update.body().attribute("auto_revert")));
        Body.Block dataset = b.blocks().get(1);
        assertEquals(List.of("apps/web"), labels(dataset));
        assertEquals(4, dataset.labels().get(0).pos().line());
        assertEquals(9, dataset.labels().get(0).pos().col());
        assertEquals("\"/srv/web\"", json(dataset.body().attribute("mountpoint")));
        assertEquals(List.of("exec", "web"), labels(b.blocks().get(2)));
        assertEquals(16, b.blocks().get(2).labels().get(1).pos().col());
        assertEquals(List.of("exec", "web"), labels(b.blocks().get(3)));
        assertEquals(List.of("exec", "web"), labels(b.blocks().get(4)));
        assertEquals(List.of("a\"b", ""), labels(b.blocks().get(5)));
        assertEquals(3, b.blocks("service").size());
    }

    @Test
    void blocksNestThreeDeep() {
        Body b = file("""
                a {
                  b "x" {
                    c {
                      d = 1
                    }
                  }
                  e = 2
                }
                """);
        Body.Block a = b.blocks().get(0);
        Body.Block bx = a.body().blocks().get(0);
        assertEquals("b", bx.type());
        assertEquals("x", bx.label(0));
        assertEquals("2:3", pos(bx));
        Body.Block c = bx.body().blocks().get(0);
        assertEquals("c", c.type());
        assertEquals("3:5", pos(c));
        assertEquals("4:7", pos(c.body().attribute("d")));
        assertEquals("1", json(c.body().attribute("d")));
        assertEquals("7:3", pos(a.body().attribute("e")));
    }

    @Test
    void oneLineBlocks() {
        Body b = file("""
                restart { attempts = 10, interval = "5m", delay = "1s", max_delay = "30s" }
                a { b = 1 }
                e {}
                f "l" {}
                g = 1
                """);
        assertEquals(List.of("restart", "a", "e", "f"), types(b));
        Body restart = b.blocks().get(0).body();
        assertEquals(List.of("attempts", "interval", "delay", "max_delay"), names(restart));
        assertEquals("10", json(restart.attribute("attempts")));
        assertEquals("\"1s\"", json(restart.attribute("delay")));
        assertEquals("1:26", pos(restart.attribute("interval")));
        assertEquals("1", json(b.blocks().get(1).body().attribute("b")));
        assertEquals(List.of(), b.blocks().get(2).body().attributes());
        assertEquals(List.of("l"), labels(b.blocks().get(3)));
        assertEquals("1", json(b.attribute("g")));
    }

    @Test
    void repeatedBlocksAndSameNamesInDifferentBodies() {
        Body b = file("mount \"a\" {}\nmount \"b\" {}\na { x = 1 }\nb { x = 2 }\nx = 3\n");
        assertEquals(List.of("a", "b"), b.blocks("mount").stream().map(m -> m.label(0)).toList());
        assertEquals("1", json(b.blocks("a").get(0).body().attribute("x")));
        assertEquals("2", json(b.blocks("b").get(0).body().attribute("x")));
        assertEquals("3", json(b.attribute("x")));
    }

    @Test
    void identifiersWithDashesAndUnicode() {
        Body b = file("max-parallel = 1\nhealth-check \"x\" { fail-after = 3 }\ncafé = \"naïve\"\nrésumé \"ü\" {\n  ñ = 1\n}\n_x = 2\n");
        assertEquals(List.of("max-parallel", "café", "_x"), names(b));
        assertEquals("3", json(b.blocks("health-check").get(0).body().attribute("fail-after")));
        assertEquals("\"naïve\"", json(b.attribute("café")));
        assertEquals(8, b.attribute("café").expr().pos().col());
        Body.Block r = b.blocks("résumé").get(0);
        assertEquals("ü", r.label(0));
        assertEquals(8, r.labels().get(0).pos().col());
        assertEquals("5:3", pos(r.body().attribute("ñ")));
    }

    @Test
    void heredocsInsideAFile() {
        Body b = file("""
                a = <<-EOT
                    hello
                      world
                    EOT
                b = 1
                file "x" {
                  body = <<EOT
                text
                EOT
                }
                c = [<<EOT
                x
                EOT
                , 1]
                d = 2
                """);
        assertEquals("\"hello\\n  world\\n\"", json(b.attribute("a")));
        assertEquals("5:1", pos(b.attribute("b")));
        assertEquals("\"text\\n\"", json(b.blocks("file").get(0).body().attribute("body")));
        assertEquals("[\"x\\n\",1]", json(b.attribute("c")));
        assertEquals("15:1", pos(b.attribute("d")));
    }

    @Test
    void crlfLineEndings() {
        Body b = file("a = 1\r\nb = \"x\"\r\nblk \"l\" {\r\n  c = <<EOT\r\nhello\r\nworld\r\nEOT\r\n"
                + "  d = <<-EOT\r\n    in\r\n    EOT\r\n}\r\n# comment\r\ne = [\r\n  1,\r\n]\r\n");
        assertEquals("1", json(b.attribute("a")));
        assertEquals("\"x\"", json(b.attribute("b")));
        assertEquals("2:1", pos(b.attribute("b")));
        Body.Block blk = b.blocks().get(0);
        assertEquals("3:1", pos(blk));
        assertEquals("l", blk.label(0));
        assertEquals("\"hello\\nworld\\n\"", json(blk.body().attribute("c")));
        assertEquals("4:3", pos(blk.body().attribute("c")));
        assertEquals("\"in\\n\"", json(blk.body().attribute("d")));
        assertEquals("8:3", pos(blk.body().attribute("d")));
        assertEquals("[1]", json(b.attribute("e")));
        assertEquals("13:1", pos(b.attribute("e")));
    }

    @Test
    void byteOrderMarkAtTheStartIsNotAColumn() {
        Body b = file("\uFEFFa = 1\nb = 2\n");
        assertEquals(List.of("a", "b"), names(b));
        assertEquals("1", json(b.attribute("a")));
        assertEquals("1:1", pos(b.attribute("a")));
        assertEquals("2:1", pos(b.attribute("b")));
    }

    @Test
    void referencesAndCallsParseInAttributes() {
        Body b = file("env = { PORT = self.vars.port, COOKIE = os::env(\"RELEASE_COOKIE\") }\nafter = [service.exec.db]\n");
        Expr.ObjectExpr env = assertInstanceOf(Expr.ObjectExpr.class, b.attribute("env").expr());
        assertEquals("PORT", env.items().get(0).staticKey());
        Expr.GetAttr port = assertInstanceOf(Expr.GetAttr.class, env.items().get(0).value());
        assertEquals("port", port.name());
        Expr.Call call = assertInstanceOf(Expr.Call.class, env.items().get(1).value());
        assertEquals("os::env", call.fullName());
        Expr.ListExpr after = assertInstanceOf(Expr.ListExpr.class, b.attribute("after").expr());
        Expr.GetAttr db = assertInstanceOf(Expr.GetAttr.class, after.items().get(0));
        assertEquals("db", db.name());
    }

    /** The "A level" and "GPU resources" examples of ZEDFILE.md parse as described there. */
    @Test
    void zedfileExample() {
        Body b = file("""
                level "shop" {                 # optional; default name: the directory's name
                  host = "h1"                  # pin to a cluster host; default: the local node
                  pool = "tank/zed"            # ZFS dataset under which this level's datasets live;
                                               # default: the parent level's pool, else the node's
                                               # configured pool, else the dir store
                  sysenv = ["SSH_AUTH_SOCK"]   # host variables passed to services beyond the default
                                               # whitelist (PATH, HOME, LANG, TZ)
                }

                snapshots {
                  before_deploy = true         # snapshot the level's datasets before each new revision
                  keep          = 5            # keep this many deploy snapshots per dataset (enforced)
                }

                update {                       # the health gate (defaults shown)
                  min_healthy_time = "5s"      # healthy this long before Converged
                  healthy_deadline = "2m"      # not healthy by then: ConvergeFailed
                  auto_revert      = true      # on failure go back to the stable revision
                  max_parallel     = 1         # services restarted at once
                }

                dataset "apps/web" {
                  mountpoint = "/srv/web"      # optional
                  properties = { compression = "on", quota = "1G", recordsize = "128K" }
                }

                jail "web" {
                  dataset  = "jails/web"
                  hostname = "web.local"
                  ip4      = "10.17.0.2/24"    # or inherit; vnet = true
                  params   = { "allow.sysvipc" = true, "children.max" = 4 }
                  mount "/var/db/web" {
                    dataset = "apps/web"
                    mode    = "rw"
                  }
                }

                service "exec" "web" {         # kind, name
                  dataset = "apps/web"
                  jail    = "web"              # optional: run inside that jail
                  version = "1.4.2"
                  vars    = { port = net::pickport() }
                  env     = { PORT = self.vars.port, COOKIE = os::env("RELEASE_COOKIE") }
                  file "config" {
                    path = "${fs::etc()}/web.toml"
                    body = <<-EOT
                      listen = "127.0.0.1:${self.vars.port}"
                    EOT
                    mode = "0600"
                  }
                  runtime {
                    cmd   = ["${self.dir}/bin/web", "--config", self.file.config.path]
                    after = [service.exec.db]  # start once db is healthy
                  }
                  restart { attempts = 10, interval = "5m", delay = "1s", max_delay = "30s" }
                  health "http" {
                    url       = "http://127.0.0.1:${self.vars.port}/health"
                    expect    = 200
                    interval  = "2s"
                    timeout   = "1s"
                    failure_threshold = 3
                  }
                  print = "http://127.0.0.1:${self.vars.port}/"   # shown by `zed status`
                  sudo "resolver" {            # only run by `zed sudo`, never during converge
                    check  = "grep -q ${self.vars.port} /etc/resolver/test"
                    apply  = "echo port ${self.vars.port} > /etc/resolver/test"
                    verify = "grep -q ${self.vars.port} /etc/resolver/test"
                  }
                }

                model "llama70b" {
                  dataset  = "models/llama-70b"
                  requires = { vram_mb = 49152 }      # refuse to place where no GPU fits
                }
                job "finetune" {
                  model            = "llama70b"
                  runtime { cmd = ["./train"] }
                  checkpoint_every = "1h"              # each checkpoint is a zfs snapshot
                }
                """);
        assertEquals(List.of("level", "snapshots", "update", "dataset", "jail", "service", "model", "job"), types(b));
        assertEquals(List.of("host", "pool", "sysenv"), names(b.blocks().get(0).body()));
        assertEquals("[\"SSH_AUTH_SOCK\"]", json(b.blocks().get(0).body().attribute("sysenv")));
        assertEquals("5", json(b.blocks("snapshots").get(0).body().attribute("keep")));
        assertEquals("{\"compression\":\"on\",\"quota\":\"1G\",\"recordsize\":\"128K\"}",
                json(b.blocks("dataset").get(0).body().attribute("properties")));
        Body.Block jail = b.blocks("jail").get(0);
        assertEquals("{\"allow.sysvipc\":true,\"children.max\":4}", json(jail.body().attribute("params")));
        assertEquals("/var/db/web", jail.body().blocks("mount").get(0).label(0));
        Body.Block service = b.blocks("service").get(0);
        assertEquals("38:1", pos(service));
        assertEquals(List.of("exec", "web"), labels(service));
        assertEquals(List.of("file", "runtime", "restart", "health", "sudo"), types(service.body()));
        assertEquals(List.of("dataset", "jail", "version", "vars", "env", "print"), names(service.body()));
        Body file = service.body().blocks("file").get(0).body();
        Expr.Template body = assertInstanceOf(Expr.Template.class, file.attribute("body").expr());
        assertEquals(3, body.parts().size());
        assertEquals("listen = \"127.0.0.1:", assertInstanceOf(Expr.Text.class, body.parts().get(0)).text());
        assertInstanceOf(Expr.Interp.class, body.parts().get(1));
        assertEquals("\"\n", assertInstanceOf(Expr.Text.class, body.parts().get(2)).text());
        assertEquals("\"0600\"", json(file.attribute("mode")));
        assertEquals("49:5", pos(file.attribute("mode")));
        Body restart = service.body().blocks("restart").get(0).body();
        assertEquals(List.of("attempts", "interval", "delay", "max_delay"), names(restart));
        assertEquals("200", json(service.body().blocks("health").get(0).body().attribute("expect")));
        assertEquals("{\"vram_mb\":49152}", json(b.blocks("model").get(0).body().attribute("requires")));
        assertEquals("[\"./train\"]", json(b.blocks("job").get(0).body().blocks("runtime").get(0).body().attribute("cmd")));
    }

    // ---- file-level errors -----------------------------------------------------------------------------------------

    static Stream<Arguments> fileErrors() {
        return Stream.of(
                // missing = or value, stray tokens
                c("a 1", "1:3"),
                c("a\n", "1:2"),
                c("a =\nb = 1", "1:4"),
                c("a = 1 +\nb = 2", "1:8"),
                c("= 1", "1:1"),
                c("\"a\" = 1", "1:1"),
                c("a = 1 2", "1:7"),
                c("a.b = 1", "1:2"),
                c("a = 1 b {}", "1:7"),
                // blocks
                c("a {", "1:3"),
                c("svc \"x\" {\n  a = 1\n", "1:9"),
                c("a {\n  b {\n    c = 1\n}", "1:3"),
                c("a = 1\n}", "2:1"),
                c("a \"x\"\nb = 1", "1:6"),
                c("svc \"a${1}\" {}", "1:5"),
                // characters that start no token
                c("a = 1 & 2", "1:7"),
                c("a = 1 | 2", "1:7"),
                c("a = @", "1:5"),
                c("a = ~", "1:5"),
                c("a = $x", "1:5"),
                c("a = \u0001", "1:5"),
                // positions: tabs are one column, lines count across comments, heredocs and lists
                c("\ta = ?", "1:6"),
                c("\n\n# c\n\n  a = ?", "5:7"),
                c("/*\n\n*/ a = ?", "3:8"),
                c("/* a */ b /* c */ = /* d */ ?", "1:29"),
                c("a = [\n  1,\n  ?\n]", "3:3"),
                c("a = <<EOT\nx\nEOT\nb = ?", "4:5"),
                c("a = <<EOT\nline\n  ${1 + }\nEOT", "3:9"),
                // columns count code points
                c("a = \"é${1 +}\"", "1:12"),
                c("é = \"\\q\"", "1:6"),
                c("x = \"\uD83D\uDE00\uD83D\uDE00\" ]", "1:10"),
                c("x = \"e\u0301\" ]", "1:10"),
                // strings
                c("a = \"x\ny\"", "1:5"),
                c("a = \"abc", "1:5"),
                // recovery skips a string that ends in a backslash at the end of the file
                c("\"\\", "1:1"),
                c("a = 1 \"x\\", "1:7"),
                // comments
                c("a = 1\n/* never\nclosed", "2:1"),
                c("a = 1 /* unclosed", "1:7"),
                // heredocs
                c("a = 1\nb = <<EOT\nfoo\n", "2:5"),
                c("a = <<EOT foo\nEOT", "1:5"),
                // CRLF and BOM
                c("a = 1\r\nb = ?\r\n", "2:5"),
                c("a = \"x\r\nb = 1", "1:5"),
                c("\uFEFFa = ?", "1:5"),
                c("a = 1\n\uFEFFb = 2", "2:1"));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("fileErrors")
    void fileError(String src, String where) {
        assertFileError(src, where, null);
    }

    /** A duplicate attribute is a structural error (zed.config.Structures), so that it hides no other error. */
    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("duplicates")
    void aDuplicateAttributeIsReportedAtTheSecondAndNamesTheFirst(String src, String where) {
        List<zed.config.Diagnostic> errors = zed.config.Structures.check(Parser.parseFile("Zedfile", src));
        assertEquals(1, errors.size(), errors.toString());
        Pos p = errors.get(0).pos();
        assertEquals(where, p.line() + ":" + p.col());
        assertTrue(errors.get(0).message().startsWith("attribute "), errors.get(0).message());
    }

    static Stream<Arguments> duplicates() {
        return Stream.of(
                c("snapshots {\n  keep = 1\n  keep = 2\n}", "3:3"),
                c("snapshots {\n  keep = 1 # c\n  keep = 2 // d\n}", "3:3"),
                c("level {\n  host = \"a\"\n  host = \"b\"\n}", "3:3"));
    }

    /**
     * Zed's deliberate departure from HCL: a block body may separate attributes with commas, because ZEDFILE.md's own
     * example writes {@code restart { attempts = 10, interval = "5m", delay = "1s", max_delay = "30s" }}.
     */
    @Test
    void commasMaySeparateAttributesInABody() {
        Body b = Parser.parseFile("Zedfile", "a = 1, b = 2\nc {\n  x = 1, y = 2\n}\nrestart { attempts = 10, delay = \"1s\" }\n");
        assertEquals(List.of("a", "b"), b.attributes().stream().map(Body.Attribute::name).toList());
        assertEquals(List.of("x", "y"), b.blocks().get(0).body().attributes().stream().map(Body.Attribute::name).toList());
        assertEquals(List.of("attempts", "delay"), b.blocks().get(1).body().attributes().stream().map(Body.Attribute::name).toList());
    }

    // ---- several errors in one file --------------------------------------------------------------------------------

    static Stream<Arguments> multipleErrors() {
        return Stream.of(
                c("a = ?\nb = 2\nc = \"unterminated\nd = \"bad \\q\"\ne = 1 +\nf = 6\n",
                        List.of("1:5", "3:5", "4:10", "5:8")),
                c("svc {\n  a = ?\n  b = 1\n}\nc = ?\n", List.of("2:7", "5:5")),
                c("x {\n  y \"l\" {\n    z = [1,\n  }\n}\nw = 1\n", List.of("4:3")),
                c("svc \"a\" {\n  port = 80 80\n  name = \"x\n  ok = true\n}\nother = ]\n", List.of("2:13", "3:10", "6:9")),
                c("a = 1\nb {\n  c = ?\n", List.of("2:3", "3:7")),
                // an unterminated heredoc runs to the end of the file, so its block is unclosed too
                c("svc {\n  body = <<-EOT\n    hi\n}", List.of("1:5", "2:10")),
                c("a = \"\\q\"\nb = 2\nc = \"\\w\"\n", List.of("1:6", "3:6")));
    }

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @MethodSource("multipleErrors")
    void everyErrorIsReported(String src, List<String> where) {
        ZedfileException e = fileFailure(src);
        assertEquals(where, positions(e), "all errors of " + show(src) + ": " + e.diagnostics());
    }

    @Test
    void diagnosticsNameTheFile() {
        ZedfileException e = ParserConformanceTest.failure("a = ?", () -> Parser.parseFile("shop/Zedfile", "a = ?"));
        assertEquals("shop/Zedfile", e.diagnostics().get(0).pos().file());
        assertTrue(e.diagnostics().get(0).render().startsWith("shop/Zedfile:1:5: "), e.diagnostics().get(0).render());
        assertTrue(e.getMessage().startsWith("shop/Zedfile:1:5: "), e.getMessage());
    }

    // ---- robustness: nothing but ZedfileException, whatever the input --------------------------------------------

    static Stream<Arguments> hostileInputs() {
        return Stream.of(
                c("parens", "(".repeat(20000) + "1" + ")".repeat(20000)),
                c("lists", "[".repeat(20000) + "]".repeat(20000)),
                c("objects", "{a = ".repeat(20000) + "1" + "}".repeat(20000)),
                c("minus", "-".repeat(100000) + "1"),
                c("bang", "!".repeat(100000) + "true"),
                c("conditionals", "true ? 1 : ".repeat(20000) + "2"),
                c("index", "[1]" + "[0]".repeat(100000)),
                c("attrs", "{a = 1}" + ".a".repeat(100000)),
                c("templates", "\"${".repeat(5000) + "1" + "}\"".repeat(5000)),
                c("additions", "1" + " + 1".repeat(100000)),
                c("and chain", "true" + " && true".repeat(100000)),
                c("unclosed", "[".repeat(100000)),
                c("unclosed interpolations", "\"${".repeat(100000)),
                c("huge exponent", "1e9999999999"),
                c("huge exponent key", "{1e9999999999 = 1}"),
                c("long string", "\"" + "x".repeat(1_000_000) + "\""));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("hostileInputs")
    void hostileExpressionsFailCleanly(String what, String src) {
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
            try {
                Constant.eval(src);
            } catch (ZedfileException e) {
                assertTrue(!e.diagnostics().isEmpty());
            } catch (Throwable t) {
                fail(what + ": Constant.eval threw " + t + " instead of a ZedfileException");
            }
        });
    }

    @Test
    void hostileFilesFailCleanly() {
        Map<String, String> inputs = new LinkedHashMap<>();
        inputs.put("blocks", "a {\n".repeat(20000) + "}\n".repeat(20000));
        inputs.put("unclosed blocks", "a {\n".repeat(100000));
        inputs.put("closing braces", "}\n".repeat(100000));
        inputs.put("many errors", "a = ?\n".repeat(50000));
        inputs.put("huge exponent", "a = 1e9999999999\n");
        inputs.put("long list", "b = [" + "1, ".repeat(100000) + "]\n");
        for (Map.Entry<String, String> in : inputs.entrySet()) {
            assertTimeoutPreemptively(Duration.ofSeconds(20), () -> {
                try {
                    Parser.parseFile("Zedfile", in.getValue());
                } catch (ZedfileException e) {
                    assertTrue(!e.diagnostics().isEmpty());
                } catch (Throwable t) {
                    fail(in.getKey() + ": parseFile threw " + t + " instead of a ZedfileException");
                }
            }, in.getKey());
        }
    }

    @Test
    void hugeExponentIsAPositionedError() {
        assertExprError("1e9999999999", "1:1", null);
        assertFileError("a = 1e9999999999", "1:5", null);
    }

    /** Every source of every table, truncated at every point and randomly mutated: only ZedfileException may escape. */
    @Test
    void fuzzedInputsOnlyThrowZedfileException() {
        List<String> corpus = new ArrayList<>();
        Stream.of(ParserConformanceTest.strings(), ParserConformanceTest.stringErrors(), ParserConformanceTest.templates(),
                        ParserConformanceTest.templateErrors(), ParserConformanceTest.heredocs(), ParserConformanceTest.heredocErrors(),
                        ParserConformanceExprTest.literals(), ParserConformanceExprTest.collections(),
                        ParserConformanceExprTest.collectionErrors(), ParserConformanceExprTest.access(),
                        ParserConformanceExprTest.accessErrors(), ParserConformanceExprTest.operators(),
                        ParserConformanceExprTest.operatorErrors(), ParserConformanceExprTest.calls(),
                        ParserConformanceExprTest.callErrors(), comments(), fileErrors(), multipleErrors())
                .flatMap(s -> s)
                .forEach(a -> corpus.add((String) a.get()[0]));
        corpus.add("svc \"a\" \"b\" {\n  x = <<-EOT\n    ${1}\n  EOT\n  r { a = 1, b = \"${2}\" }\n}\n");
        String alphabet = "{}[]()\"$%~\\\n\r\t<-=:,.?!#/* aEé\uD83D\uDE000";
        Random random = new Random(20240611L);
        List<String> inputs = new ArrayList<>();
        for (String src : corpus) {
            for (int i = 0; i <= src.length(); i++) inputs.add(src.substring(0, i));
            for (int k = 0; k < 24; k++) {
                StringBuilder sb = new StringBuilder(src);
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits; e++) {
                    int at = sb.length() == 0 ? 0 : random.nextInt(sb.length() + 1);
                    int op = random.nextInt(3);
                    if (op == 0 && at < sb.length()) {
                        sb.deleteCharAt(at);
                    } else if (op == 1 && at < sb.length()) {
                        sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    } else {
                        sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
                inputs.add(sb.toString());
            }
        }
        String[] current = new String[1];
        List<String> crashes = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(120), () -> {
            for (String in : inputs) {
                current[0] = in;
                check(crashes, in, "parseFile", () -> Parser.parseFile("Zedfile", in));
                check(crashes, in, "parseExpression", () -> Parser.parseExpression("<expr>", in));
                check(crashes, in, "Constant.eval", () -> Constant.eval(in));
                check(crashes, in, "parseFile(a = ...)", () -> Parser.parseFile("Zedfile", "a = " + in));
            }
        }, () -> "the parser did not finish (endless loop?) on " + show(current[0]));
        if (!crashes.isEmpty()) {
            // one example of each kind of crash, the shortest input first
            Map<String, String> byKind = new LinkedHashMap<>();
            crashes.stream().sorted(java.util.Comparator.comparingInt(String::length))
                    .forEach(x -> byKind.putIfAbsent(x.substring(x.indexOf("\u0000") + 1).split(" ", 2)[0], x.replace("\u0000", ": ")));
            fail(crashes.size() + " of " + inputs.size() * 4 + " runs threw something other than ZedfileException; one of each kind:\n"
                    + String.join("\n", byKind.values().stream().limit(25).toList()));
        }
    }

    private static void check(List<String> crashes, String in, String what, Runnable r) {
        try {
            r.run();
        } catch (ZedfileException e) {
            if (e.diagnostics().isEmpty()) crashes.add(what + "(" + show(in) + ")\u0000ZedfileException without diagnostics");
        } catch (Throwable t) {
            crashes.add(what + "(" + show(in) + ")\u0000" + t.getClass().getName() + (t.getMessage() == null ? "" : " " + t.getMessage()));
        }
    }

    @Test
    void constantValuesOfAttributes() {
        Body b = file("a = \"${1+1}\"\nb = \"a${1}\"\nc = [1, \"a\", true, null]\n");
        assertEquals(new Value.Num(java.math.BigDecimal.valueOf(2)), Constant.eval(b.attribute("a").expr()));
        assertEquals(new Value.Str("a1"), Constant.eval(b.attribute("b").expr()));
        assertEquals("[1,\"a\",true,null]", json(b.attribute("c")));
    }

    @Test
    void evaluationErrorsInAFileCarryTheFilePosition() {
        Body b = file("x = 1\ny = {\n  a = [1, 2][5]\n}\nz = <<EOT\nv ${[1]}\nEOT\n");
        ZedfileException e = ParserConformanceTest.failure("y", () -> Constant.eval(b.attribute("y").expr()));
        assertEquals("Zedfile:3:13", e.diagnostics().get(0).pos().toString());
        ZedfileException z = ParserConformanceTest.failure("z", () -> Constant.eval(b.attribute("z").expr()));
        assertEquals("Zedfile:6:5", z.diagnostics().get(0).pos().toString());
    }
}
