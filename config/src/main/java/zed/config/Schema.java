package zed.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The shape of a Zedfile as ZEDFILE.md defines it: which blocks may appear where, with how many labels, and which
 * attributes of which types. Structural checks (unknown names, labels, required attributes) run on the syntax tree;
 * type checks run on the evaluated values.
 */
public record Schema(String type, int minLabels, int maxLabels, List<String> labelNames, Map<String, Type> attributes,
                     Set<String> required, Map<String, Schema> blocks, boolean repeatable) {

    /** The type an attribute's value must have. */
    public enum Type {
        STRING("a string"), NUMBER("a number"), INT("a whole number"), BOOL("a bool"), DURATION("a duration such as \"5s\""),
        SIZE("a size such as \"10G\""), STRING_LIST("a list of strings"), OBJECT("an object"), ANY("any value"),
        SERVICE_REFS("a list of service references such as [service.exec.db]"), TEXT("a string");

        public final String described;

        Type(String described) {
            this.described = described;
        }
    }

    public static final Set<String> SERVICE_KINDS = Set.of("exec", "release", "go", "jar");
    public static final Set<String> HEALTH_KINDS = Set.of("http", "tcp", "exec");

    private static Map<String, Type> attrs(Object... kv) {
        Map<String, Type> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], (Type) kv[i + 1]);
        return m;
    }

    private static Map<String, Schema> blocks(Schema... bs) {
        Map<String, Schema> m = new LinkedHashMap<>();
        for (Schema b : bs) m.put(b.type, b);
        return m;
    }

    private static Schema block(String type, List<String> labels, Map<String, Type> attrs, Set<String> required, boolean repeatable, Schema... children) {
        return new Schema(type, labels.size(), labels.size(), labels, attrs, required, blocks(children), repeatable);
    }

    static final Map<String, Type> HEALTH_COMMON = attrs("initial_delay", Type.DURATION, "interval", Type.DURATION, "timeout", Type.DURATION,
            "success_threshold", Type.INT, "failure_threshold", Type.INT);

    static Map<String, Type> health(Object... kv) {
        Map<String, Type> m = new LinkedHashMap<>(attrs(kv));
        m.putAll(HEALTH_COMMON);
        return m;
    }

    /** Health checks: one schema per kind (the label). */
    public static final Map<String, Map<String, Type>> HEALTH = Map.of(
            "http", health("url", Type.STRING, "expect", Type.INT, "body_contains", Type.STRING),
            "tcp", health("host", Type.STRING, "port", Type.INT),
            "exec", health("command", Type.STRING_LIST));
    public static final Map<String, Set<String>> HEALTH_REQUIRED = Map.of("http", Set.of("url"), "tcp", Set.of("port"), "exec", Set.of("command"));

    public static final Schema RUNTIME = block("runtime", List.of(), attrs("cmd", Type.STRING_LIST, "after", Type.SERVICE_REFS), Set.of(), false);

    public static final Schema RESTART = block("restart", List.of(),
            attrs("attempts", Type.INT, "interval", Type.DURATION, "delay", Type.DURATION, "max_delay", Type.DURATION), Set.of(), false);

    /** A service; kind-specific attributes and blocks are checked in {@link #serviceKindRules}. */
    public static final Schema SERVICE = block("service", List.of("kind", "name"),
            attrs("dataset", Type.STRING, "jail", Type.STRING, "version", Type.STRING, "vars", Type.OBJECT, "env", Type.OBJECT,
                    "print", Type.STRING, "release", Type.STRING, "jar", Type.STRING, "user", Type.STRING, "group", Type.STRING),
            Set.of(), true,
            block("file", List.of("name"), attrs("path", Type.STRING, "body", Type.TEXT, "mode", Type.STRING), Set.of("path", "body"), true),
            RUNTIME,
            RESTART,
            // attributes of health depend on its kind; see HEALTH
            new Schema("health", 1, 1, List.of("kind"), Map.of(), Set.of(), Map.of(), true),
            block("sudo", List.of("name"), attrs("check", Type.STRING, "apply", Type.STRING, "verify", Type.STRING), Set.of("apply"), true),
            block("git", List.of(), attrs("url", Type.STRING, "tag", Type.STRING, "branch", Type.STRING, "rev", Type.STRING), Set.of("url"), false),
            block("src", List.of(), attrs("path", Type.STRING, "exe", Type.STRING), Set.of("path"), false));

    /** The whole file. */
    public static final Schema FILE = new Schema("file", 0, 0, List.of(), Map.of(), Set.of(), blocks(
            new Schema("level", 0, 1, List.of("name"), attrs("host", Type.STRING, "hosts", Type.STRING_LIST, "pool", Type.STRING, "sysenv", Type.STRING_LIST), Set.of(), Map.of(), false),
            block("snapshots", List.of(), attrs("before_deploy", Type.BOOL, "keep", Type.INT), Set.of(), false),
            block("failover", List.of(), attrs("standby", Type.STRING, "every", Type.DURATION, "auto", Type.BOOL), Set.of("standby"), false),
            block("update", List.of(), attrs("min_healthy_time", Type.DURATION, "healthy_deadline", Type.DURATION, "auto_revert", Type.BOOL, "max_parallel", Type.INT,
                    "strategy", Type.STRING, "canary", Type.INT, "auto_promote", Type.BOOL, "progress_deadline", Type.DURATION), Set.of(), false),
            block("dataset", List.of("name"), attrs("mountpoint", Type.STRING, "properties", Type.OBJECT), Set.of(), true),
            block("jail", List.of("name"), attrs("dataset", Type.STRING, "hostname", Type.STRING, "ip4", Type.STRING, "ip6", Type.STRING,
                            "vnet", Type.BOOL, "params", Type.OBJECT), Set.of("dataset"), true,
                    block("mount", List.of("path"), attrs("dataset", Type.STRING, "mode", Type.STRING), Set.of("dataset"), true)),
            SERVICE,
            // requires = { vram = "48G", gpus = 1 }: its keys are checked where the model is built
            block("model", List.of("name"), attrs("dataset", Type.STRING, "requires", Type.OBJECT), Set.of("dataset"), true,
                    block("source", List.of(), attrs("path", Type.STRING, "host", Type.STRING, "snapshot", Type.STRING), Set.of(), false)),
            // model = model.llama (or "llama"): a model of the same level
            block("job", List.of("name"), attrs("model", Type.STRING, "dataset", Type.STRING, "env", Type.OBJECT, "checkpoint_every", Type.DURATION,
                            "keep", Type.INT, "user", Type.STRING, "group", Type.STRING), Set.of("model", "dataset"), true,
                    block("runtime", List.of(), attrs("cmd", Type.STRING_LIST, "after", Type.SERVICE_REFS), Set.of("cmd"), false),
                    RESTART)),
            false);

    /** Attributes and blocks that only some service kinds take. */
    public static final Map<String, Set<String>> SERVICE_KIND_ONLY = Map.of(
            "release", Set.of("release"),
            "jar", Set.of("jar"),
            "git", Set.of("go"),
            "src", Set.of("go"));

    public Type attribute(String name) {
        return attributes.get(name);
    }
}
