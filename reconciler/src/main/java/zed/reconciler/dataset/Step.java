package zed.reconciler.dataset;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;

import java.util.List;
import java.util.Map;

/** One step of a dataset plan, as data: printable, JSON, applied by {@link PlanRunner}. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "op")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Step.CreateContainer.class, name = "create-container"),
        @JsonSubTypes.Type(value = Step.Create.class, name = "create"),
        @JsonSubTypes.Type(value = Step.Update.class, name = "update"),
        @JsonSubTypes.Type(value = Step.Mount.class, name = "mount")})
public sealed interface Step {
    String dataset();

    /** One line for the plan table. */
    String describe();

    /** A missing parent that no level declares: created plain, never stamped, never Zed's to destroy. */
    record CreateContainer(String dataset) implements Step {
        public String describe() {
            return "create (container)";
        }
    }

    /** A new dataset, created with its properties and its stamp in one call: never unstamped. */
    record Create(String dataset, Map<String, String> properties, Map<String, String> stamp) implements Step {
        public Create {
            properties = Map.copyOf(properties);
            stamp = Map.copyOf(stamp);
        }

        public String describe() {
            return "create" + (properties.isEmpty() ? "" : "  " + Plan.assignments(properties));
        }
    }

    /**
     * Changed native properties, properties no longer declared (inherited again), then the new stamp. The previous
     * stamp is kept so that a stamp written only in part can be put back.
     */
    record Update(String dataset, Map<String, String> set, List<String> inherit, Map<String, String> before,
                  Map<String, String> stamp, Map<String, String> previousStamp) implements Step {
        public String describe() {
            StringBuilder sb = new StringBuilder("update");
            set.forEach((k, v) -> sb.append("  ").append(k).append(": ").append(before.getOrDefault(k, "-")).append(" -> ").append(v));
            inherit.forEach(k -> sb.append("  ").append(k).append(": ").append(before.getOrDefault(k, "-")).append(" -> (inherited)"));
            if (set.isEmpty() && inherit.isEmpty()) {
                sb.append("  stamp only");
                // what was off in it (the deploy time and revision always move with a rewrite, so they say nothing)
                stamp.forEach((k, v) -> {
                    if (k.equals(Planner.DEPLOYED_AT) || k.equals(Planner.DEPLOYED_BY) || k.equals(Planner.REV)) return;
                    String was = previousStamp.get(k);
                    sb.append("  ").append(k).append(": ").append(was == null ? "-" : was).append(" -> ").append(v);
                });
            }
            return sb.toString();
        }
    }

    /** Exists but is not mounted (a create whose mount failed, or an unmount behind Zed's back). */
    record Mount(String dataset) implements Step {
        public String describe() {
            return "mount";
        }
    }
}
