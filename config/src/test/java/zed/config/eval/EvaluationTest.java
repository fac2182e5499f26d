package zed.config.eval;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Tree;
import zed.config.Value;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EvaluationTest {
    @TempDir
    Path tmp;
    Tree t;

    @BeforeEach
    void setUp() {
        t = new Tree(tmp);
    }

    private static Value num(long n) {
        return Value.Num.of(n);
    }

    private static Value str(String s) {
        return new Value.Str(s);
    }

    @Test
    void referencesAcrossThreeLevels() {
        t.write("Zedfile", """
                level "infra" {}
                service "exec" "db" {
                  vars = { port = 5432, host = "127.0.0.1" }
                  runtime { cmd = ["postgres"] }
                }
                """);
        t.write("team/Zedfile", """
                service "exec" "api" {
                  vars = { db = "${service.exec.db.vars.host}:${service.exec.db.vars.port}" }
                  runtime { cmd = ["api"] }
                }
                """);
        t.write("team/shop/Zedfile", """
                service "exec" "web" {
                  env = { API_DB = service.exec.api.vars.db, DB_PORT = service.exec.db.vars.port }
                  runtime { cmd = ["web"] }
                }
                """);
        List<LevelSpec> levels = t.ok("team/shop");
        assertEquals(List.of("infra", "infra/team", "infra/team/shop"), levels.stream().map(LevelSpec::id).toList());
        assertEquals("infra/team", levels.get(2).parent());
        LevelSpec.ServiceSpec web = levels.get(2).service("exec", "web");
        assertEquals(str("127.0.0.1:5432"), web.env().get("API_DB"));
        assertEquals(str("5432"), web.env().get("DB_PORT"));
        assertEquals(str("127.0.0.1:5432"), t.eval("team/shop").get("service.exec.api.vars.db"));
    }

    @Test
    void selfInsideNestedBlocks() {
        t.write("Zedfile", """
                service "exec" "web" {
                  vars = { port = 8080 }
                  file "config" {
                    path = "/etc/web/${self.name}.toml"
                    body = "listen = ${self.vars.port}"
                  }
                  runtime { cmd = ["/bin/web", "--config", self.file.config.path, "--kind", self.kind] }
                  health "http" { url = "http://127.0.0.1:${self.vars.port}/health" }
                  print = self.health.http.url
                }
                """);
        LevelSpec.ServiceSpec web = t.leaf("").service("exec", "web");
        assertEquals("listen = 8080", ((Value.Str) web.files().get(0).body()).value());
        assertEquals(List.of("/bin/web", "--config", "/etc/web/web.toml", "--kind", "exec"), web.runtime().cmd());
        assertEquals("http://127.0.0.1:8080/health", web.health().get(0).url());
        assertEquals("http://127.0.0.1:8080/health", web.print());
    }

    @Test
    void aServiceNamesItsUserAndGroupOrLeavesThemToTheDefault() {
        t.write("Zedfile", """
                dataset "web" {}
                service "exec" "web" {
                  dataset = "web"
                  user  = "www"
                  group = "www-data"
                  runtime { cmd = ["/bin/web"] }
                }
                service "exec" "db" {
                  runtime { cmd = ["/bin/db"] }
                }
                """);
        LevelSpec.ServiceSpec web = t.leaf("").service("exec", "web");
        assertEquals("www", web.user());
        assertEquals("www-data", web.group());
        LevelSpec.ServiceSpec db = t.leaf("").service("exec", "db");
        assertEquals(null, db.user(), "no user declared: the node's default applies");
        assertEquals(null, db.group());
    }

    @Test
    void aJobNamesItsUserAndGroupOrLeavesThemToTheDefault() {
        t.write("Zedfile", """
                dataset "m" {}
                dataset "a" {}
                dataset "b" {}
                model "m" {
                  dataset = "m"
                }
                job "a" {
                  model   = model.m
                  dataset = "a"
                  user    = "trainer"
                  group   = "gpu"
                  runtime { cmd = ["./train"] }
                }
                job "b" {
                  model   = model.m
                  dataset = "b"
                  runtime { cmd = ["./train"] }
                }
                """);
        LevelSpec spec = t.leaf("");
        LevelSpec.JobSpec a = spec.jobs().stream().filter(j -> j.name().equals("a")).findFirst().orElseThrow();
        assertEquals("trainer", a.user());
        assertEquals("gpu", a.group());
        LevelSpec.JobSpec b = spec.jobs().stream().filter(j -> j.name().equals("b")).findFirst().orElseThrow();
        assertEquals(null, b.user(), "no user declared: the node's default applies");
        assertTrue(!zed.config.SpecJson.write(b).contains("user"), "a job without one hashes as before");
    }

    @Test
    void evaluationFollowsReferencesNotFileOrder() {
        t.write("Zedfile", """
                service "exec" "a" {
                  vars = { c = self.vars.b * 2, b = self.vars.a + 1, a = service.exec.z.vars.base }
                  runtime { cmd = ["a"] }
                }
                service "exec" "z" {
                  vars = { base = 10 }
                  runtime { cmd = ["z"] }
                }
                """);
        LevelSpec.ServiceSpec a = t.leaf("").service("exec", "a");
        assertEquals(num(10), a.vars().get("a"));
        assertEquals(num(11), a.vars().get("b"));
        assertEquals(num(22), a.vars().get("c"));
    }

    @Test
    void aCycleIsAnErrorThatNamesItsPath() {
        t.write("Zedfile", """
                service "exec" "a" {
                  vars = { x = service.exec.b.vars.y }
                  runtime { cmd = ["a"] }
                }
                service "exec" "b" {
                  vars = { y = service.exec.a.vars.x }
                  runtime { cmd = ["b"] }
                }
                """);
        List<String> errors = t.errors("");
        assertEquals(List.of("Zedfile:6:16: reference cycle: service.exec.a.vars.x -> service.exec.b.vars.y -> service.exec.a.vars.x"), errors);
    }

    @Test
    void aSelfCycleIsReportedOnceAndDependentsStaySilent() {
        t.write("Zedfile", """
                service "exec" "a" {
                  vars = { x = self.vars.x + 1, y = self.vars.x }
                  env  = { X = self.vars.y }
                  runtime { cmd = ["a"] }
                }
                """);
        assertEquals(List.of("Zedfile:2:16: reference cycle: service.exec.a.vars.x -> service.exec.a.vars.x"), t.errors(""));
    }

    @Test
    void pickportIsStableAcrossEvaluations() {
        t.write("Zedfile", """
                service "exec" "a" {
                  vars = { port = net::pickport(), admin = net::pickport() }
                  runtime { cmd = ["a"] }
                }
                service "exec" "b" {
                  vars = { port = net::pickport() }
                  runtime { cmd = ["b"] }
                }
                """);
        LevelSpec first = t.leaf("");
        Value a = first.service("exec", "a").vars().get("port");
        Value admin = first.service("exec", "a").vars().get("admin");
        Value b = first.service("exec", "b").vars().get("port");
        assertNotEquals(a, b);
        assertNotEquals(a, admin);
        assertEquals(3, t.ports.size());
        assertTrue(t.ports.containsKey("tree|service.exec.a|vars.port"), t.ports.toString());

        LevelSpec second = t.leaf("");
        assertEquals(a, second.service("exec", "a").vars().get("port"));
        assertEquals(b, second.service("exec", "b").vars().get("port"));
        assertEquals(first.hash(), second.hash(), "re-evaluating never changes the drift hash by itself");
    }

    @Test
    void pickportMovesOnlyWhenItsPortIsTaken() {
        t.write("Zedfile", """
                service "exec" "a" {
                  vars = { port = net::pickport() }
                  runtime { cmd = ["a"] }
                }
                """);
        int before = ((Value.Num) t.leaf("").service("exec", "a").vars().get("port")).intValue();
        t.host.busy.add(before);
        int after = ((Value.Num) t.leaf("").service("exec", "a").vars().get("port")).intValue();
        assertNotEquals(before, after);
        assertEquals(after, t.ports.get("tree|service.exec.a|vars.port"));
    }

    @Test
    void fsFunctions() throws Exception {
        t.write("app/Zedfile", """
                service "exec" "web" {
                  vars = {
                    hash  = fs::hash()
                    state = fs::state()
                    bin   = fs::bin()
                    etc   = fs::etc()
                    var   = fs::var()
                    tmp   = fs::tmp()
                  }
                  runtime { cmd = ["web"] }
                }
                """);
        LevelSpec.ServiceSpec web = t.leaf("app").service("exec", "web");
        String dir = t.path("app").toAbsolutePath().toString();
        String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(dir.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        String state = t.home.resolve("state").resolve("app-" + hash).toString();
        assertEquals(str(hash), web.vars().get("hash"));
        assertEquals(str(state), web.vars().get("state"));
        assertEquals(str(state + "/bin"), web.vars().get("bin"));
        assertEquals(str(state + "/etc/web"), web.vars().get("etc"));
        assertEquals(str(state + "/var/web"), web.vars().get("var"));
        String tmpDir = ((Value.Str) web.vars().get("tmp")).value();
        assertTrue(tmpDir.endsWith("/zed-" + hash), tmpDir);
        assertTrue(Files.isDirectory(Path.of(tmpDir)), "fs::tmp() creates its directory");
    }

    @Test
    void fsEtcOutsideAServiceIsAnError() {
        t.write("Zedfile", """
                dataset "x" {
                  mountpoint = fs::etc()
                }
                """);
        assertEquals(List.of("Zedfile:2:16: fs::etc() is only available inside a service block"), t.errors(""));
    }

    @Test
    void cfgHashIsTheDriftHash() {
        t.write("Zedfile", """
                service "exec" "web" {
                  vars = { h = cfg::hash() }
                  runtime { cmd = ["web"] }
                }
                """);
        LevelSpec l = t.leaf("");
        assertEquals(str(l.hash()), l.service("exec", "web").vars().get("h"));
        assertTrue(l.hash().matches("[0-9a-f]{16}"));
    }

    @Test
    void osEnvReadsTheNodesEnvironment() {
        t.host.env.put("RELEASE_COOKIE", "c00kie");
        t.write("Zedfile", """
                service "exec" "web" {
                  env = { COOKIE = os::env("RELEASE_COOKIE"), MODE = os::env("MODE", "dev") }
                  runtime { cmd = ["web"] }
                }
                """);
        LevelSpec.ServiceSpec web = t.leaf("").service("exec", "web");
        assertEquals(str("c00kie"), web.env().get("COOKIE"));
        assertEquals(str("dev"), web.env().get("MODE"));
    }

    @Test
    void osEnvUnsetWithoutDefaultNamesTheVariable() {
        t.write("Zedfile", """
                service "exec" "web" {
                  env = { COOKIE = os::env("RELEASE_COOKIE") }
                  runtime { cmd = ["web"] }
                }
                """);
        List<String> errors = t.errors("");
        assertEquals(1, errors.size());
        assertTrue(errors.get(0).startsWith("Zedfile:2:20: environment variable RELEASE_COOKIE is not set"), errors.get(0));
    }

    @Test
    void encJsonAndFile() {
        t.write("conf/motd.txt", "hello\n");
        t.write("Zedfile", """
                service "exec" "web" {
                  vars = { motd = file("conf/motd.txt"), json = enc::json({ b = [1, true], a = "x" }) }
                  runtime { cmd = ["web"] }
                }
                """);
        LevelSpec.ServiceSpec web = t.leaf("").service("exec", "web");
        assertEquals(str("hello\n"), web.vars().get("motd"));
        assertEquals(str("{\"a\":\"x\",\"b\":[1,true]}"), web.vars().get("json"));
    }

    @Test
    void fileThatDoesNotExistIsPositioned() {
        t.write("Zedfile", """
                service "exec" "web" {
                  vars = { motd = file("nope.txt") }
                  runtime { cmd = ["web"] }
                }
                """);
        List<String> errors = t.errors("");
        assertTrue(errors.get(0).startsWith("Zedfile:2:24: file(\"nope.txt\"): no such file "), errors.get(0));
    }

    @Test
    void secretsStayReferencesAndNeverReachTheCommandLine() {
        t.write("Zedfile", """
                service "exec" "web" {
                  env = { TOKEN = secret("api", "token"), AUTH = "Bearer ${secret("api", "token")}" }
                  file "creds" {
                    path = "/etc/creds"
                    body = "password=${secret("db")}\\n"
                  }
                  runtime { cmd = ["web"] }
                }
                """);
        LevelSpec.ServiceSpec web = t.leaf("").service("exec", "web");
        assertEquals(new Value.Secret(List.of(new Value.SecretRef("api", "token"))), web.env().get("TOKEN"));
        assertEquals("Bearer ${secret(\"api\", \"token\")}", ((Value.Secret) web.env().get("AUTH")).redacted());
        assertEquals("password=${secret(\"db\")}\n", ((Value.Secret) web.files().get(0).body()).redacted());
        assertEquals("0600", web.files().get(0).mode(), "a file that holds a secret is its service's alone unless it says less");

        t.write("Zedfile", """
                service "exec" "web" {
                  runtime { cmd = ["web", secret("db")] }
                }
                """);
        List<String> errors = t.errors("");
        assertTrue(errors.get(0).startsWith("Zedfile:2:13: service.exec.web.runtime.cmd[1] cannot be a secret"), errors.get(0));
    }

    // ---- the drift hash ------------------------------------------------------------------------------------------

    private void threeLevels(String rootPort, String midExtra) {
        t.write("Zedfile", """
                service "exec" "db" {
                  vars = { port = %s, unused = "same" }
                  runtime { cmd = ["db"] }
                }
                """.formatted(rootPort));
        t.write("mid/Zedfile", """
                service "exec" "api" {
                  vars = { db = service.exec.db.vars.port }
                  runtime { cmd = ["api"] }%s
                }
                """.formatted(midExtra));
        t.write("mid/leaf/Zedfile", """
                service "exec" "web" {
                  runtime { cmd = ["web"] }
                }
                """);
    }

    private List<String> hashes() {
        return t.ok("mid/leaf").stream().map(LevelSpec::hash).toList();
    }

    @Test
    void driftHashIsSha256OfSourceAndTheContextRead() throws Exception {
        t.write("Zedfile", """
                service "exec" "db" {
                  vars = { port = 5432 }
                  runtime { cmd = ["db"] }
                }
                """);
        String midSource = """
                service "exec" "api" {
                  vars = { db = service.exec.db.vars.port }
                  runtime { cmd = ["api"] }
                }
                """;
        t.write("mid/Zedfile", midSource);
        List<LevelSpec> l = t.ok("mid");
        byte[] src = midSource.getBytes(StandardCharsets.UTF_8);
        byte[] ctx = "{\"level.pool\":null,\"service.exec.db.vars.port\":5432}".getBytes(StandardCharsets.UTF_8);
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        md.update(src);
        md.update((byte) 0);
        md.update(ctx);
        assertEquals(HexFormat.of().formatHex(md.digest()).substring(0, 16), l.get(1).hash());
    }

    @Test
    void driftHashIsUnchangedWhenNothingChanged() {
        threeLevels("5432", "");
        assertEquals(hashes(), hashes());
    }

    @Test
    void aChangedParentValueThatAChildReadChangesTheChildsHash() {
        threeLevels("5432", "");
        List<String> before = hashes();
        threeLevels("5433", "");
        List<String> after = hashes();
        assertNotEquals(before.get(0), after.get(0), "the root's source changed");
        assertNotEquals(before.get(1), after.get(1), "mid read service.exec.db.vars.port");
        assertEquals(before.get(2), after.get(2), "leaf read nothing that changed");
    }

    @Test
    void aParentChangeThatNoChildReadLeavesChildrenAlone() {
        threeLevels("5432", "");
        List<String> before = hashes();
        t.write("Zedfile", """
                service "exec" "db" {
                  vars = { port = 5432, unused = "different" }
                  runtime { cmd = ["db"] }
                }
                """);
        List<String> after = hashes();
        assertNotEquals(before.get(0), after.get(0));
        assertEquals(before.subList(1, 3), after.subList(1, 3));
    }

    @Test
    void anyEditOfTheSourceChangesTheHashEvenAComment() {
        threeLevels("5432", "");
        List<String> before = hashes();
        threeLevels("5432", " # the api");
        List<String> after = hashes();
        assertEquals(before.get(0), after.get(0));
        assertNotEquals(before.get(1), after.get(1));
        assertEquals(before.get(2), after.get(2));
    }

    @Test
    void aChangedFileOrEnvironmentValueThatTheLevelReadChangesItsHash() {
        t.host.env.put("MODE", "a");
        t.write("motd", "one");
        t.write("Zedfile", """
                service "exec" "web" {
                  vars = { motd = file("motd"), mode = os::env("MODE") }
                  runtime { cmd = ["web"] }
                }
                """);
        String h1 = t.leaf("").hash();
        t.write("motd", "two");
        String h2 = t.leaf("").hash();
        t.host.env.put("MODE", "b");
        String h3 = t.leaf("").hash();
        assertNotEquals(h1, h2);
        assertNotEquals(h2, h3);
    }

    @Test
    void aChangedPortAllocationDoesNotChangeTheHash() {
        t.write("Zedfile", """
                service "exec" "a" {
                  vars = { port = net::pickport() }
                  runtime { cmd = ["a"] }
                }
                """);
        LevelSpec first = t.leaf("");
        t.host.busy.add(((Value.Num) first.service("exec", "a").vars().get("port")).intValue());
        LevelSpec second = t.leaf("");
        assertNotEquals(first.service("exec", "a").vars(), second.service("exec", "a").vars());
        assertEquals(first.hash(), second.hash());
    }

    // ---- federation ----------------------------------------------------------------------------------------------

    @Test
    void aServiceDeclaredInTwoLevelsNamesBothPlaces() {
        t.write("Zedfile", """
                service "exec" "caddy" {
                  runtime { cmd = ["caddy"] }
                }
                """);
        t.write("shop/Zedfile", """
                dataset "x" {}

                service "exec" "caddy" {
                  runtime { cmd = ["caddy"] }
                }
                """);
        assertEquals(List.of("shop/Zedfile:3:1: service.exec.caddy is already declared in Zedfile:1:1"), t.errors("shop"));
    }

    @Test
    void theHomeZedfileIsTheTopLevelNamedGlobal() throws Exception {
        Files.writeString(t.home.resolve("Zedfile"), """
                service "exec" "dns" {
                  vars = { port = 53 }
                  runtime { cmd = ["dns"] }
                }
                """);
        t.write("shop/Zedfile", """
                level "shop" {}
                service "exec" "web" {
                  env = { DNS = service.exec.dns.vars.port }
                  runtime { cmd = ["web"] }
                }
                """);
        List<LevelSpec> l = t.ok("shop");
        assertEquals(List.of("global", "global/shop"), l.stream().map(LevelSpec::id).toList());
        assertEquals(str("53"), l.get(1).service("exec", "web").env().get("DNS"));
    }

    @Test
    void theLeafIsTheNearestZedfileAtOrAboveTheDirectory() {
        t.write("shop/Zedfile", "dataset \"d\" {}\n");
        t.write("shop/src/deep/readme.txt", "not a Zedfile");
        List<LevelSpec> l = t.ok("shop/src/deep");
        assertEquals(List.of("shop"), l.stream().map(LevelSpec::name).toList());
    }

    @Test
    void aFileOfAnyNameIsTheLeafOfItsChain() {
        t.write("Zedfile", "level \"top\" {}\n");
        t.write("shop/staging.zed", "level \"staging\" {}\n");
        List<LevelSpec> l = t.ok("shop/staging.zed");
        assertEquals(List.of("top", "top/staging"), l.stream().map(LevelSpec::id).toList());
    }

    @Test
    void aChildInheritsItsParentsPool() {
        t.write("Zedfile", "level \"infra\" {\n  pool = \"tank/zed\"\n}\n");
        t.write("shop/Zedfile", "dataset \"apps/web\" {}\n");
        LevelSpec shop = t.leaf("shop");
        assertEquals("tank/zed", shop.pool());
        assertEquals("/tank/zed/apps/web", shop.dataset("apps/web").mountpoint());
    }

    @Test
    void theDirStoreHoldsDatasetsWhenNoPoolIsSet() {
        t.write("Zedfile", "dataset \"apps/web\" {}\nservice \"exec\" \"web\" {\n  dataset = \"apps/web\"\n  runtime { cmd = [\"${self.dir}/bin/web\"] }\n}\n");
        LevelSpec l = t.leaf("");
        String expected = t.home.resolve("store").resolve("apps/web").toString();
        assertEquals(null, l.pool());
        assertEquals(expected, l.dataset("apps/web").mountpoint());
        assertEquals(List.of(expected + "/bin/web"), l.service("exec", "web").runtime().cmd());
    }
}
