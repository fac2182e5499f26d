package zed.reconciler.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.store.Capabilities;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The ZFS store of an unprivileged node: every call is a typed request to {@code zed ops} over its Unix socket, reads
 * too (zfs-fuse, like OpenZFS without delegation, answers no {@code zfs list} to a user that is not root). A refusal
 * or a failure comes back as the {@link StoreError} it was on the ops side, with the same kind and words.
 */
public final class OpsStore implements Store {
    private final Path socket;
    private final String pool;
    private volatile Capabilities caps;

    /** @param pool the pool (or dataset) this store serves; ops probes its zfs for {@link #capabilities()} */
    public OpsStore(Path socket, String pool) {
        this.socket = socket;
        this.pool = pool;
    }

    @Override
    public String kind() {
        return "zfs";
    }

    @Override
    public Capabilities capabilities() {
        if (caps == null) caps = Frames.JSON.convertValue(call(req("capabilities", pool)), Capabilities.class);
        return caps;
    }

    @Override
    public Map<String, Observation> observe(String root, Set<String> nativeProperties) {
        ObjectNode r = req("observe", root);
        nativeProperties.forEach(r.putArray("native")::add);
        Map<String, Observation> out = new TreeMap<>();
        call(r).fields().forEachRemaining(d -> {
            Map<String, Observation.Prop> props = new TreeMap<>();
            d.getValue().fields().forEachRemaining(p -> props.put(p.getKey(), new Observation.Prop(p.getValue().get(0).asText(), p.getValue().get(1).asText())));
            out.put(d.getKey(), new Observation(d.getKey(), props));
        });
        return out;
    }

    @Override
    public boolean exists(String dataset) {
        return call(req("exists", dataset)).asBoolean();
    }

    @Override
    public void create(String dataset, Map<String, String> properties) {
        ObjectNode r = req("create", dataset);
        r.set("properties", Frames.JSON.valueToTree(new LinkedHashMap<>(properties)));
        call(r);
    }

    @Override
    public void set(String dataset, Map<String, String> properties) {
        ObjectNode r = req("set", dataset);
        r.set("properties", Frames.JSON.valueToTree(new LinkedHashMap<>(properties)));
        call(r);
    }

    @Override
    public void inherit(String dataset, String property) {
        call(req("inherit", dataset).put("property", property));
    }

    @Override
    public void mount(String dataset) {
        call(req("mount", dataset));
    }

    @Override
    public void destroy(String dataset) {
        call(req("destroy", dataset));
    }

    @Override
    public void snapshot(List<String> datasets, String snap, Map<String, Map<String, String>> properties) {
        ObjectNode r = Frames.JSON.createObjectNode().put("op", "snapshot").put("snap", snap);
        datasets.forEach(r.putArray("datasets")::add);
        r.set("properties", Frames.JSON.valueToTree(properties));
        call(r);
    }

    @Override
    public List<Snapshot> snapshots(String dataset) {
        return Frames.JSON.convertValue(call(req("snapshots", dataset)), new TypeReference<List<Snapshot>>() {
        });
    }

    @Override
    public void destroySnapshot(String dataset, String snap) {
        call(req("destroySnapshot", dataset).put("snap", snap));
    }

    @Override
    public void rollback(String dataset, String snap) {
        call(req("rollback", dataset).put("snap", snap));
    }

    @Override
    public Map<String, String> zedState(String dataset) {
        return Frames.JSON.convertValue(call(req("zedState", dataset)), new TypeReference<TreeMap<String, String>>() {
        });
    }

    @Override
    public Map<String, Map<String, String>> zedStates(String root) {
        return Frames.JSON.convertValue(call(req("zedStates", root)), new TypeReference<TreeMap<String, Map<String, String>>>() {
        });
    }

    @Override
    public Map<String, List<String>> snapshotNames(String root) {
        return Frames.JSON.convertValue(call(req("snapshotNames", root)), new TypeReference<TreeMap<String, List<String>>>() {
        });
    }

    @Override
    public Path mountpoint(String dataset) {
        return Path.of(call(req("mountpoint", dataset)).asText());
    }

    private static ObjectNode req(String op, String dataset) {
        return Frames.JSON.createObjectNode().put("op", op).put("dataset", dataset);
    }

    private JsonNode call(ObjectNode request) {
        return call(socket, request);
    }

    /** One request on a connection of its own (a Unix socket's connect is cheap; callers of a store are many threads). */
    static JsonNode call(Path socket, ObjectNode request) {
        return call(socket, request, request.has("dataset") ? request.get("dataset").asText() : String.valueOf(request.get("datasets")));
    }

    /** @param subject what an error names where ops's answer names nothing (a request about a process, a file, a log) */
    static JsonNode call(Path socket, ObjectNode request, String subject) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Frames.write(ch, request);
            return result(subject, Frames.read(ch, Frames.MAX_ANSWER));
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, subject, "zed ops on " + socket + ": " + e.getMessage());
        }
    }

    /** An answer's result, or the {@link StoreError} it carries, with the same kind and words ("refused by zed ops" where its rules refused). */
    static JsonNode result(String subject, ObjectNode answer) {
        if (answer == null) throw new StoreError(StoreError.Kind.OTHER, subject, "zed ops closed the connection without an answer");
        if (answer.path("ok").asBoolean()) return answer.get("result");
        StoreError.Kind kind;
        try {
            kind = StoreError.Kind.valueOf(answer.path("kind").asText());
        } catch (IllegalArgumentException e) {
            kind = StoreError.Kind.OTHER;
        }
        String detail = answer.path("detail").asText();
        if (answer.path("refused").asBoolean()) detail = "refused by zed ops: " + detail;
        throw new StoreError(kind, answer.path("dataset").asText(subject), detail);
    }
}
