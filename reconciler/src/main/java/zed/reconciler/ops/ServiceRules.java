package zed.reconciler.ops;

import com.fasterxml.jackson.databind.JsonNode;
import zed.reconciler.process.LaunchToken;
import zed.reconciler.store.StoreError;

import java.util.Set;
import java.util.regex.Pattern;

/**
 * What {@code zed ops} accepts of a request about a service's process, decided before anything runs. Pure: no I/O.
 * The accounts are the operator's to name ({@code zed ops --service-user}, {@code --service-group}): an agent may
 * start a process as one of those users and no other, root only where root is one of them, and with a group other
 * than the user's own only where the group is named too (a group such as {@code disk} or {@code shadow} is worth root).
 *
 * @param users  the users services may run as
 * @param groups the groups a service may take instead of its user's own
 */
public record ServiceRules(Set<String> users, Set<String> groups) {
    public static final Set<String> OPS = Set.of("serviceStart", "serviceStop", "serviceSignal", "serviceFind", "serviceRotate", "serviceHome", "serviceFile",
            "serviceLogRoot", "jailEnsure", "jailObserve", "jailStop", "secretStamp");
    /** Written to the audit log with their result: what runs, and what it runs as, changes. */
    public static final Set<String> AUDITED = Set.of("serviceStart", "serviceStop", "serviceSignal", "serviceHome", "serviceFile", "jailEnsure", "jailStop");
    /** A rendered file's body, at most: what a request frame holds with room for the rest. */
    static final int MAX_BODY = Frames.MAX_REQUEST - 64 * 1024;
    private static final Pattern MODE = Pattern.compile("0?[0-7]{3}");
    /** What a request may hold of a command: an argument, a value, in bytes. */
    static final int MAX_TEXT = 64 * 1024;
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,254}");
    private static final Pattern SERVICE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_./:-]{0,254}");
    private static final Pattern ACCOUNT = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,31}\\$?");

    public ServiceRules {
        users = Set.copyOf(users);
        groups = Set.copyOf(groups);
    }

    /** @throws StoreError naming what is refused and why */
    public void check(JsonNode req, OpsRules datasets) {
        String op = OpsRules.text(req, "op", "");
        switch (op) {
            case "serviceStart" -> {
                service(req);
                user(OpsRules.text(req, "user", op));
                if (req.hasNonNull("group")) account(OpsRules.text(req, "group", op), "group");
                JsonNode argv = req.get("argv");
                if (argv == null || !argv.isArray() || argv.isEmpty()) throw invalid(op, "needs \"argv\", a list of the command and its arguments");
                for (JsonNode a : argv) text(a, "an argument");
                if (argv.get(0).asText().isEmpty()) throw invalid(op, "names no program");
                JsonNode env = req.get("env");
                if (env == null || !env.isObject()) throw invalid(op, "needs \"env\", an object of names to strings");
                env.fields().forEachRemaining(e -> {
                    if (!ENV_NAME.matcher(e.getKey()).matches()) throw invalid(e.getKey(), "is not an environment variable's name");
                    text(e.getValue(), "the value of " + e.getKey());
                });
                path(req, "workdir");
                path(req, "logs");
                if (req.has("jail")) {
                    jail(req.get("jail") == null ? null : req.get("jail").path("name").asText(null));
                    path(req, "jailWorkdir");
                }
            }
            case "jailEnsure" -> jail(req.path("jail").path("name").asText(null));
            case "secretStamp" -> {
                if (!zed.reconciler.secret.Slot.valid(OpsRules.text(req, "slot", op))) throw invalid(req.get("slot").asText(), "is not a secret slot's name");
                if (req.hasNonNull("field")) text(req.get("field"), "field");
            }
            case "jailObserve", "jailStop" -> jail(req.path("name").asText(null));
            case "serviceStop", "serviceSignal" -> {
                pid(req);
                if (op.equals("serviceStop")) {
                    JsonNode g = req.get("graceMs");
                    if (g == null || !g.canConvertToLong() || g.asLong() < 0 || g.asLong() > 600_000) throw invalid(op, "needs \"graceMs\", 0 to 600000");
                }
            }
            case "serviceFind" -> {
                if (LaunchToken.parse(OpsRules.text(req, "token", op)) == null) throw invalid(op, "\"token\" is not a launch token");
            }
            case "serviceRotate" -> {
                path(req, "logs");
                JsonNode cap = req.get("cap"), keep = req.get("keep");
                if (cap == null || !cap.canConvertToLong() || cap.asLong() < 1 << 20) throw invalid(op, "needs \"cap\", at least 1 MiB");
                if (keep == null || !keep.canConvertToInt() || keep.asInt() < 1 || keep.asInt() > 20) throw invalid(op, "needs \"keep\", 1 to 20");
            }
            case "serviceHome" -> {
                service(req);
                datasets.managed(OpsRules.text(req, "dataset", op));
                user(OpsRules.text(req, "user", op));
                if (req.hasNonNull("group")) account(OpsRules.text(req, "group", op), "group");
            }
            case "serviceFile" -> {
                service(req);
                user(OpsRules.text(req, "user", op));
                if (req.hasNonNull("group")) account(OpsRules.text(req, "group", op), "group");
                path(req, "path");
                if (req.path("remove").asBoolean(false)) return;
                if (!MODE.matcher(OpsRules.text(req, "mode", op)).matches()) throw invalid(req.get("mode").asText(), "is not a file mode (e.g. 0600)");
                JsonNode body = req.get("body");
                if (body == null || !body.isTextual()) throw invalid(op, "needs \"body\", the file's text");
                if (body.asText().length() > MAX_BODY) throw invalid(op, "a file of over " + MAX_BODY + " characters");
            }
            case "serviceLogRoot" -> {
                // asks nothing
            }
            default -> throw new StoreError(StoreError.Kind.OTHER, "-", "unknown operation \"" + op + "\"");
        }
    }

    /** A user services may run as: one the operator named. */
    void user(String user) {
        account(user, "user");
        if (!users.contains(user)) {
            throw new StoreError(StoreError.Kind.PERMISSION, user, "is not a user zed ops starts services as (--service-user: " + new java.util.TreeSet<>(users) + ")");
        }
    }

    /** A group other than the user's own, which the operator named. */
    void group(String user, String group) {
        if (!groups.contains(group)) {
            throw new StoreError(StoreError.Kind.PERMISSION, group, "is not user " + user + "'s own group nor one zed ops gives services (--service-group: "
                    + new java.util.TreeSet<>(groups) + ")");
        }
    }

    /** Root (uid 0, or gid 0) only where the operator named root. */
    void root(String user, long uid, long gid) {
        if ((uid == 0 || gid == 0) && !users.contains("root")) {
            throw new StoreError(StoreError.Kind.PERMISSION, user, "has uid " + uid + " and gid " + gid + ": zed ops starts nothing as root unless --service-user root");
        }
    }

    private static void jail(String name) {
        if (name == null) throw invalid("jail", "needs its \"name\"");
        try {
            zed.reconciler.jail.JailNames.check(name);
        } catch (RuntimeException e) {
            throw invalid(name, "is not a jail's name: " + e.getMessage());
        }
    }

    static void service(JsonNode req) {
        String s = OpsRules.text(req, "service", req.path("op").asText());
        if (!SERVICE.matcher(s).matches() || s.contains("..")) throw invalid(s, "is not a service's name");
    }

    private static void account(String name, String what) {
        if (!ACCOUNT.matcher(name).matches()) throw invalid(name, "is not a " + what + "'s name");
    }

    private static void pid(JsonNode req) {
        JsonNode p = req.get("pid");
        if (p == null || !p.canConvertToLong() || p.asLong() < 2 || p.asLong() > 4_194_304) throw invalid(req.path("op").asText(), "needs \"pid\", a process id");
        OpsRules.text(req, "startTime", req.path("op").asText());
    }

    private static void path(JsonNode req, String field) {
        String p = OpsRules.text(req, field, req.path("op").asText());
        text(req.get(field), field);
        if (!p.startsWith("/")) throw invalid(p, "(" + field + ") is not an absolute path");
    }

    static void text(JsonNode n, String what) {
        if (n == null || !n.isTextual()) throw invalid(what, "is a string");
        String s = n.asText();
        if (s.indexOf('\0') >= 0) throw invalid(what, "holds a NUL");
        if (s.length() > MAX_TEXT) throw invalid(what, "is over " + MAX_TEXT + " characters");
    }

    private static StoreError invalid(String subject, String why) {
        return new StoreError(StoreError.Kind.INVALID_NAME, subject, why);
    }
}
