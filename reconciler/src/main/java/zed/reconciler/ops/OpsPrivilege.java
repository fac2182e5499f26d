package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import zed.config.LevelSpec.SudoHook;
import zed.reconciler.host.HookStep;
import zed.reconciler.host.Privilege;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;

/**
 * The sudo hooks' applies of an unprivileged agent: zed ops runs each as root where its operator allowed the text
 * ({@link SudoApply}), and answers its exit and stderr; a refusal comes back as the report's words, with the line
 * the operator would add to allow it.
 */
public final class OpsPrivilege implements Privilege {
    private final Path socket;

    public OpsPrivilege(Path socket) {
        this.socket = socket;
    }

    @Override
    public HookStep apply(String level, String service, SudoHook hook) {
        SudoRequest r = new SudoRequest(level, service, hook.name(), hook.apply());
        try {
            // no deadline here: ops kills an apply at its own, and answers
            JsonNode a = OpsStore.call(socket, r.json(), r.name());
            if (a.hasNonNull("failure")) return HookStep.failed("apply", a.get("failure").asText());
            return HookStep.exited("apply", a.get("exit").asInt(), a.path("stderr").asText());
        } catch (StoreError e) {
            String d = e.detail();
            return HookStep.failed("apply", d.startsWith("refused by zed ops") ? "apply " + d : "cannot run apply through zed ops: " + d);
        }
    }
}
