package zed.reconciler.dataset;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.store.Capabilities;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Specs;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Where a platform writes one property per call (zfs-fuse) and the stamp fails part-way, the previous stamp is put
 * back. The fault is injected into a real dir store that writes one property per call, like zfs-fuse.
 */
class HalfStampTest {
    @TempDir
    Path tmp;

    /** A dir store that writes one property at a time and fails once, on the named property. */
    static final class OnePropertyAtATime implements Store {
        final DirStore inner;
        String failOn;

        OnePropertyAtATime(DirStore inner) {
            this.inner = inner;
        }

        public String kind() { return inner.kind(); }
        public Capabilities capabilities() { return Capabilities.NONE; }
        public Map<String, Observation> observe(String root, Set<String> p) { return inner.observe(root, p); }
        public boolean exists(String d) { return inner.exists(d); }
        public void create(String d, Map<String, String> p) { inner.create(d, p); }
        public void inherit(String d, String p) { inner.inherit(d, p); }
        public void mount(String d) { inner.mount(d); }
        public void destroy(String d) { inner.destroy(d); }
        public void snapshot(List<String> ds, String s, Map<String, Map<String, String>> p) { inner.snapshot(ds, s, p); }
        public List<Snapshot> snapshots(String d) { return inner.snapshots(d); }
        public void destroySnapshot(String d, String s) { inner.destroySnapshot(d, s); }
        public void rollback(String d, String s) { inner.rollback(d, s); }
        public Map<String, String> zedState(String d) { return inner.zedState(d); }
        public Path mountpoint(String d) { return inner.mountpoint(d); }

        /** After the failure nothing more is written: a node killed there puts nothing back. */
        boolean killed;
        boolean dieOnFailure;

        public void set(String d, Map<String, String> props) {
            for (Map.Entry<String, String> e : props.entrySet()) {
                if (killed) throw new StoreError(StoreError.Kind.OTHER, d, "the node is dead");
                if (e.getKey().equals(failOn)) {
                    failOn = null;
                    killed = dieOnFailure;
                    throw new StoreError(StoreError.Kind.NO_SPACE, d, "cannot set property for '" + d + "': out of space");
                }
                inner.set(d, Map.of(e.getKey(), e.getValue()));
            }
        }
    }

    @Test
    void aStampThatFailsPartWayIsPutBack() {
        OnePropertyAtATime store = new OnePropertyAtATime(new DirStore(tmp));
        assertEquals(true, Convergence.converge(Specs.level("shop", Specs.dataset("db", Map.of("quota", "1G"))), store, "", new Stamp(1, "t1", "a@h")).converged());
        Map<String, String> before = store.zedState("db");

        store.failOn = Planner.DEPLOYED_BY; // after managed, level, properties and deployed_at were written
        Plan p = Convergence.plan(Specs.level("shop", Specs.dataset("db", Map.of("quota", "2G"))), store, "", new Stamp(2, "t2", "b@h"));
        PlanRunner.Report r = PlanRunner.apply(p, store);
        assertFalse(r.ok());
        assertEquals(StoreError.Kind.NO_SPACE, r.failure().kind());
        assertEquals(before, store.zedState("db"), "the previous stamp, whole");

        Convergence.Result again = Convergence.converge(Specs.level("shop", Specs.dataset("db", Map.of("quota", "2G"))), store, "", new Stamp(2, "t2", "b@h"));
        assertEquals(true, again.converged());
        assertEquals("2", store.zedState("db").get(Planner.REV));
    }

    @Test
    void aStampCutShortByAKilledNodeIsCompletedByTheNextConverge() {
        OnePropertyAtATime store = new OnePropertyAtATime(new DirStore(tmp));
        Convergence.converge(Specs.level("shop", Specs.dataset("db", Map.of("quota", "1G"))), store, "", new Stamp(1, "t1", "a@h"));
        // the node dies as it writes the last property of revision 2's stamp: nothing is put back
        store.failOn = Planner.SPEC_HASH;
        store.dieOnFailure = true;
        var spec = Specs.level("shop", Specs.dataset("db", Map.of("quota", "2G")));
        assertFalse(PlanRunner.apply(Convergence.plan(spec, store, "", new Stamp(2, "t2", "b@h")), store).ok());
        assertEquals("2", store.zedState("db").get(Planner.REV), "half-stamped: the new revision, the old hash");
        store.killed = false; // the next node
        Convergence.Result next = Convergence.converge(spec, store, "", new Stamp(2, "t3", "c@h"));
        assertEquals(true, next.converged());
        assertEquals(Planner.specHash("db", Map.of("quota", "2G")), store.zedState("db").get(Planner.SPEC_HASH), "the stamp is whole again");
        assertEquals("2", store.zedState("db").get(Planner.REV));
    }
}
