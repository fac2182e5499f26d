package zed.chaos;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code zed validate} and {@code zed get}, run as a user runs them, in a temporary tree of directories. */
class CliTest {
    @TempDir
    Path tmp;
    Path tree;
    Map<String, String> env;

    @BeforeEach
    void setUp() throws IOException {
        tree = tmp.resolve("work");
        Path home = tmp.resolve("home");
        Files.createDirectories(home);
        env = Map.of("ZED_HOME", home.toString(), "RELEASE_COOKIE", "chocolate");
        write("Zedfile", """
                level "infra" {}
                service "exec" "db" {
                  vars = { port = net::pickport() }
                  runtime { cmd = ["postgres", "-p", "${self.vars.port}"] }
                }
                """);
        write("shop/Zedfile", """
                dataset "apps/web" {}
                service "exec" "web" {
                  dataset = "apps/web"
                  vars    = { port = net::pickport(), db = service.exec.db.vars.port }
                  env     = { COOKIE = os::env("RELEASE_COOKIE"), TOKEN = secret("web", "token") }
                  file "config" {
                    path = "${fs::etc()}/web.toml"
                    body = <<-EOT
                      listen = "127.0.0.1:${self.vars.port}"
                    EOT
                  }
                  runtime { cmd = ["web", "--config", self.file.config.path] }
                }
                """);
    }

    private void write(String rel, String content) throws IOException {
        Path p = tree.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
    }

    private ZedProcess.Outcome zed(Path cwd, String... args) throws Exception {
        return ZedProcess.run(cwd, env, args);
    }

    @Test
    void validatePrintsOneLinePerLevelAndExitsZero() throws Exception {
        ZedProcess.Outcome o = zed(tree, "validate", "shop");
        assertEquals(0, o.exit(), o.toString());
        List<String> lines = o.outLines();
        assertEquals(2, lines.size(), o.toString());
        assertTrue(lines.get(0).matches("ok  infra  Zedfile  0 datasets, 0 jails, 1 service  hash [0-9a-f]{16}"), lines.get(0));
        assertTrue(lines.get(1).matches("ok  infra/shop  shop/Zedfile  1 dataset, 0 jails, 1 service  hash [0-9a-f]{16}"), lines.get(1));
        assertEquals("", o.err());
    }

    @Test
    void validateTakesAFileOfAnyNameAndWorksFromAnyDirectory() throws Exception {
        write("shop/staging.zed", "level \"staging\" {}\ndataset \"d\" {}\n");
        Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
        ZedProcess.Outcome o = zed(elsewhere, "validate", tree.resolve("shop/staging.zed").toString());
        assertEquals(0, o.exit(), o.toString());
        assertEquals(2, o.outLines().size(), o.toString());
        assertTrue(o.outLines().get(1).startsWith("ok  infra/staging  "), o.toString());
    }

    @Test
    void validateReportsEveryErrorWithFileLineAndColumnAndExitsOne() throws Exception {
        write("shop/Zedfile", """
                dataset "apps/web" {}
                service "exec" "web" {
                  dataset = "apps/wbe"
                  vars    = { port = net::pickprot() }
                  runtime { cmd = ["web"] }
                  restart { attempts = "many" }
                }
                """);
        ZedProcess.Outcome o = zed(tree, "validate", "shop");
        assertEquals(1, o.exit(), o.toString());
        assertEquals(List.of(
                "shop/Zedfile:3:3: service.exec.web: dataset \"apps/wbe\" is not declared in this level; did you mean \"apps/web\"?",
                "shop/Zedfile:4:22: unknown function \"net::pickprot\"; did you mean \"net::pickport\"?",
                "shop/Zedfile:6:13: service.exec.web.restart.attempts must be a whole number, not string \"many\""), o.errLines());
        assertEquals("", o.out());
    }

