package zed.reconciler.dataset;

import org.junit.jupiter.api.Test;
import zed.config.SpecJson;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Specs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The planner is pure: observations in, steps out. */
class PlannerTest {
    static final Stamp S = new Stamp(4, "2026-11-26T10:00:00Z", "ops@h1");

    static Observation obs(String name, Map<String, String> own, Map<String, String> inherited) {
        Map<String, Observation.Prop> p = new HashMap<>();
        own.forEach((k, v) -> p.put(k, new Observation.Prop(v, "local")));
        inherited.forEach((k, v) -> p.put(k, new Observation.Prop(v, "inherited from tank")));
        p.put("mounted", new Observation.Prop("yes", "-"));
        return new Observation(name, p);
    }

    @Test
    void parentsComeBeforeChildrenAndMissingParentsBecomeContainers() {
        var spec = Specs.level("shop", Specs.dataset("apps/web/static", Map.of()), Specs.dataset("apps/web", Map.of()), Specs.dataset("db", Map.of()));
        Plan p = Planner.plan(spec, "zfs", "tank/zed", Map.of(), S);
        assertEquals(List.of("tank/zed", "tank/zed/apps", "tank/zed/db", "tank/zed/apps/web", "tank/zed/apps/web/static"),
                p.steps().stream().map(Step::dataset).toList());
        assertTrue(p.steps().get(0) instanceof Step.CreateContainer);
        assertTrue(p.steps().get(2) instanceof Step.Create);
    }

    @Test
    void aRootThreeNamesDeepIsNotMadeAgainWhenItOrItsAncestorsExist() {
        var spec = Specs.level("shop", Specs.dataset("web", Map.of()));
        // the observation of root tank/a/b holds the root and what is under it, never tank/a: it exists all the same
        Plan p = Planner.plan(spec, "zfs", "tank/a/b", Map.of("tank/a/b", obs("tank/a/b", Map.of(), Map.of())), S);
        assertEquals(List.of("tank/a/b/web"), p.steps().stream().map(Step::dataset).toList());
        assertTrue(p.steps().get(0) instanceof Step.Create);
        // the root is missing but its parent exists (Convergence reads it as the nearest ancestor): only the root is made
        Plan q = Planner.plan(spec, "zfs", "tank/a/b", Map.of("tank/a", obs("tank/a", Map.of(), Map.of())), S);
        assertEquals(List.of("tank/a/b", "tank/a/b/web"), q.steps().stream().map(Step::dataset).toList());
    }

