package zed.reconciler.store;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.PlanRunner;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Snapshots;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.dataset.Step;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The state-store contract: what {@link ZfsStore} and {@link DirStore} both must do, tested against each for
 * real (a zfs-fuse pool; a temporary directory). Subclasses give a store and a fresh root per test.
 */
abstract class StoreContract {
    abstract Store store();

    /** A fresh, existing root for this test ("" in the dir store: its own directory). */
    abstract String root();

    String ds(String name) {
        return Planner.full(root(), name);
    }

    static final Instant T0 = Instant.parse("2026-11-26T10:00:00Z");

    static Stamp stamp(long rev) {
        return new Stamp(rev, "2026-11-26T10:00:0" + rev + "Z", "test@host");
    }

    LevelSpec web(Map<String, String> props) {
        return Specs.level("shop", Specs.dataset("apps/web", props), Specs.dataset("apps/db", Map.of()));
    }

    void write(String dataset, String file, String content) throws IOException {
        Files.writeString(store().mountpoint(dataset).resolve(file), content);
    }

    String read(String dataset, String file) throws IOException {
        return Files.readString(store().mountpoint(dataset).resolve(file));
    }

    @Test
    void theStateAndTheSnapshotsOfEveryDatasetUnderARootReadAtOnce() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        store().snapshot(List.of(ds("apps/web"), ds("apps/db")), "s1", Map.of());
        store().snapshot(List.of(ds("apps/web")), "s2", Map.of());
        Map<String, Map<String, String>> states = store().zedStates(root());
        assertEquals("1", states.get(ds("apps/web")).get(Planner.REV));
        assertEquals("shop", states.get(ds("apps/db")).get(Planner.LEVEL));
        assertEquals(store().zedState(ds("apps/web")), states.get(ds("apps/web")), "the same as one dataset's read");
        assertFalse(states.keySet().stream().anyMatch(n -> n.contains("@")), "no snapshot: " + states.keySet());
        Map<String, List<String>> snaps = store().snapshotNames(root());
        assertEquals(List.of("s1", "s2"), snaps.get(ds("apps/web")), "oldest first");
        assertEquals(List.of("s1"), snaps.get(ds("apps/db")));
    }

    @Test
    void createUpdateNoOpAndVerify() {
        Convergence.Result first = Convergence.converge(web(Map.of("compression", "on")), store(), root(), stamp(1));
        assertTrue(first.converged(), first.report().toString());
        assertEquals(List.of("create-container " + ds("apps"), "create " + ds("apps/db"), "create " + ds("apps/web")),
                first.plan().steps().stream().map(s -> (s instanceof Step.CreateContainer ? "create-container " : "create ") + s.dataset()).toList());

        Map<String, Observation> seen = store().observe(root(), Set.of("compression"));
        Observation web = seen.get(ds("apps/web"));
        assertEquals("true", web.own(Planner.MANAGED));
        assertEquals("shop", web.own(Planner.LEVEL));
        assertEquals("1", web.own(Planner.REV));
        assertEquals("on", web.value("compression"));
        assertFalse(seen.get(ds("apps")).managed(), "a container is not Zed's");

        Convergence.Result same = Convergence.converge(web(Map.of("compression", "on")), store(), root(), stamp(2));
        assertTrue(same.plan().steps().isEmpty(), "an unchanged spec writes nothing: " + same.plan().table());
        assertEquals("1", store().observe(root(), Set.of()).get(ds("apps/web")).own(Planner.REV), "no write on no change");

        Convergence.Result changed = Convergence.converge(web(Map.of("compression", "off")), store(), root(), stamp(3));
        assertTrue(changed.converged(), changed.report().toString());
        Step.Update u = assertInstanceOf(Step.Update.class, changed.plan().steps().get(0));
        assertEquals(Map.of("compression", "off"), u.set());
        Observation after = store().observe(root(), Set.of("compression")).get(ds("apps/web"));
        assertEquals("off", after.value("compression"));
        assertEquals("3", after.own(Planner.REV));
        assertEquals("1", store().observe(root(), Set.of()).get(ds("apps/db")).own(Planner.REV), "the untouched dataset keeps its stamp");
    }

    @Test
    void aPropertyNoLongerDeclaredGoesBackToInheritance() {
        Convergence.converge(web(Map.of("compression", "on")), store(), root(), stamp(1));
        Convergence.Result r = Convergence.converge(web(Map.of()), store(), root(), stamp(2));
        assertTrue(r.converged(), r.report().toString());
        Observation o = store().observe(root(), Set.of("compression")).get(ds("apps/web"));
        assertNull(o.own("compression"));
        assertEquals(Planner.NO_PROPERTIES, o.own(Planner.PROPERTIES));
    }

    @Test
    void observationIsOneReadOfTheWholeTree() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        Map<String, Observation> all = store().observe(root(), Set.of());
        assertTrue(all.keySet().containsAll(List.of(ds("apps"), ds("apps/web"), ds("apps/db"))), all.keySet().toString());
    }

    @Test
    void inheritedZedPropertiesAreNotADatasetsOwnState() {
        store().create(ds("parent"), Map.of(Planner.MANAGED, "true", Planner.LEVEL, "shop"));
        store().create(ds("parent/child"), Map.of());
        Observation child = store().observe(root(), Set.of()).get(ds("parent/child"));
        assertFalse(child.managed());
        assertNull(child.own(Planner.LEVEL));
        Plan p = Convergence.plan(Specs.level("shop", Specs.dataset("parent/child", Map.of())), store(), root(), stamp(1));
        assertEquals(1, p.refused().size(), p.table());
    }

    @Test
    void aDatasetZedDoesNotManageIsRefusedAndLeftAlone() {
        store().create(ds("apps"), Map.of());
        store().create(ds("apps/web"), Map.of("com.acme:owner", "ops"));
        Plan p = Convergence.plan(web(Map.of("compression", "on")), store(), root(), stamp(1));
        assertEquals(ds("apps/web"), p.refused().get(0).dataset());
        assertTrue(p.table().contains("! " + ds("apps/web")), p.table());
        StoreError e = assertThrows(StoreError.class, () -> PlanRunner.apply(p, store()));
        assertEquals(StoreError.Kind.NOT_MANAGED, e.kind());
        assertTrue(e.getMessage().contains("not managed by Zed") && e.getMessage().contains("nothing was changed"), e.getMessage());
        assertFalse(store().exists(ds("apps/db")), "a refused plan runs no step at all");
        assertEquals(Map.of(), store().zedState(ds("apps/web")));
    }

    @Test
    void aDatasetOfAnotherLevelIsRefused() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        Plan p = Convergence.plan(Specs.level("other", Specs.dataset("apps/web", Map.of())), store(), root(), stamp(1));
        assertEquals("is managed by level shop, not by other", p.refused().get(0).reason());
    }

    @Test
    void namesThatCouldBecomeOptionsOrPathsAreRefusedBeforeAnyCommand() {
        for (String bad : List.of("-rf", "a/-o", "../etc", "a/../../b", "a@b", "a b", "", "/abs", "a//b", "a/./b")) {
            String name = root().isEmpty() ? bad : root() + "/" + bad;
            StoreError e = assertThrows(StoreError.class, () -> store().create(name, Map.of()), bad);
            assertEquals(StoreError.Kind.INVALID_NAME, e.kind(), bad + ": " + e.getMessage());
        }
        assertThrows(StoreError.class, () -> store().snapshot(List.of(), "-r", Map.of()));
        assertThrows(StoreError.class, () -> store().set(ds("x"), Map.of("bad prop", "v")));
    }

    @Test
    void aSnapshotCarriesTheStateOfItsMoment() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        String snap = Snapshots.beforeDeploy(store(), List.of(ds("apps/web"), ds("apps/db")), 2, T0);
        assertEquals("zed-deploy-2-20261126T100000Z", snap);
        store().set(ds("apps/web"), Map.of(Planner.REV, "2", "com.zed:extra", "x"));
        List<Snapshot> snaps = store().snapshots(ds("apps/web"));
        assertEquals(1, snaps.size());
        assertEquals("1", snaps.get(0).zedState().get(Planner.REV));
        assertFalse(snaps.get(0).zedState().containsKey("com.zed:extra"));
        assertEquals("shop", snaps.get(0).zedState().get(Planner.LEVEL));
    }

    /** Oldest first by when they were taken, whatever their names: a name that sorts first may be the newer. */
    @Test
    void snapshotsAreListedInTheOrderTheyWereTakenNotByName() throws IOException {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        String d = ds("apps/web");
        store().snapshot(List.of(d), "zz-taken-first", Map.of());
        write(d, "f", "between");
        store().snapshot(List.of(d), "aa-taken-second", Map.of());
        store().snapshot(List.of(d), "mm-taken-third", Map.of());
        assertEquals(List.of("zz-taken-first", "aa-taken-second", "mm-taken-third"), store().snapshots(d).stream().map(Snapshot::name).toList());
    }

    @Test
    void rollbackRestoresDataAndStateAndRemovesLaterProperties() throws IOException {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        write(ds("apps/web"), "index.html", "v1");
        Snapshots.beforeDeploy(store(), List.of(ds("apps/web")), 2, T0);
        write(ds("apps/web"), "index.html", "v2");
        write(ds("apps/web"), "new.txt", "only in v2");
        store().set(ds("apps/web"), Map.of(Planner.REV, "2", "com.zed:extra", "later"));
        Snapshots.beforeDeploy(store(), List.of(ds("apps/web")), 3, T0.plusSeconds(60));

        List<Snapshots.Rolled> r = Snapshots.rollback(store(), List.of(ds("apps/web")), "@rev:1");
        assertEquals(1L, r.get(0).revision());
        assertEquals("v1", read(ds("apps/web"), "index.html"));
        assertFalse(Files.exists(store().mountpoint(ds("apps/web")).resolve("new.txt")));
        Map<String, String> state = store().zedState(ds("apps/web"));
        assertEquals("1", state.get(Planner.REV));
        assertFalse(state.containsKey("com.zed:extra"), state.toString());
        assertEquals(List.of("zed-deploy-2-20261126T100000Z"), store().snapshots(ds("apps/web")).stream().map(Snapshot::name).toList(),
                "the newer snapshot went with the rollback");
    }

    /**
     * Revision 2 pushed, rolled back to revision 1, which writes on; revision 2's Zedfile pushed again (revision 3):
     * {@code @rev:1} is the newest snapshot, by creation, that holds revision 1 (taken before revision 3), not the one
     * named for revision 2, which would lose what revision 1 wrote after the first rollback.
     */
    @Test
    void aRevisionTargetIsTheNewestSnapshotThatHoldsTheRevision() throws IOException {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        String d = ds("apps/web");
        write(d, "f", "revision 1");
        Snapshots.beforeDeploy(store(), List.of(d), 2, T0, store().zedStates(d), 1);
        write(d, "f", "revision 2");
        assertEquals("zed-deploy-2-20261126T100000Z", Snapshots.rollback(store(), List.of(d), "@rev:1").get(0).snapshot());
        assertFalse(store().zedState(d).containsKey(Snapshots.HOLDS), "what a snapshot holds is never a dataset's state");
        write(d, "f", "revision 1, later");
        // a clock that went back: the names no longer sort as the snapshots were taken
        Snapshots.beforeDeploy(store(), List.of(d), 3, T0.minusSeconds(3600), store().zedStates(d), 1);
        write(d, "f", "revision 3");

        Snapshots.Rolled back = Snapshots.rollback(store(), List.of(d), "@rev:1").get(0);
        assertEquals("zed-deploy-3-20261126T090000Z", back.snapshot());
        assertEquals(1L, back.revision());
        assertEquals("revision 1, later", read(d, "f"));
        assertEquals(List.of("zed-deploy-2-20261126T100000Z", "zed-deploy-3-20261126T090000Z"), store().snapshots(d).stream().map(Snapshot::name).toList());
        StoreError none = assertThrows(StoreError.class, () -> Snapshots.resolve(store(), d, "@rev:2"), "no snapshot holds revision 2's data: it was never snapshotted");
        assertTrue(none.getMessage().contains("no snapshot matches @rev:2"), none.getMessage());
    }

    /** A dataset that a revision did not change keeps the revision that last did: the snapshot says which revision it holds. */
    @Test
    void aRollbackConvergesTheRevisionTheSnapshotHoldsNotTheOneThatLastChangedADataset() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        String d = ds("apps/web");
        Snapshots.beforeDeploy(store(), List.of(d), 3, T0, store().zedStates(d), 2);
        assertEquals("1", store().zedState(d).get(Planner.REV), "revision 2 did not change the dataset");
        assertEquals(2L, Snapshots.rollback(store(), List.of(d), "@rev:2").get(0).revision());
    }

    @Test
    void rollbackTargetsMatchExactlyNeverByPrefix() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        String d = ds("apps/web");
        store().snapshot(List.of(d), "zed-deploy-12-20261126T100000Z", Map.of(d, Map.of(Planner.REV, "11")));
        store().snapshot(List.of(d), "zed-deploy-2-20261126T100100Z", Map.of(d, Map.of(Planner.REV, "1")));
        store().snapshot(List.of(d), "zed-deploy-2", Map.of());
        assertEquals("zed-deploy-2-20261126T100100Z", Snapshots.resolve(store(), d, "@rev:1").name());
        assertEquals("zed-deploy-12-20261126T100000Z", Snapshots.resolve(store(), d, "@rev:11").name());
        assertEquals("zed-deploy-2-20261126T100100Z", Snapshots.resolve(store(), d, "@latest").name());
        assertEquals("zed-deploy-2", Snapshots.resolve(store(), d, "@zed-deploy-2").name());
        StoreError e = assertThrows(StoreError.class, () -> Snapshots.resolve(store(), d, "@rev:3"));
        assertTrue(e.getMessage().contains("no snapshot matches @rev:3"), e.getMessage());
        assertThrows(StoreError.class, () -> Snapshots.resolve(store(), d, "zed-deploy"));
    }

    @Test
    void aRollbackWithAMissingTargetChangesNothing() throws IOException {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        write(ds("apps/web"), "f", "v1");
        Snapshots.beforeDeploy(store(), List.of(ds("apps/web")), 2, T0);
        write(ds("apps/web"), "f", "v2");
        assertThrows(StoreError.class, () -> Snapshots.rollback(store(), List.of(ds("apps/web"), ds("apps/db")), "@latest"));
        assertEquals("v2", read(ds("apps/web"), "f"));
    }

    @Test
    void retentionKeepsExactlyNAndNeverTouchesOtherSnapshots() {
        Convergence.converge(web(Map.of()), store(), root(), stamp(1));
        String d = ds("apps/web");
        store().snapshot(List.of(d), "manual-backup", Map.of());
        for (int rev = 2; rev <= 6; rev++) Snapshots.beforeDeploy(store(), List.of(d), rev, T0.plusSeconds(rev));
        store().snapshot(List.of(d), "zed-deploy-99", Map.of());
        Snapshots.Pruned p = Snapshots.prune(store(), d, 2, Set.of("zed-deploy-3-20261126T100003Z"));
        assertEquals(List.of("zed-deploy-2-20261126T100002Z", "zed-deploy-4-20261126T100004Z"), p.destroyed());
        assertEquals(List.of("zed-deploy-3-20261126T100003Z"), p.skipped());
        assertEquals(List.of("manual-backup", "zed-deploy-3-20261126T100003Z", "zed-deploy-5-20261126T100005Z", "zed-deploy-6-20261126T100006Z", "zed-deploy-99"),
                store().snapshots(d).stream().map(Snapshot::name).toList());
    }

    @Test
    void rolloutSnapshotsArePrunedApartFromDeploySnapshots() {
        String d = ds("r");
        store().create(d, Map.of("com.zed:managed", "true", "com.zed:revision", "4"));
        for (int n = 1; n <= 3; n++) Snapshots.beforeRollout(store(), List.of(d), n, T0.plusSeconds(n), Map.of(d, store().zedState(d)));
        Snapshots.beforeDeploy(store(), List.of(d), 5, T0.plusSeconds(10));
        Snapshots.Pruned p = Snapshots.prune(store(), d, 1, Set.of());
        assertEquals(List.of("zed-rollout-1-20261126T100001Z", "zed-rollout-2-20261126T100002Z"), p.destroyed());
        assertEquals(Set.of("zed-rollout-3-20261126T100003Z", "zed-deploy-5-20261126T100010Z"),
                Set.copyOf(store().snapshots(d).stream().map(Snapshot::name).toList()), "each kind keeps its newest");
    }

    @Test
    void aFailedStepStopsThePlanAndSaysWhatRan() {
        LevelSpec spec = Specs.level("shop", Specs.dataset("a", Map.of()), Specs.dataset("b", Map.of("com.acme:note", "nul\0inside")),
                Specs.dataset("c", Map.of()));
        Plan p = Convergence.plan(spec, store(), root(), stamp(1));
        PlanRunner.Report r = PlanRunner.apply(p, store());
        assertFalse(r.ok());
        assertEquals(List.of(PlanRunner.Status.DONE, PlanRunner.Status.FAILED, PlanRunner.Status.NOT_RUN),
                r.outcomes().stream().map(PlanRunner.Outcome::status).toList());
        assertTrue(store().exists(ds("a")));
        assertFalse(store().exists(ds("c")));
    }

    @Test
    void destroyingADatasetWithChildrenIsBusy() {
        store().create(ds("p"), Map.of());
        store().create(ds("p/c"), Map.of());
        StoreError e = assertThrows(StoreError.class, () -> store().destroy(ds("p")));
        assertEquals(StoreError.Kind.BUSY, e.kind(), e.getMessage());
        store().destroy(ds("p/c"));
        store().destroy(ds("p"));
        assertFalse(store().exists(ds("p")));
    }

    @Test
    void aNonexistentDatasetIsTyped() {
        StoreError e = assertThrows(StoreError.class, () -> store().set(ds("nope"), Map.of("com.zed:x", "1")));
        assertEquals(StoreError.Kind.NO_SUCH_DATASET, e.kind(), e.getMessage());
        assertTrue(e.getMessage().startsWith(ds("nope")), e.getMessage());
    }
}