    @Test
    void aSyntaxErrorIsPositionedAtItsOpening() throws Exception {
        write("shop/Zedfile", "service \"exec\" \"web\" {\n  print = \"unterminated\n}\n");
        ZedProcess.Outcome o = zed(tree, "validate", "shop");
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.errLines().get(0).startsWith("shop/Zedfile:2:11: unterminated string"), o.toString());
    }

    @Test
    void validateGoesOnPastAnInvalidPathAndStillFails() throws Exception {
        write("bad/Zedfile", "bogus {}\n");
        ZedProcess.Outcome o = zed(tree, "validate", "bad", "shop");
        assertEquals(1, o.exit(), o.toString());
        assertEquals(List.of("bad/Zedfile:1:1: unknown block \"bogus\" in the file"), o.errLines());
        assertEquals(2, o.outLines().size(), "the valid chain is still summarised: " + o);
    }

    @Test
    void usageErrorsExitTwo() throws Exception {
        assertEquals(2, zed(tree, "validate").exit());
        assertEquals(2, zed(tree, "validate", "--frobnicate", "shop").exit());
        assertEquals(2, zed(tree, "get").exit());
        assertEquals(2, zed(tree, "no-such-command").exit());
    }

    @Test
    void aMissingPathIsAnErrorNotACrash() throws Exception {
        ZedProcess.Outcome o = zed(tree, "validate", "nowhere");
        assertEquals(1, o.exit(), o.toString());
        assertTrue(o.err().contains("nowhere") && o.err().contains("no such file or directory"), o.toString());
    }

    @Test
    void getPrintsStringsRawAndOtherValuesAsJson() throws Exception {
        ZedProcess.Outcome body = zed(tree, "get", "--dir", "shop", "service.exec.web.file.config.body");
        assertEquals(0, body.exit(), body.toString());
        assertTrue(body.out().matches("listen = \"127\\.0\\.0\\.1:\\d+\"\n\n"), body.out());

        ZedProcess.Outcome port = zed(tree.resolve("shop"), "get", "service.exec.web.vars.port");
        assertEquals(0, port.exit(), port.toString());
        assertTrue(port.out().matches("\\d+\n"), port.out());

        ZedProcess.Outcome vars = zed(tree, "get", "--dir", "shop", "service.exec.web.vars");
        assertEquals("{\"db\":" + zed(tree, "get", "service.exec.db.vars.port").out().trim() + ",\"port\":" + port.out().trim() + "}\n", vars.out());

        ZedProcess.Outcome cookie = zed(tree, "get", "--dir", "shop", "service.exec.web.env");
        assertTrue(cookie.out().contains("\"COOKIE\":\"chocolate\""), cookie.out());
    }

    @Test
    void getKeepsThePortItPickedAndPersistsIt() throws Exception {
        String first = zed(tree, "get", "--dir", "shop", "service.exec.web.vars.port").out();
        String second = zed(tree, "get", "--dir", "shop", "service.exec.web.vars.port").out();
        assertEquals(first, second);
        String table = Files.readString(Path.of(env.get("ZED_HOME")).resolve("ports.json"));
        assertTrue(table.contains("\"infra/shop|service.exec.web|vars.port\" : " + first.trim()), table);
    }

    @Test
    void getNeverPrintsASecretsValue() throws Exception {
        ZedProcess.Outcome o = zed(tree, "get", "--dir", "shop", "service.exec.web.env.TOKEN");
        assertEquals(0, o.exit(), o.toString());
        assertEquals("${secret(\"web\", \"token\")}\n", o.out());
    }

    @Test
    void getOnAnInvalidChainOrAnUnknownReferenceExitsOneWithPositions() throws Exception {
        ZedProcess.Outcome unknown = zed(tree, "get", "--dir", "shop", "service.exec.web.vars.prot");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertEquals(List.of("<expr>:1:23: service.exec.web.vars has no \"prot\"; did you mean \"port\"?"), unknown.errLines());

        write("shop/Zedfile", "service \"exec\" \"web\" {\n  runtime { cmd = [self.nope] }\n}\n");
        ZedProcess.Outcome invalid = zed(tree, "get", "--dir", "shop", "service.exec.web.name");
        assertEquals(1, invalid.exit(), invalid.toString());
        assertEquals(List.of("shop/Zedfile:2:25: service.exec.web has no \"nope\""), invalid.errLines());
    }

    @Test
    void aTokenFileOthersCanReadIsRefusedWithHowToFixIt() throws Exception {
        Path token = tmp.resolve("home/api-token");
        Files.writeString(token, "f".repeat(64) + "\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ZedProcess.Outcome o = zed(tree.resolve("shop"), "status");
        assertEquals(1, o.exit(), o.toString());
        assertEquals(List.of("zed: the API token file " + token + " is mode rw-r--r--: anyone who can read it can drive this node as root; run `chmod 600 "
                + token + "`"), o.errLines(), o.toString());

        Files.writeString(token, "short\n");
        Files.setPosixFilePermissions(token, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        ZedProcess.Outcome s = zed(tree.resolve("shop"), "status");
        assertEquals(1, s.exit(), s.toString());
        assertTrue(s.err().contains("holds a token of 5 characters"), s.toString());
    }

    /**
     * The node and the token come from the environment that bin/zed is run in: ZED_NODE over ZED_URL, ZED_TOKEN over the
     * token file, sent as the bearer token; a short ZED_TOKEN is refused before anything is sent, and never shown.
     */
    @Test
    void zedNodeAndZedTokenComeFromTheEnvironment() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        HttpServer node = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        node.createContext("/", x -> {
            seen.add(x.getRequestURI().getPath() + " " + x.getRequestHeaders().getFirst("Authorization"));
            byte[] b = "{\"hosts\":[{\"name\":\"h1\",\"address\":\"127.0.0.2:25520\",\"status\":\"up\",\"self\":true,\"pool\":null,\"gpus\":[],\"levels\":[],\"note\":null}]}"
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, b.length);
            x.getResponseBody().write(b);
            x.close();
        });
        node.start();
        try {
            String url = "http://127.0.0.1:" + node.getAddress().getPort();
            String token = "0123456789abcdef".repeat(3);
            ZedProcess.Outcome o = ZedProcess.run(tree, Map.of("ZED_HOME", env.get("ZED_HOME"), "ZED_NODE", url, "ZED_URL", "http://127.0.0.1:1",
                    "ZED_TOKEN", token), "hosts");
            assertEquals(0, o.exit(), o.toString());
            assertEquals(List.of("NAME  ADDRESS          STATUS  POOL  FREE  GPUS  LEVELS", "h1*   127.0.0.2:25520  up      -     -     -     -"), o.outLines());
            assertEquals(List.of("/v1/hosts Bearer " + token), seen);

            ZedProcess.Outcome refused = ZedProcess.run(tree, Map.of("ZED_HOME", env.get("ZED_HOME"), "ZED_NODE", url, "ZED_TOKEN", "hunter2"), "hosts");
            assertEquals(1, refused.exit(), refused.toString());
            assertTrue(refused.err().startsWith("zed: ZED_TOKEN holds a token of 7 characters; "), refused.toString());
            assertTrue(!refused.err().contains("hunter2") && !refused.out().contains("hunter2"), refused.toString());
            assertEquals(1, seen.size(), "nothing was sent with the short token");
        } finally {
            node.stop(0);
        }
    }
}
