package zed.actors.plan;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.plan.ResourceChange.Action;
import zed.actors.plan.ResourceChange.PropertyChange;
import zed.config.Chain;
import zed.config.LevelSpec;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plan's diff, source diff and hash, from Zedfiles evaluated as a node evaluates them; no I/O beyond that. */
class LevelDiffTest {
    @TempDir
    Path home;

    static final String V1 = """
            level "shop" {}
            dataset "data" {
              properties = { compression = "lz4" }
            }
            dataset "logs" {}
            service "exec" "web" {
              dataset = "data"
              version = "1.0.0"
              env = { PW = secret("db") }
              runtime { cmd = ["/bin/sleep", "100"] }
            }
            service "exec" "worker" {
              version = "1"
              runtime { cmd = ["/bin/sleep", "100"] }
            }
            """;

    static final String V2 = """
            level "shop" {}
            dataset "data" {
              properties = { compression = "off" }
            }
            dataset "logs" {}
            dataset "cache" {}
            service "exec" "web" {
              dataset = "data"
              version = "2.0.0"
              env = { PW = secret("db") }
              runtime { cmd = ["/bin/sleep", "100"] }
            }
            """;

    LevelSpec spec(String source) {
        Path f = home.resolve("shop/Zedfile");
        ChainEvaluator.Result r = ChainEvaluator.evaluate(List.of(new Chain.Link(f, f.toString(), false)),
                Map.of(f, source.getBytes(StandardCharsets.UTF_8)), EvalInputs.local(home, Map.of()));
        assertTrue(r.ok(), String.valueOf(r.errors()));
        return r.leaf();
    }

    LevelDiff push(long revision, String before, String after) {
        return LevelDiff.ofPush("shop", revision, false, before == null ? null : new LevelDiff.Source(spec(before), "Zedfile", before), spec(after),
                new LevelDiff.Source(null, "Zedfile", after));
    }

