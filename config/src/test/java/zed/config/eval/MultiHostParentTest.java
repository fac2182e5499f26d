package zed.config.eval;

import org.junit.jupiter.api.Test;
import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.Value;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A level below a level that runs on several hosts: it reads the parent's services per instance
 * ({@code service.<kind>.<name>.instances}), each as its host runs it, with that host's address; anything that would
 * pick one instance silently is an error at its position.
 */
class MultiHostParentTest {
    static final Path WEB = Path.of("/srv/web/Zedfile"), API = Path.of("/srv/web/api/Zedfile");
    static final String PORT_KEY = "web|service.exec.registry|vars.port";

    static String web(String tag) {
        return """
                level "web" {
                  hosts = ["h1", "h2"]
                }
                service "exec" "registry" {
                  vars    = { port = net::pickport(), where = host::name(), tag = "%s" }
                  runtime { cmd = ["registry", "${self.vars.port}"] }
                }
                """.formatted(tag);
    }

    static String api(String env) {
        return """
                level "api" {
                  host = "h3"
                }
                service "exec" "api" {
                  env     = { %s }
                  runtime { cmd = ["api"] }
                }
                """.formatted(env);
    }

    static ChainEvaluator.Instance on(String host, String source, int port) {
        return new ChainEvaluator.Instance(host, WEB, source.getBytes(StandardCharsets.UTF_8), Map.of(PORT_KEY, port));
    }

    static ChainEvaluator.Result evaluate(String child, List<ChainEvaluator.Instance> instances) {
        LocalHost h3 = new LocalHost(Map.of(), Set.of(5001, 5002), "h3")
                .inCluster(Map.of("web@h1", "h1", "web@h2", "h2", "web/api", "h3"), Map.of("h1", "10.0.0.1", "h2", "10.0.0.2", "h3", "10.0.0.3"));
        EvalInputs inputs = new EvalInputs(h3, Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of(PORT_KEY, 5001));
        return ChainEvaluator.evaluate(List.of(new Chain.Link(WEB, WEB.toString(), false), new Chain.Link(API, API.toString(), false)),
                Map.of(WEB, instances.get(0).source(), API, child.getBytes(StandardCharsets.UTF_8)), Map.of(0, instances), inputs);
    }

    static final List<ChainEvaluator.Instance> V1 = List.of(on("h1", web("v1"), 5001), on("h2", web("v1"), 5002));

    static Value env(ChainEvaluator.Result r, String name) {
        return r.leaf().services().get(0).env().get(name);
    }

    @Test
    void aChildReadsOneEntryPerInstanceEachAsItsHostRunsIt() {
        ChainEvaluator.Result r = evaluate(api("""
                FIRST  = "${service.exec.registry.instances[0].address}:${service.exec.registry.instances[0].vars.port}"
                SECOND = "${service.exec.registry.instances[1].address}:${service.exec.registry.instances[1].vars.port}"
                HOSTS  = "${service.exec.registry.instances[0].host},${service.exec.registry.instances[1].vars.where}"
                ALL    = enc::json(service.exec.registry.instances)"""), V1);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(new Value.Str("10.0.0.1:5001"), env(r, "FIRST"), "the instance on h1: h1's address, its own port");
        assertEquals(new Value.Str("10.0.0.2:5002"), env(r, "SECOND"), "the instance on h2: h2's address, its own port");
        assertEquals(new Value.Str("h1,h2"), env(r, "HOSTS"), "host::name() is each instance's host");
        String all = ((Value.Str) env(r, "ALL")).value();
        assertTrue(all.startsWith("[{") && all.contains("\"address\":\"10.0.0.1\"") && all.contains("\"address\":\"10.0.0.2\"")
                && all.contains("\"host\":\"h2\"") && all.contains("\"port\":5002"), all);
    }

    @Test
    void aSingleValueOfAMultiHostServiceIsAnErrorAtItsPosition() {
        for (String ref : List.of("address", "vars.port")) {
            ChainEvaluator.Result r = evaluate(api("X = \"${service.exec.registry." + ref + "}\""), V1);
            assertFalse(r.ok(), ref);
            Diagnostic d = r.errors().get(0);
            assertEquals(API.toString(), d.pos().file(), d.toString());
            assertEquals(5, d.pos().line(), d.toString());
            assertEquals(44, d.pos().col(), d.toString()); // at the step that would pick one instance
            assertTrue(d.message().startsWith("service.exec.registry." + ref.split("\\.")[0] + ": level web runs on several hosts (hosts = [h1, h2]), one instance each,"
                    + " so its service has no single value: read service.exec.registry.instances, one entry per instance with its host and address,"
                    + " e.g. service.exec.registry.instances[0].address"), d.message());
        }
        ChainEvaluator.Result out = evaluate(api("X = service.exec.registry.instances[2].host"), V1);
        assertTrue(out.errors().get(0).message().contains("index 2 is out of range for a list of 2"), out.errors().toString());
    }

    @Test
    void whatTheChildReadIsInItsDriftHashInstanceByInstance() {
        String child = api("SECOND = service.exec.registry.instances[1].vars.tag");
        String before = evaluate(child, V1).leaf().hash();
        // the rollout of a new revision reached h1 only: the child read h2's, unchanged
        String h1Only = evaluate(child, List.of(on("h1", web("v2"), 5001), on("h2", web("v1"), 5002))).leaf().hash();
        assertEquals(before, h1Only);
        ChainEvaluator.Result both = evaluate(child, List.of(on("h1", web("v2"), 5001), on("h2", web("v2"), 5002)));
        assertNotEquals(before, both.leaf().hash(), "h2's new revision changed what the child read");
        assertEquals(new Value.Str("v2"), env(both, "SECOND"));
    }

