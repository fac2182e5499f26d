package zed.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LevelSpecJsonTest {
    @TempDir
    Path tmp;

    private static String corpus(String name) throws IOException {
        try (InputStream in = LevelSpecJsonTest.class.getResourceAsStream("/corpus/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void aFullLevelRoundTripsThroughJsonToAnEqualValue() throws IOException {
        Tree t = new Tree(tmp);
        t.write("shop/Zedfile", corpus("full.zed"));
        LevelSpec spec = t.leaf("shop");
        String json = SpecJson.write(spec);
        LevelSpec back = SpecJson.read(json, LevelSpec.class);
        assertEquals(spec, back);
        assertEquals(json, SpecJson.write(back), "the same spec always gives the same JSON");

        LevelSpec.ServiceSpec web = spec.service("exec", "web");
        assertEquals(Duration.ofMinutes(5), web.restart().interval());
        assertEquals(List.of("exec.db"), web.runtime().after());
        assertTrue(json.contains("\"PT5M\""), "durations are ISO-8601 strings");
        assertEquals(new Value.Secret(List.of(new Value.SecretRef("app", "key"))), spec.service("release", "app").env().get("SECRET"));
        assertTrue(json.contains("{\"$secret\":[{\"field\":\"key\",\"slot\":\"app\"}]}"), json);
    }

    @Test
    void aHostModelsJobsAndAStandbyRoundTripThroughJson() throws IOException {
        // validation refuses them until a node runs them (NotSupportedYet), so they are put into a spec by hand
        Tree t = new Tree(tmp);
        t.write("shop/Zedfile", corpus("full.zed"));
        LevelSpec l = t.leaf("shop");
        Pos p = new Pos("Zedfile", 1, 1);
        LevelSpec spec = new LevelSpec(l.id(), l.name(), l.parent(), l.file(), l.dir(), "h1", l.pool(), l.sysenv(), l.snapshots(), l.update(),
                l.datasets(), l.jails(), l.services(),
                List.of(new LevelSpec.ModelSpec("llama70b", "apps/web", new LevelSpec.Requires(49152L, 2), new LevelSpec.ModelSource(null, "h2", "models/llama@v1", p), p),
                        new LevelSpec.ModelSpec("tiny", "apps/web", LevelSpec.Requires.DEFAULT, null, p)),
                List.of(new LevelSpec.JobSpec("finetune", "llama70b", "runs/ft", Map.of("SEED", new Value.Str("7"),
                        "KEY", new Value.Secret(List.of(new Value.SecretRef("hf", "token")))), new LevelSpec.Runtime(List.of("./train"), List.of()),
                        Duration.ofHours(1), 3, new LevelSpec.RestartPolicy(3, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30)), p)),
                l.hash(), l.pos(), new LevelSpec.FailoverPolicy("h3", Duration.ofSeconds(30), false, p));
        assertEquals(spec, SpecJson.read(SpecJson.write(spec), LevelSpec.class));
    }

    @Test
    void aRolloutsSettingsRoundTripAndASpecWithoutThemReadsAndWritesAsBefore() {
        LevelSpec.UpdatePolicy set = new LevelSpec.UpdatePolicy(Duration.ofSeconds(1), Duration.ofSeconds(30), true, 2, "rolling", 1, true, Duration.ofMinutes(3));
        assertEquals(set, SpecJson.read(SpecJson.write(set), LevelSpec.UpdatePolicy.class));
        // what a journal holds from before rollouts: the four fields of an instance's gate only
        String old = "{\"autoRevert\":true,\"healthyDeadline\":\"PT2M\",\"maxParallel\":1,\"minHealthyTime\":\"PT5S\"}";
        assertEquals(LevelSpec.UpdatePolicy.DEFAULT, SpecJson.read(old, LevelSpec.UpdatePolicy.class));
        assertEquals(old, SpecJson.write(LevelSpec.UpdatePolicy.DEFAULT), "a spec without rollout settings hashes as before");
    }

    @Test
    void aServicesUserRoundTripsAndAServiceWithoutOneWritesAsBefore() {
        Pos p = new Pos("Zedfile", 1, 1);
        LevelSpec.ServiceSpec plain = new LevelSpec.ServiceSpec("exec", "web", null, null, null, Map.of(), Map.of(), List.of(), LevelSpec.Runtime.NONE,
                LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null, null, null, "/srv", p);
        String json = SpecJson.write(plain);
        assertTrue(!json.contains("user") && !json.contains("group"), "no user named: the spec's JSON (and so its hash) is as before: " + json);
        LevelSpec.ServiceSpec www = new LevelSpec.ServiceSpec("exec", "web", null, null, null, Map.of(), Map.of(), List.of(), LevelSpec.Runtime.NONE,
                LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null, null, null, "/srv", "www", "www-data", p);
        assertEquals(www, SpecJson.read(SpecJson.write(www), LevelSpec.ServiceSpec.class));
        assertEquals(plain, SpecJson.read(json, LevelSpec.ServiceSpec.class));
    }

    @Test
    void valuesRoundTripAndCanonicalJsonSortsKeys() {
        Value v = Value.of(Map.of("b", List.of(1, "x", true), "a", Map.of("z", 2.5 > 1 ? new java.math.BigDecimal("2.50") : 0)));
        assertEquals("{\"a\":{\"z\":2.5},\"b\":[1,\"x\",true]}", v.toJson());
        assertEquals(v, ValueJson.parse(v.toJson()));
        assertEquals(new Value.Num(new java.math.BigDecimal("8080")), new Value.Num(new java.math.BigDecimal("8080.00")));
        assertEquals("8080", new Value.Num(new java.math.BigDecimal("8.08E+3")).plain());
    }
}
