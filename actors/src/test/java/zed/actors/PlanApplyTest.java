package zed.actors;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plan, then apply, over real HTTP against a real node (issue 14): a Zedfile's plan resource by resource with the
 * source diff beside it, its errors at their lines, an apply that brings the plan's hash and is refused, with nothing
 * applied, when the plan changed since it was shown; and the same for a rollback. The level keeps its datasets in the
 * dir store, as a level without a pool does.
 */
class PlanApplyTest {
    @TempDir
    Path state;
    TestNode node;

    @BeforeEach
    void start() {
        node = TestNode.start(state);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) node.close();
    }

    String level(String greeting, String props, String more) {
        return """
                level "shop" {}
                update {
                  min_healthy_time = "200ms"
                }
                dataset "data" {%s}
                service "exec" "web" {
                  dataset = "data"
                  env     = { GREETING = "%s" }
                  runtime { cmd = ["/bin/sh", "-c", "echo $GREETING > %s; while true; do sleep 1; done"] }
                }
                %s""".formatted(props, greeting, state.resolve("greeting.txt"), more);
    }

    String body(String source, String planHash) throws Exception {
        Files.createDirectories(state.resolve("project"));
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("source", source);
        b.put("dir", state.resolve("project").toString());
        if (planHash != null) b.put("planHash", planHash);
        return node.json.writeValueAsString(b);
    }

    TestNode.Answer plan(String source) throws Exception {
        return node.send("POST", "/v1/levels/shop/push-plan", body(source, null));
    }

    TestNode.Answer apply(String source, String planHash) throws Exception {
        return node.send("PUT", "/v1/levels/shop", body(source, planHash));
    }

    static JsonNode resource(JsonNode plan, String kind, String name) {
        for (JsonNode r : plan.get("resources")) if (r.get("kind").asText().equals(kind) && r.get("name").asText().equals(name)) return r;
        throw new AssertionError("no " + kind + " " + name + " in " + plan);
    }

    static List<String> lines(JsonNode diff) {
        List<String> out = new ArrayList<>();
        diff.forEach(l -> out.add(l.asText()));
        return out;
    }

    @Test
    void aPlanShowsEachResourcePropertyByPropertyWithTheSourceDiffAndItsHashApplies() throws Exception {
        assertEquals(200, apply(level("v1", "", ""), null).status(), "a push without a hash works as ever");
        node.converged("shop", 1);
        // a new service with a port picked at random: the plan, asked again and applied, keeps the port it showed
        String v2 = level("v2", " properties = { \"com.acme:tier\" = \"gold\" } ", """
                dataset "cache" {}
                service "exec" "api" {
                  vars    = { port = net::pickport() }
                  runtime { cmd = ["/bin/sh", "-c", "while true; do sleep 1; done"] }
                }
                """);

        TestNode.Answer a = plan(v2);
        assertEquals(200, a.status(), String.valueOf(a.body()));
        JsonNode p = a.body();
        assertEquals(1, p.get("revision").asLong());
        assertTrue(p.get("changed").asBoolean());
        JsonNode data = resource(p, "dataset", "data");
        assertEquals("change", data.get("action").asText(), data.toString());
        assertEquals(1, data.get("properties").size(), data.toString());
        assertEquals("properties.com.acme:tier", data.get("properties").get(0).get("property").asText());
        assertFalse(data.get("properties").get(0).has("before"), "it had none: " + data);
        assertEquals("gold", data.get("properties").get(0).get("after").asText());
        assertEquals("create", resource(p, "dataset", "cache").get("action").asText());
        JsonNode web = resource(p, "service", "exec.web");
        assertEquals("change", web.get("action").asText());
        assertEquals("env.GREETING", web.get("properties").get(0).get("property").asText(), web.toString());
        assertEquals("v1", web.get("properties").get(0).get("before").asText());
        assertEquals("v2", web.get("properties").get(0).get("after").asText());
        assertEquals("unchanged", resource(p, "level", "shop").get("action").asText());
        JsonNode api = resource(p, "service", "exec.api");
        assertEquals("create", api.get("action").asText());
        int port = -1;
        for (JsonNode prop : api.get("properties")) if (prop.get("property").asText().equals("vars.port")) port = prop.get("after").asInt();
        assertTrue(port > 0, "the picked port shows: " + api);
        List<String> diff = lines(p.get("source").get("diff"));
        assertTrue(diff.contains("-  env     = { GREETING = \"v1\" }"), diff.toString());
        assertTrue(diff.contains("+  env     = { GREETING = \"v2\" }"), diff.toString());
        assertTrue(diff.contains("+dataset \"cache\" {}"), diff.toString());

        String hash = p.get("planHash").asText();
        assertEquals(hash, plan(v2).body().get("planHash").asText(), "the same plan, asked again");
        assertEquals(1, node.get("/v1/levels/shop").get("revision").asLong(), "a plan applies nothing");

        TestNode.Answer applied = apply(v2, hash);
        assertEquals(200, applied.status(), String.valueOf(applied.body()));
        assertEquals(2, applied.body().get("revision").asLong());
        node.converged("shop", 2);
        assertTrue(Files.isDirectory(state.resolve("store/cache")), "the plan's new dataset is there");
        assertEquals(port, node.get("/v1/levels/shop").get("resources").findValues("ports").stream().filter(n -> n.has("port")).findFirst()
                .map(n -> n.get("port").asInt()).orElse(-1), "the port the plan showed is the one applied");
        JsonNode after = plan(v2).body();
        assertFalse(after.get("changed").asBoolean(), "applied, the same Zedfile plans nothing: " + after);
        assertEquals(List.of(), lines(after.get("source").get("diff")));
    }

    @Test
    void anApplyWhosePlanChangedSinceItWasShownIsRefusedAndAppliesNothing() throws Exception {
        apply(level("v1", "", ""), null);
        node.converged("shop", 1);
        String v2 = level("v2", "", "");
        String shown = plan(v2).body().get("planHash").asText();

        // someone else deploys in between
        assertEquals(200, apply(level("v3", "", ""), null).status());
        node.converged("shop", 2);

        TestNode.Answer refused = apply(v2, shown);
        assertEquals(409, refused.status(), String.valueOf(refused.body()));
        String why = refused.body().get("errors").get(0).get("message").asText();
        assertTrue(why.startsWith("the plan changed since it was shown"), why);
        assertTrue(why.contains("nothing was applied"), why);
        JsonNode s = node.get("/v1/levels/shop");
        assertEquals(2, s.get("revision").asLong(), "nothing applied: " + s);
        assertEquals(2, s.get("desiredRevision").asLong());

        TestNode.Answer forged = apply(v2, "sha256:" + "0".repeat(64));
        assertEquals(409, forged.status(), "a hash of no plan is refused too");

        JsonNode again = plan(v2).body();
        assertNotEquals(shown, again.get("planHash").asText());
        assertEquals("v3", resource(again, "service", "exec.web").get("properties").get(0).get("before").asText(), "planned against what runs now");
        assertEquals(200, apply(v2, again.get("planHash").asText()).status());
        node.converged("shop", 3);
    }

    @Test
    void theKeptRevisionsAreReadWithTheirZedfilesNewestFirst() throws Exception {
        String v1 = level("v1", "", ""), v2 = level("v2", "", "");
        assertEquals(200, apply(v1, null).status());
        node.converged("shop", 1);
        assertEquals(200, apply(v2, null).status());
        node.converged("shop", 2);
        JsonNode r = node.get("/v1/levels/shop/revisions");
        assertEquals(2, r.get("desiredRevision").asLong(), r.toString());
        assertEquals(2, r.get("stableRevision").asLong(), r.toString());
        assertEquals(List.of(2L, 1L), List.of(r.get("revisions").get(0).get("revision").asLong(), r.get("revisions").get(1).get("revision").asLong()));
        assertEquals(v2, r.get("revisions").get(0).get("source").asText(), "the Zedfile as pushed, to edit");
        assertEquals(v1, r.get("revisions").get(1).get("source").asText());
        assertEquals(state.resolve("project").toString(), r.get("revisions").get(0).get("dir").asText());
        assertEquals(404, node.send("GET", "/v1/levels/nosuch/revisions", null).status());
    }

    @Test
    void aZedfileWithErrorsShowsThemAtTheirLines() throws Exception {
        apply(level("v1", "", ""), null);
        node.converged("shop", 1);
        TestNode.Answer a = plan(level("v1", "", "dataset \"bad\" {\n  mountpoint = 42\n}\n"));
        assertEquals(400, a.status(), String.valueOf(a.body()));
        JsonNode e = a.body().get("errors").get(0);
        assertTrue(e.get("file").asText().endsWith("Zedfile"), e.toString());
        assertEquals(12, e.get("line").asInt(), e.toString());
        assertTrue(e.get("col").asInt() >= 1, e.toString());
        assertTrue(e.get("message").asText().contains("mountpoint"), e.toString());
        assertEquals(1, node.get("/v1/levels/shop").get("revision").asLong());
    }

    @Test
    void aRollbackPlanShowsWhatGoesBackAndItsHashGuardsTheRollback() throws Exception {
        apply(level("v1", "", ""), null);
        node.converged("shop", 1);
        apply(level("v2", " properties = { \"com.acme:tier\" = \"gold\" } ", ""), null);
        node.converged("shop", 2);

        assertEquals(404, node.send("GET", "/v1/levels/shop/rollback-plan?target=@rev:9", null).status());
        TestNode.Answer a = node.send("GET", "/v1/levels/shop/rollback-plan?target=@rev:1", null);
        assertEquals(200, a.status(), String.valueOf(a.body()));
        JsonNode p = a.body();
        assertEquals(2, p.get("revision").asLong());
        JsonNode web = resource(p, "service", "exec.web").get("properties").get(0);
        assertEquals("v2", web.get("before").asText());
        assertEquals("v1", web.get("after").asText());
        JsonNode tier = resource(p, "dataset", "data").get("properties").get(0);
        assertEquals("gold", tier.get("before").asText());
        assertFalse(tier.has("after"), tier.toString());
        assertTrue(lines(p.get("source").get("diff")).contains("+  env     = { GREETING = \"v1\" }"), p.toString());
        String hash = p.get("planHash").asText();
        assertEquals(hash, node.get("/v1/levels/shop/rollback-plan?target=@rev:1").get("planHash").asText(), "stable while nothing changes");

        TestNode.Answer wrong = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:1\", \"planHash\": \"sha256:" + "0".repeat(64) + "\"}");
        assertEquals(409, wrong.status(), String.valueOf(wrong.body()));
        assertTrue(wrong.body().get("errors").get(0).get("message").asText().contains("nothing was done"), wrong.body().toString());
        JsonNode s = node.get("/v1/levels/shop");
        assertEquals(2, s.get("desiredRevision").asLong(), "nothing rolled back: " + s);
        assertEquals("Converged", s.get("state").asText());

        TestNode.Answer ok = node.send("POST", "/v1/levels/shop/rollback", "{\"target\": \"@rev:1\", \"planHash\": \"" + hash + "\"}");
        assertEquals(202, ok.status(), String.valueOf(ok.body()));
        node.converged("shop", 1);
    }
}
