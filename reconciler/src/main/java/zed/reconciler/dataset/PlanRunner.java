package zed.reconciler.dataset;

import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Applies a plan's steps in order and stops at the first failure, recording which steps ran. A dataset's stamp is
 * written after its properties, with {@code com.zed:spec-hash} last; where the platform writes one property per call
 * and the stamp fails part-way, the previous stamp is put back, so a dataset carries either its new stamp or its
 * old one, never a mix. A stamp cut short with no chance to put it back (the node killed) still has its old spec
 * hash, which the planner takes for "not stamped": the next converge writes it whole.
 */
public final class PlanRunner {
    public enum Status { DONE, FAILED, NOT_RUN }

    public record Outcome(Step step, Status status, String error) {
    }

    /** @param failure the error that stopped the plan, or null */
    public record Report(List<Outcome> outcomes, StoreError failure) {
        public boolean ok() {
            return failure == null;
        }

        public List<Step> ran() {
            return outcomes.stream().filter(o -> o.status() == Status.DONE).map(Outcome::step).toList();
        }
    }

    private PlanRunner() {
    }

    /** @throws StoreError of kind NOT_MANAGED, before any step runs, when the plan refuses a dataset */
    public static Report apply(Plan plan, Store store) {
        if (!plan.refused().isEmpty()) {
            Plan.Refusal r = plan.refused().get(0);
            throw new StoreError(StoreError.Kind.NOT_MANAGED, r.dataset(), r.reason()
                    + (plan.refused().size() > 1 ? " (and " + (plan.refused().size() - 1) + " more refused)" : "") + "; nothing was changed");
        }
        List<Outcome> outcomes = new ArrayList<>();
        StoreError failure = null;
        for (Step s : plan.steps()) {
            if (failure != null) {
                outcomes.add(new Outcome(s, Status.NOT_RUN, null));
                continue;
            }
            try {
                run(s, store);
                outcomes.add(new Outcome(s, Status.DONE, null));
            } catch (StoreError e) {
                failure = e;
                outcomes.add(new Outcome(s, Status.FAILED, e.getMessage()));
            }
        }
        return new Report(outcomes, failure);
    }

    private static void run(Step s, Store store) {
        if (s instanceof Step.CreateContainer c) {
            store.create(c.dataset(), Map.of());
        } else if (s instanceof Step.Create c) {
            Map<String, String> all = new LinkedHashMap<>(c.properties());
            all.putAll(c.stamp());
            store.create(c.dataset(), all);
        } else if (s instanceof Step.Update u) {
            store.set(u.dataset(), u.set());
            for (String k : u.inherit()) store.inherit(u.dataset(), k);
            stamp(store, u);
        } else if (s instanceof Step.Mount m) {
            store.mount(m.dataset());
        }
    }

    private static void stamp(Store store, Step.Update u) {
        Map<String, String> ordered = new LinkedHashMap<>(u.stamp());
        String hash = ordered.remove(Planner.SPEC_HASH);
        if (hash != null) ordered.put(Planner.SPEC_HASH, hash); // last, whatever order the plan came in (JSON sorts keys)
        try {
            store.set(u.dataset(), ordered);
        } catch (StoreError e) {
            if (store.capabilities().multiSet()) throw e; // one call: nothing was written
            try {
                for (Map.Entry<String, String> prev : u.previousStamp().entrySet()) {
                    if (prev.getValue() == null) store.inherit(u.dataset(), prev.getKey());
                    else store.set(u.dataset(), Map.of(prev.getKey(), prev.getValue()));
                }
            } catch (StoreError again) {
                throw new StoreError(e.kind(), e.dataset(), e.detail() + "; putting the previous stamp back failed too: " + again.getMessage());
            }
            throw e;
        }
    }
}
