package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.store.StoreError;

import java.util.regex.Pattern;

/**
 * A sudo hook's apply as an agent asks zed ops to run it as root ({@code sudoApply}): the level, service and hook
 * that name it, and its text, which ops runs only where its operator allowed that text ({@link SudoAllowed}). Pure:
 * no I/O.
 *
 * @param level   the level's id
 * @param service the service's ref ({@code service.exec.web})
 * @param hook    the sudo block's name
 */
public record SudoRequest(String level, String service, String hook, String command) {
    public static final String OP = "sudoApply";
    /** A Zedfile's sudo label, as far as ops takes one: no quote, slash or control character (it goes in a shell line the refusal suggests). */
    private static final Pattern HOOK = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_ .:@+-]{0,127}");

    /** {@code level/service/hook}: how an allow list's line and the audit log name it. */
    public String name() {
        return level + "/" + service + "/" + hook;
    }

    public String digest() {
        return SudoAllowed.digest(command);
    }

    /** What the agent sends. */
    ObjectNode json() {
        return Frames.JSON.createObjectNode().put("op", OP).put("level", level).put("service", service).put("hook", hook).put("command", command);
    }

    /** @throws StoreError naming what is refused and why, as ops's other rules do */
    static SudoRequest of(JsonNode req) {
        String level = OpsRules.text(req, "level", OP);
        if (!OpsRules.LEVEL.matcher(level).matches() || level.contains("..")) throw invalid(level, "is not a level's name");
        ServiceRules.service(req);
        String hook = OpsRules.text(req, "hook", OP);
        if (!HOOK.matcher(hook).matches()) {
            throw invalid(hook, "is not a sudo hook's name zed ops takes: letters, digits, spaces and _ . : @ + -, at most 128, rename the sudo block");
        }
        ServiceRules.text(req.get("command"), "command");
        SudoRequest r = new SudoRequest(level, req.get("service").asText(), hook, req.get("command").asText());
        if (r.command().isBlank()) throw invalid(r.name(), "has an empty apply");
        return r;
    }

    /**
     * The request as the audit log records it: the names and the text's digest, which is what an allow list names;
     * the text itself is the Zedfile's, not the log's.
     */
    static ObjectNode recorded(JsonNode req) {
        ObjectNode copy = req.deepCopy();
        copy.remove("command");
        JsonNode c = req.get("command");
        if (c != null && c.isTextual()) copy.put("sha256", SudoAllowed.digest(c.asText()));
        return copy;
    }

    private static StoreError invalid(String subject, String why) {
        return new StoreError(StoreError.Kind.INVALID_NAME, subject, why);
    }
}
