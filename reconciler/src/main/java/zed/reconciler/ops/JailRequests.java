package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.reconciler.jail.JailError;
import zed.reconciler.jail.JailSetup;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A jail as it crosses the ops socket: what a bubblewrap jail is made of (its name, hostname, network, its root and
 * mounts as host directories), and on the ops side the check that each of those directories is the mountpoint of a
 * dataset under the managed roots, before ops lays out or wraps anything as root.
 */
final class JailRequests {
    private JailRequests() {
    }

    static ObjectNode of(JailSetup j) {
        ObjectNode n = Frames.JSON.createObjectNode().put("name", j.name()).put("hostname", j.spec().hostname()).put("ip4", j.spec().ip4())
                .put("ip6", j.spec().ip6()).put("vnet", j.spec().vnet()).put("root", j.root().toString());
        var mounts = n.putArray("mounts");
        for (JailSetup.HostMount m : j.mounts()) mounts.addObject().put("path", m.path()).put("host", m.host().toString()).put("mode", m.mode().word());
        return n;
    }

    /** @param managed whether a host directory is a managed dataset's mountpoint */
    static JailSetup from(JsonNode n, Predicate<Path> managed) {
        if (n == null || !n.isObject()) throw new StoreError(StoreError.Kind.INVALID_NAME, "jail", "is an object");
        String name = OpsRules.text(n, "name", "jail");
        Path root = directory(n, "root", managed, name);
        List<LevelSpec.Mount> mounts = new ArrayList<>();
        List<JailSetup.HostMount> hosts = new ArrayList<>();
        JsonNode ms = n.get("mounts");
        if (ms != null) {
            for (JsonNode m : ms) {
                String path = OpsRules.text(m, "path", "mount");
                mounts.add(new LevelSpec.Mount(path, "", m.path("mode").asText("rw"), Pos.NONE));
                hosts.add(new JailSetup.HostMount(path, directory(m, "host", managed, name), JailSetup.Mode.of(m.path("mode").asText("rw"))));
            }
        }
        LevelSpec.JailSpec spec = new LevelSpec.JailSpec(name, "", text(n, "hostname"), text(n, "ip4"), text(n, "ip6"), n.path("vnet").asBoolean(false),
                Map.of(), mounts, Pos.NONE);
        try {
            return new JailSetup(spec, root, hosts);
        } catch (JailError | IllegalArgumentException e) {
            throw new StoreError(StoreError.Kind.INVALID_NAME, name, e.getMessage());
        }
    }

    private static Path directory(JsonNode n, String field, Predicate<Path> managed, String jail) {
        String p = OpsRules.text(n, field, "jail " + jail);
        Path path = Path.of(p).normalize();
        if (!path.isAbsolute() || !managed.test(path)) {
            throw new StoreError(StoreError.Kind.NOT_MANAGED, p, "(jail " + jail + ") is not the mountpoint of a dataset under the managed roots");
        }
        return path;
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
