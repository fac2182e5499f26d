package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import zed.reconciler.jail.BwrapJail;
import zed.reconciler.jail.JailDriver;
import zed.reconciler.jail.JailError;
import zed.reconciler.jail.JailSetup;
import zed.reconciler.jail.JailState;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;
import java.util.List;

/**
 * The bubblewrap jails of an unprivileged agent: zed ops lays them out, keeps their records and stops them, as
 * root; a jailed service's start carries its jail ({@link zed.reconciler.process.Launch.Jailed}) and ops wraps the
 * command itself. Rendering (the configuration's hash) is the same text here as in ops: bwrap's arguments, from the
 * same host.
 */
public final class OpsJails implements JailDriver {
    private final Path socket;
    private final BwrapJail renderer;

    /** @param renderer a driver of this host's, for {@link #render} only: nothing of it runs */
    public OpsJails(Path socket, BwrapJail renderer) {
        this.socket = socket;
        this.renderer = renderer;
    }

    @Override
    public String render(JailSetup jail) {
        return renderer.render(jail);
    }

    @Override
    public JailState ensure(JailSetup jail) {
        var r = Frames.JSON.createObjectNode().put("op", "jailEnsure");
        r.set("jail", JailRequests.of(jail));
        return state(jail.name(), call(jail.name(), r));
    }

    @Override
    public JailState observe(String name) {
        return state(name, call(name, Frames.JSON.createObjectNode().put("op", "jailObserve").put("name", name)));
    }

    @Override
    public void stop(String name) {
        call(name, Frames.JSON.createObjectNode().put("op", "jailStop").put("name", name));
    }

    /** Never asked of this driver: the start carries the jail, and ops wraps the command (ServiceRun). */
    @Override
    public List<String> wrap(JailSetup jail, String workdir, List<String> cmd) {
        throw new JailError(jail.name(), JailError.Kind.INVALID, "through zed ops a jailed command is wrapped by ops, at its start");
    }

    private static JailState state(String name, JsonNode n) {
        return new JailState(name, n.path("running").asBoolean(), n.path("confHash").asText(null));
    }

    private JsonNode call(String name, com.fasterxml.jackson.databind.node.ObjectNode r) {
        try {
            return OpsStore.call(socket, r);
        } catch (StoreError e) {
            throw new JailError(name, JailError.Kind.FAILED, e.getMessage());
        }
    }
}
