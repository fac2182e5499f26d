package zed.actors.plan;

import java.util.List;

/**
 * What applying a plan does to one resource of a level: a dataset, jail, service, model or job, or the level's own
 * settings (kind {@code level}).
 *
 * @param name       as the Zedfile names it ({@code exec.web} for {@code service "exec" "web"})
 * @param properties for a change, each property that differs; for a create or a remove, each the resource has
 */
public record ResourceChange(String kind, String name, Action action, List<PropertyChange> properties) {
    public enum Action {
        CREATE, CHANGE, REMOVE, UNCHANGED;

        /** As the API writes it: create, change, remove, unchanged. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * One property, old → new, each as canonical JSON (keys sorted, no white space); null where the resource has no
     * such property (before a create, after a remove). A secret shows as its reference, never its value.
     */
    public record PropertyChange(String property, String before, String after) {
    }

    public ResourceChange {
        properties = List.copyOf(properties);
    }
}