    /** A child reads a single-host parent's service the same way: one entry, so it need not change when the parent spreads. */
    @Test
    void aSingleHostParentsServiceIsOneEntry() {
        String single = web("v1").replace("hosts = [\"h1\", \"h2\"]", "host = \"h1\"");
        LocalHost h3 = new LocalHost(Map.of(), Set.of(5001), "h3").inCluster(Map.of("web", "h1"), Map.of("h1", "10.0.0.1", "h3", "10.0.0.3"));
        EvalInputs inputs = new EvalInputs(h3, Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of(PORT_KEY, 5001));
        String child = api("ONE = \"${service.exec.registry.instances[0].host}@${service.exec.registry.instances[0].address}:${service.exec.registry.instances[0].vars.port}\""
                + "\n    SAME = \"${service.exec.registry.address}:${service.exec.registry.vars.port}\"");
        ChainEvaluator.Result r = ChainEvaluator.evaluate(List.of(new Chain.Link(WEB, WEB.toString(), false), new Chain.Link(API, API.toString(), false)),
                Map.of(WEB, single.getBytes(StandardCharsets.UTF_8), API, child.getBytes(StandardCharsets.UTF_8)), inputs);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(new Value.Str("h1@10.0.0.1:5001"), env(r, "ONE"));
        assertEquals(new Value.Str("10.0.0.1:5001"), env(r, "SAME"), "a single-host parent's service keeps its single values");
        ChainEvaluator.Result own = evaluate(api("X = service.exec.api.instances[0].host"), V1);
        assertFalse(own.ok(), "a level's own service has no instances: it reads self");
    }

    /** The multi-host parent's own parent, on one host: each instance reads it as a single-host child does. */
    @Test
    void aMultiHostParentReadsItsOwnParentAsAnyLevelDoes() {
        Path top = Path.of("/srv/Zedfile"), web = Path.of("/srv/web/Zedfile"), api = Path.of("/srv/web/api/Zedfile");
        String infra = """
                level "infra" {
                  host = "h9"
                }
                service "exec" "db" {
                  vars    = { port = 5432 }
                  runtime { cmd = ["db"] }
                }
                """;
        String webSource = """
                level "web" {
                  hosts = ["h1", "h2"]
                }
                service "exec" "registry" {
                  vars    = { db = "${service.exec.db.address}:${service.exec.db.vars.port}", where = host::name() }
                  runtime { cmd = ["registry"] }
                }
                """;
        LocalHost h3 = new LocalHost(Map.of(), Set.of(), "h3").inCluster(Map.of("infra", "h9"), Map.of("h1", "10.0.0.1", "h2", "10.0.0.2", "h9", "10.0.0.9"));
        EvalInputs inputs = new EvalInputs(h3, Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of());
        byte[] w = webSource.getBytes(StandardCharsets.UTF_8);
        ChainEvaluator.Result r = ChainEvaluator.evaluate(
                List.of(new Chain.Link(top, top.toString(), false), new Chain.Link(web, web.toString(), false), new Chain.Link(api, api.toString(), false)),
                Map.of(top, infra.getBytes(StandardCharsets.UTF_8), web, w, api, api("X = \"${service.exec.registry.instances[1].vars.where}>${service.exec.registry.instances[1].vars.db}\"").getBytes(StandardCharsets.UTF_8)),
                Map.of(1, List.of(new ChainEvaluator.Instance("h1", web, w, Map.of()), new ChainEvaluator.Instance("h2", web, w, Map.of()))), inputs);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals("infra/web/api", r.leaf().id());
        assertEquals(new Value.Str("h2>10.0.0.9:5432"), env(r, "X"));
    }

    @Test
    void aMultiHostLevelBelowAMultiHostLevelReadsItsParentPerInstanceToo() {
        Path mid = Path.of("/srv/web/api/Zedfile"), leaf = Path.of("/srv/web/api/ui/Zedfile");
        String midSource = """
                level "api" {
                  hosts = ["h1", "h2"]
                }
                service "exec" "api" {
                  vars    = { upstream = service.exec.registry.instances[1].address, where = host::name() }
                  runtime { cmd = ["api"] }
                }
                """;
        String leafSource = """
                level "ui" {
                  host = "h3"
                }
                service "exec" "ui" {
                  env     = { API = "${service.exec.api.instances[0].vars.where}>${service.exec.api.instances[0].vars.upstream}" }
                  runtime { cmd = ["ui"] }
                }
                """;
        LocalHost h3 = new LocalHost(Map.of(), Set.of(5001, 5002), "h3").inCluster(Map.of(), Map.of("h1", "10.0.0.1", "h2", "10.0.0.2"));
        EvalInputs inputs = new EvalInputs(h3, Path.of("/var/lib/zed"), null, Path.of("/var/lib/zed/store"), Map.of());
        byte[] m = midSource.getBytes(StandardCharsets.UTF_8);
        ChainEvaluator.Result r = ChainEvaluator.evaluate(
                List.of(new Chain.Link(WEB, WEB.toString(), false), new Chain.Link(mid, mid.toString(), false), new Chain.Link(leaf, leaf.toString(), false)),
                Map.of(WEB, V1.get(0).source(), mid, m, leaf, leafSource.getBytes(StandardCharsets.UTF_8)),
                Map.of(0, V1, 1, List.of(new ChainEvaluator.Instance("h1", mid, m, Map.of()), new ChainEvaluator.Instance("h2", mid, m, Map.of()))), inputs);
        assertTrue(r.ok(), r.errors().toString());
        assertEquals(new Value.Str("h1>10.0.0.2"), r.leaf().services().get(0).env().get("API"));
    }
}
