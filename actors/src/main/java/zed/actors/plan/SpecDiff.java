package zed.actors.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.actors.plan.ResourceChange.Action;
import zed.actors.plan.ResourceChange.PropertyChange;
import zed.config.LevelSpec;
import zed.config.SpecJson;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The difference between two specs of a level, resource by resource and property by property: what applying the
 * newer one does. Pure. Works on the specs' JSON (SpecJson), so a field added to a spec shows in plans without a
 * change here; positions in the Zedfile ({@code pos}) are where a thing is written, not what it is, and are left out.
 */
public final class SpecDiff {
    /** The resource lists of a spec, in the order a plan shows them, and how each names its resource. */
    private static final List<String> KINDS = List.of("datasets", "jails", "services", "models", "jobs");
    /** The level's own fields that are no setting: who it is, where its file was read, its drift hash. */
    private static final List<String> NOT_SETTINGS = List.of("id", "name", "file", "dir", "hash", "pos");

    private SpecDiff() {
    }

    /** @param before the spec applied now, or null (nothing yet: every resource is created) */
    public static List<ResourceChange> between(LevelSpec before, LevelSpec after) {
        JsonNode b = before == null ? null : SpecJson.MAPPER.valueToTree(before);
        JsonNode a = SpecJson.MAPPER.valueToTree(after);
        List<ResourceChange> out = new ArrayList<>();
        out.add(change("level", after.id(), b == null ? null : settings(b), settings(a)));
        for (String list : KINDS) {
            Map<String, JsonNode> was = b == null ? Map.of() : byName(list, b.path(list));
            Map<String, JsonNode> now = byName(list, a.path(list));
            TreeSet<String> names = new TreeSet<>(was.keySet());
            names.addAll(now.keySet());
            String kind = list.substring(0, list.length() - 1);
            for (String n : names) out.add(change(kind, n, was.containsKey(n) ? flat(was.get(n)) : null, now.containsKey(n) ? flat(now.get(n)) : null));
        }
        return List.copyOf(out);
    }

    private static ObjectNode settings(JsonNode spec) {
        ObjectNode o = ((ObjectNode) spec).deepCopy();
        o.remove(NOT_SETTINGS);
        o.remove(KINDS);
        return o;
    }

    private static Map<String, String> flat(JsonNode resource) {
        Map<String, String> out = new TreeMap<>();
        flatten("", resource, out);
        return out;
    }

    private static ResourceChange change(String kind, String name, JsonNode before, JsonNode after) {
        return change(kind, name, before == null ? null : flat(before), flat(after));
    }

    private static ResourceChange change(String kind, String name, Map<String, String> before, Map<String, String> after) {
        List<PropertyChange> props = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>();
        if (before != null) keys.addAll(before.keySet());
        if (after != null) keys.addAll(after.keySet());
        for (String k : keys) {
            String was = before == null ? null : before.get(k);
            String now = after == null ? null : after.get(k);
            if (!java.util.Objects.equals(was, now)) props.add(new PropertyChange(k, was, now));
        }
        Action action = before == null ? Action.CREATE : after == null ? Action.REMOVE : props.isEmpty() ? Action.UNCHANGED : Action.CHANGE;
        return new ResourceChange(kind, name, action, props);
    }

    /** A resource's name as the Zedfile writes it: a service by its kind and name. */
    private static Map<String, JsonNode> byName(String list, JsonNode items) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (JsonNode i : items) {
            String n = i.path("name").asText();
            out.put(list.equals("services") ? i.path("kind").asText() + "." + n : n, i);
        }
        return out;
    }

    /**
     * Nested objects as dotted properties ({@code update.autoRevert}); a list of named things (files, hooks) by
     * their names; any other list, and a secret, as one value. A null is no property.
     */
    private static void flatten(String prefix, JsonNode n, Map<String, String> out) {
        if (n == null || n.isNull() || n.isMissingNode()) return;
        if (n.isObject() && !n.has("$secret")) {
            Iterator<Map.Entry<String, JsonNode>> f = n.fields();
            while (f.hasNext()) {
                Map.Entry<String, JsonNode> e = f.next();
                if (e.getKey().equals("pos")) continue;
                flatten(prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey(), e.getValue(), out);
            }
            return;
        }
        if (n.isArray() && named((ArrayNode) n)) {
            for (JsonNode i : n) flatten(prefix + "." + i.get("name").asText(), i, out);
            return;
        }
        out.put(prefix, canonical(n));
    }

    private static boolean named(ArrayNode a) {
        if (a.isEmpty()) return false;
        for (JsonNode i : a) if (!i.isObject() || !i.path("name").isTextual()) return false;
        return true;
    }

    /** Canonical JSON of a value, positions left out (a list of mounts, say, has them). */
    private static String canonical(JsonNode n) {
        JsonNode copy = n.deepCopy();
        strip(copy);
        try {
            return SpecJson.MAPPER.writeValueAsString(SpecJson.MAPPER.treeToValue(copy, Object.class));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void strip(JsonNode n) {
        if (n instanceof ObjectNode o) o.remove("pos");
        for (JsonNode c : n) strip(c);
    }
}
