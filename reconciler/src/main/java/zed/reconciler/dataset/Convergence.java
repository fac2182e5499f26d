package zed.reconciler.dataset;

import zed.config.LevelSpec;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.util.Map;

/** Observe, plan, apply, verify: one converge of a level's datasets against one store. */
public final class Convergence {
    public record Result(Plan plan, PlanRunner.Report report, Plan after) {
        /** Applied without error, and a fresh observation finds nothing left to do. */
        public boolean converged() {
            return report.ok() && after != null && after.steps().isEmpty();
        }
    }

    private Convergence() {
    }

    /** One batched read of everything under the root; a root that does not exist yet reads as empty. */
    public static Map<String, Observation> observe(Store store, String root, LevelSpec spec) {
        return observe(store, root, Planner.observedProperties(spec));
    }

    /**
     * One batched read of everything under the root, with these native properties. A root that does not exist yet
     * reads as its nearest existing ancestor alone (an empty observation, not Zed's), so that the planner makes only
     * the datasets that are really missing ({@code pool = "tank/a/b"} where tank/a exists).
     */
    public static Map<String, Observation> observe(Store store, String root, java.util.Set<String> properties) {
        try {
            return store.observe(root, properties);
        } catch (StoreError e) {
            if (e.kind() != StoreError.Kind.NO_SUCH_DATASET || root.isEmpty()) throw e;
        }
        for (int slash = root.lastIndexOf('/'); slash > 0; slash = root.lastIndexOf('/', slash - 1)) {
            String ancestor = root.substring(0, slash);
            if (store.exists(ancestor)) return Map.of(ancestor, new Observation(ancestor, Map.of()));
        }
        return Map.of();
    }

    public static Plan plan(LevelSpec spec, Store store, String root, Stamp stamp) {
        return Planner.plan(spec, store.kind(), root, observe(store, root, spec), stamp);
    }

    public static Result converge(LevelSpec spec, Store store, String root, Stamp stamp) {
        Plan plan = plan(spec, store, root, stamp);
        PlanRunner.Report report = PlanRunner.apply(plan, store);
        Plan after = report.ok() ? plan(spec, store, root, stamp) : null;
        return new Result(plan, report, after);
    }
}