    @Test
    void theStampIsWrittenWithTheSpecHashLast() {
        Plan p = Planner.plan(Specs.level("shop", Specs.dataset("db", Map.of("quota", "1G"))), "zfs", "tank", Map.of("tank", obs("tank", Map.of(), Map.of())), S);
        Step.Create c = (Step.Create) p.steps().get(0);
        assertEquals(Set.of(Planner.MANAGED, Planner.LEVEL, Planner.SPEC_HASH, Planner.PROPERTIES, Planner.DEPLOYED_AT, Planner.DEPLOYED_BY, Planner.REV),
                c.stamp().keySet());
        Step.Update u = (Step.Update) Planner.plan(Specs.level("shop", Specs.dataset("db", Map.of("quota", "2G"))), "zfs", "tank",
                Map.of("tank/db", obs("tank/db", Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop", Planner.REV, "3", Planner.SPEC_HASH, "x",
                        Planner.PROPERTIES, "quota", "quota", "1073741824"), Map.of())), S).steps().get(0);
        List<String> keys = List.copyOf(u.stamp().keySet());
        assertEquals(Planner.SPEC_HASH, keys.get(keys.size() - 1), "the planner takes a current spec hash for a whole stamp");
        assertEquals("4", u.stamp().get(Planner.REV));
        assertEquals("3", u.previousStamp().get(Planner.REV));
        assertEquals(Set.of(Planner.SPEC_HASH, Planner.DEPLOYED_AT, Planner.DEPLOYED_BY, Planner.REV), u.stamp().keySet(),
                "values that did not change are not written again");
        assertEquals(Map.of("quota", "2G"), u.set());
        assertEquals("~ tank/db   update  quota: 1073741824 -> 2G", Planner.plan(Specs.level("shop", Specs.dataset("db", Map.of("quota", "2G"))), "zfs", "tank",
                Map.of("tank/db", obs("tank/db", Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop", Planner.REV, "3", Planner.SPEC_HASH, "x",
                        Planner.PROPERTIES, "quota", "quota", "1073741824"), Map.of())), S).table().lines().toList().get(1).trim());
    }

    @Test
    void valuesCompareAsZfsReadsThemBack() {
        String hash = Planner.specHash("db", Map.of("quota", "1G", "recordsize", "128K", "compression", "on"));
        var o = obs("tank/db", Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop", Planner.REV, "3", Planner.SPEC_HASH, hash,
                Planner.PROPERTIES, "compression,quota,recordsize", "quota", "1073741824", "recordsize", "131072", "compression", "on"), Map.of());
        Plan p = Planner.plan(Specs.level("shop", Specs.dataset("db", Map.of("quota", "1G", "recordsize", "128K", "compression", "ON"))), "zfs", "tank",
                Map.of("tank/db", o), S);
        assertTrue(p.steps().isEmpty(), p.table());
        assertEquals(List.of("tank/db"), p.unchanged());
        assertEquals("0", Planner.normalise("quota", "none"));
        assertEquals("1610612736", Planner.normalise("quota", "1.5G"));
    }

    @Test
    void inheritedValuesDoNotMakeADatasetZeds() {
        var o = obs("tank/db", Map.of(), Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop"));
        Plan p = Planner.plan(Specs.level("shop", Specs.dataset("db", Map.of())), "zfs", "tank", Map.of("tank/db", o), S);
        assertEquals(1, p.refused().size());
        assertTrue(p.steps().isEmpty());
    }

    @Test
    void aDatasetNoLongerDeclaredIsAnOrphanNeverAStep() {
        var o = obs("tank/old", Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop", Planner.REV, "1"), Map.of());
        Plan p = Planner.plan(Specs.level("shop"), "zfs", "tank", Map.of("tank/old", o), S);
        assertEquals(List.of("tank/old"), p.orphans());
        assertTrue(p.steps().isEmpty());
        assertTrue(p.table().contains("? tank/old"), p.table());
    }

    @Test
    void anUnmountedDatasetIsMounted() {
        String hash = Planner.specHash("db", Map.of());
        Map<String, Observation.Prop> props = new HashMap<>();
        Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop", Planner.REV, "1", Planner.SPEC_HASH, hash, Planner.PROPERTIES, Planner.NO_PROPERTIES)
                .forEach((k, v) -> props.put(k, new Observation.Prop(v, "local")));
        props.put("mounted", new Observation.Prop("no", "-"));
        props.put("mountpoint", new Observation.Prop("/tank/db", "default"));
        Plan p = Planner.plan(Specs.level("shop", Specs.dataset("db", Map.of())), "zfs", "tank", Map.of("tank/db", new Observation("tank/db", props)), S);
        assertEquals(List.of(new Step.Mount("tank/db")), p.steps());
    }

    @Test
    void aPlanIsJsonThatReadsBack() throws Exception {
        Plan p = Planner.plan(Specs.level("shop", Specs.dataset("apps/web", Map.of("compression", "on"))), "zfs", "tank", Map.of(), S);
        String json = p.toJson();
        assertTrue(json.contains("\"op\" : \"create-container\""), json);
        assertTrue(json.contains("\"op\" : \"create\""), json);
        assertEquals(p, SpecJson.MAPPER.readValue(json, Plan.class));
    }
}