    static ResourceChange find(LevelDiff d, String kind, String name) {
        return d.changes().stream().filter(c -> c.kind().equals(kind) && c.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in " + d.changes()));
    }

    @Test
    void eachResourceIsCreatedChangedPropertyByPropertyRemovedOrUnchanged() {
        LevelDiff d = push(1, V1, V2);
        assertEquals(List.of(new PropertyChange("properties.compression", "\"lz4\"", "\"off\"")), find(d, "dataset", "data").properties());
        assertEquals(Action.CHANGE, find(d, "dataset", "data").action());
        assertEquals(Action.UNCHANGED, find(d, "dataset", "logs").action());
        assertEquals(List.of(), find(d, "dataset", "logs").properties());
        assertEquals(Action.CREATE, find(d, "dataset", "cache").action());
        ResourceChange web = find(d, "service", "exec.web");
        assertEquals(Action.CHANGE, web.action());
        assertEquals(List.of(new PropertyChange("version", "\"1.0.0\"", "\"2.0.0\"")), web.properties(), "only what changed");
        ResourceChange worker = find(d, "service", "exec.worker");
        assertEquals(Action.REMOVE, worker.action());
        assertTrue(worker.properties().stream().allMatch(p -> p.before() != null && p.after() == null), worker.toString());
        assertTrue(worker.properties().contains(new PropertyChange("version", "\"1\"", null)), worker.toString());
        assertEquals(Action.UNCHANGED, find(d, "level", "shop").action());
        assertTrue(d.changed());
    }

    @Test
    void aFirstPlanCreatesEverythingAndShowsEveryLineAdded() {
        LevelDiff d = push(0, null, V1);
        for (ResourceChange c : d.changes()) assertEquals(Action.CREATE, c.action(), c.toString());
        assertEquals(List.of("data", "logs", "exec.web", "exec.worker"), d.changes().stream().filter(c -> !c.kind().equals("level")).map(ResourceChange::name).toList());
        assertEquals("--- /dev/null", d.sourceDiff().get(0));
        assertTrue(d.sourceDiff().contains("+dataset \"logs\" {}"), d.sourceDiff().toString());
    }

    @Test
    void aSecretShowsAsItsReference() {
        JsonNode env = push(0, null, V1).json().get("resources").findValues("properties").stream().flatMap(a -> java.util.stream.StreamSupport.stream(a.spliterator(), false))
                .filter(p -> p.get("property").asText().equals("env.PW")).findFirst().orElseThrow().get("after");
        assertEquals("db", env.get("$secret").get(0).get("slot").asText(), env.toString());
    }

    @Test
    void whereAThingIsWrittenIsNoChange() {
        String moved = V1.replace("dataset \"logs\" {}\n", "") + "dataset \"logs\" {}\n";
        LevelDiff d = push(3, V1, moved);
        assertFalse(d.changed(), d.changes().toString());
        assertFalse(d.sourceDiff().isEmpty(), "the source moved all the same");
    }

    @Test
    void theSourceDiffIsUnified() {
        List<String> diff = push(1, V1, V2).sourceDiff();
        assertEquals("--- a/Zedfile", diff.get(0));
        assertEquals("+++ b/Zedfile", diff.get(1));
        assertTrue(diff.get(2).startsWith("@@ -1,"), diff.toString());
        assertTrue(diff.contains("-  properties = { compression = \"lz4\" }"), diff.toString());
        assertTrue(diff.contains("+  properties = { compression = \"off\" }"), diff.toString());
        assertTrue(diff.contains("+dataset \"cache\" {}"), diff.toString());
        assertEquals(List.of(), SourceDiff.unified("Zedfile", V1, "Zedfile", V1));
    }

    @Test
    void theHashIsStableAndCoversTheBasisAndEveryChange() {
        String h = push(1, V1, V2).hash();
        assertEquals(h, push(1, V1, V2).hash(), "the same plan twice");
        assertTrue(h.matches("sha256:[0-9a-f]{64}"), h);
        assertNotEquals(h, push(2, V1, V2).hash(), "the level moved to another revision");
        assertNotEquals(h, push(1, V1, V2.replace("2.0.0", "2.0.1")).hash(), "another source");
        assertNotEquals(h, LevelDiff.ofPush("shop", 1, true, new LevelDiff.Source(spec(V1), "Zedfile", V1), spec(V2), new LevelDiff.Source(null, "Zedfile", V2)).hash(),
                "a stopped level starts again");
        assertEquals(h, push(1, V1, V2).json().get("planHash").asText());
    }

    @Test
    void theCanonicalFormTellsAnAbsentValueFromNull() {
        List<ResourceChange> absent = List.of(new ResourceChange("dataset", "d", Action.CHANGE, List.of(new PropertyChange("p", null, "1"))));
        List<ResourceChange> nul = List.of(new ResourceChange("dataset", "d", Action.CHANGE, List.of(new PropertyChange("p", "null", "1"))));
        assertNotEquals(PlanDigest.hash("l", "revision 1", "spec x", absent), PlanDigest.hash("l", "revision 1", "spec x", nul));
        List<ResourceChange> quote = List.of(new ResourceChange("dataset", "a\" dataset \"b", Action.CREATE, List.of()));
        List<ResourceChange> two = List.of(new ResourceChange("dataset", "a", Action.CREATE, List.of()), new ResourceChange("dataset", "b", Action.CREATE, List.of()));
        assertNotEquals(PlanDigest.canonical("l", "b", "x", quote), PlanDigest.canonical("l", "b", "x", two));
    }

    @Test
    void theJsonShowsValuesAsJsonAndLeavesOutWhatIsAbsent() {
        JsonNode data = null;
        for (JsonNode r : push(1, V1, V2).json().get("resources")) if (r.get("name").asText().equals("cache")) data = r;
        assertEquals("create", data.get("action").asText());
        JsonNode compression = null;
        for (JsonNode r : push(1, V1, V2).json().get("resources")) if (r.get("name").asText().equals("data")) compression = r.get("properties").get(0);
        assertEquals("lz4", compression.get("before").asText());
        assertEquals("off", compression.get("after").asText());
        assertFalse(push(0, null, V1).json().get("resources").get(1).get("properties").get(0).has("before"));
    }
}
