package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A plan as the Plan and Rollback pages show it, from {@code push-plan}'s or {@code rollback-plan}'s JSON: each
 * resource that changes, property by property (old → new), how many do not, and the source diff ({@link SourceDiffView}).
 * Every action is a word; colour only repeats it. Pure.
 *
 * @param revision  the revision the plan starts from
 * @param planHash  the hash an apply brings back
 * @param changed   whether applying it does anything
 * @param resources the resources that are created, changed or removed, in the API's order
 */
public record PlanView(long revision, String planHash, boolean changed, List<Resource> resources, int unchanged, SourceDiffView source) {
    /** What a value that is not there reads as (a create has no old value, a remove no new one). */
    public static final String NONE = "(none)";

    public PlanView {
        resources = List.copyOf(resources);
    }

    /** @param action create, change or remove, as the API words it */
    public record Resource(String kind, String name, String action, List<Property> properties) {
        public Resource {
            properties = List.copyOf(properties);
        }

        /** The action as the page says it: created, changed, removed. */
        public String done() {
            return switch (action) {
                case "create" -> "created";
                case "remove" -> "removed";
                case "change" -> "changed";
                default -> action;
            };
        }

        /** {@code dataset data}, {@code service exec.web}. */
        public String title() {
            return kind + " " + name;
        }
    }

    /** One property that differs: each value as compact JSON, {@link #NONE} where there is none. */
    public record Property(String property, String before, String after) {
    }

    public static PlanView of(JsonNode plan) {
        List<Resource> resources = new ArrayList<>();
        int unchanged = 0;
        for (JsonNode r : plan.path("resources")) {
            String action = r.path("action").asText();
            if (action.equals("unchanged")) {
                unchanged++;
                continue;
            }
            List<Property> props = new ArrayList<>();
            for (JsonNode p : r.path("properties")) props.add(new Property(p.path("property").asText(), value(p.get("before")), value(p.get("after"))));
            resources.add(new Resource(r.path("kind").asText(), r.path("name").asText(), action, props));
        }
        List<String> diff = new ArrayList<>();
        plan.path("source").path("diff").forEach(l -> diff.add(l.asText()));
        return new PlanView(plan.path("revision").asLong(), plan.path("planHash").asText(), plan.path("changed").asBoolean(), resources, unchanged,
                SourceDiffView.of(diff));
    }

    /** "1 created, 1 changed, 0 removed, 2 unchanged". */
    public String counts() {
        return count("create") + " created, " + count("change") + " changed, " + count("remove") + " removed, " + unchanged + " unchanged";
    }

    private long count(String action) {
        return resources.stream().filter(r -> r.action().equals(action)).count();
    }

    /** A string as itself (the commonest value), anything else as its JSON. */
    private static String value(JsonNode v) {
        if (v == null || v.isMissingNode()) return NONE;
        return v.isTextual() ? v.asText() : v.toString();
    }
}
