package zed.config;

import zed.config.eval.Names;
import zed.config.syntax.Body;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a parsed Zedfile against {@link Schema} before anything is evaluated. Collects every error. */
public final class Structures {
    private final List<Diagnostic> errors = new ArrayList<>();

    private Structures() {
    }

    public static List<Diagnostic> check(Body file) {
        Structures s = new Structures();
        s.body(file, Schema.FILE, "the file");
        return s.errors;
    }

    private void error(Pos pos, String message) {
        errors.add(new Diagnostic(pos, message));
    }

    private void body(Body body, Schema schema, String where) {
        body(body, schema.attributes(), schema.required(), schema.blocks(), where, body.pos());
    }

    private void body(Body body, Map<String, Schema.Type> attributes, Set<String> required, Map<String, Schema> blocks, String where, Pos wherePos) {
        Map<String, Pos> set = new HashMap<>();
        for (Body.Attribute a : body.attributes()) {
            Pos prev = set.putIfAbsent(a.name(), a.pos());
            if (prev != null) {
                error(a.pos(), "attribute \"" + a.name() + "\" is already set at " + prev);
                continue;
            }
            if (!attributes.containsKey(a.name())) {
                String hint = Names.didYouMean(a.name(), attributes.keySet());
                if (hint.isEmpty() && blocks.containsKey(a.name())) hint = "; " + a.name() + " is a block: " + a.name() + " { ... }";
                error(a.pos(), "unknown attribute \"" + a.name() + "\" in " + where + hint);
            }
        }
        for (String r : required) {
            if (body.attribute(r) == null) error(wherePos, where + ": missing required attribute \"" + r + "\"");
        }
        Map<String, Pos> seen = new HashMap<>();
        for (Body.Block b : body.blocks()) {
            Schema bs = blocks.get(b.type());
            if (bs == null) {
                String hint = Names.didYouMean(b.type(), blocks.keySet());
                if (hint.isEmpty() && attributes.containsKey(b.type())) hint = "; " + b.type() + " is an attribute: " + b.type() + " = ...";
                error(b.pos(), "unknown block \"" + b.type() + "\" in " + where + hint);
                continue;
            }
            int n = b.labels().size();
            if (n < bs.minLabels() || n > bs.maxLabels()) {
                error(b.pos(), labelsMessage(bs, n));
                continue;
            }
            String name = where.equals("the file") ? describe(b) : where + "." + describe(b);
            Pos prev = seen.putIfAbsent(name, b.pos());
            if (prev != null) {
                error(b.pos(), (bs.repeatable() ? name : "block \"" + name + "\"") + " is already declared at " + prev);
                continue;
            }
            if (!labels(b)) continue;
            if (b.type().equals("service")) {
                service(b, bs, name);
            } else if (b.type().equals("health")) {
                health(b, name);
            } else {
                body(b.body(), bs.attributes(), bs.required(), bs.blocks(), name, b.pos());
                if (b.type().equals("job") && b.body().blocks("runtime").isEmpty()) error(b.pos(), name + ": a job needs runtime { cmd = [...] }");
            }
        }
    }

    private static String labelsMessage(Schema bs, int n) {
        if (bs.maxLabels() == 0) return "block \"" + bs.type() + "\" takes no labels";
        String names = String.join(" ", bs.labelNames().stream().map(l -> "\"" + l + "\"").toList());
        return "block \"" + bs.type() + "\" takes " + (bs.minLabels() == bs.maxLabels() ? "" : "at most ") + bs.maxLabels()
                + " label" + (bs.maxLabels() == 1 ? "" : "s") + " (" + bs.type() + " " + names + " { ... }), not " + n;
    }

    /** How errors and references name a block: {@code service.exec.web}, {@code dataset["apps/web"]}. */
    public static String describe(Body.Block b) {
        StringBuilder sb = new StringBuilder(b.type());
        for (Body.Label l : b.labels()) sb.append(label(l.value()));
        return sb.toString();
    }

    /** {@code .name} for a label that reads as an identifier, else {@code ["label"]}. */
    public static String label(String value) {
        return NAME.matcher(value).matches() ? "." + value : "[\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]";
    }

    static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_-]*");
    private static final Pattern SIMPLE = Pattern.compile("[A-Za-z0-9_-]+");
    private static final Pattern DATASET_PART = Pattern.compile("[A-Za-z0-9_.:-]+");

    /** Checks the labels that name things on the host; false when the block is unusable. */
    private boolean labels(Body.Block b) {
        boolean ok = true;
        for (Body.Label l : b.labels()) {
            if (l.value().isEmpty()) {
                error(l.pos(), "a " + b.type() + " label must not be empty");
                ok = false;
            }
        }
        if (!ok) return false;
        Body.Label name = b.labels().isEmpty() ? null : b.labels().get(b.labels().size() - 1);
        switch (b.type()) {
            case "dataset" -> {
                for (String part : name.value().split("/", -1)) {
                    if (!DATASET_PART.matcher(part).matches() || part.equals(".") || part.equals("..")) {
                        error(name.pos(), "dataset \"" + name.value() + "\": a dataset name is parts of letters, digits and _ . : - separated by /");
                        return false;
                    }
                }
            }
            case "jail", "service", "model", "job" -> {
                if (!SIMPLE.matcher(name.value()).matches()) {
                    error(name.pos(), b.type() + " \"" + name.value() + "\": a " + b.type() + " name is letters, digits, _ and -");
                    return false;
                }
            }
            case "mount" -> {
                if (!name.value().startsWith("/")) {
                    error(name.pos(), "mount \"" + name.value() + "\": the path inside the jail must be absolute");
                    return false;
                }
            }
            default -> {
            }
        }
        return true;
    }

    private void service(Body.Block b, Schema bs, String name) {
        String kind = b.label(0);
        if (!Schema.SERVICE_KINDS.contains(kind)) {
            error(b.labels().get(0).pos(), "unknown service kind \"" + kind + "\"" + Names.didYouMean(kind, Schema.SERVICE_KINDS) + "; kinds are exec, release, go and jar");
            return;
        }
        Map<String, Schema.Type> attrs = new HashMap<>();
        Map<String, Schema> blocks = new HashMap<>();
        bs.attributes().forEach((k, v) -> {
            Set<String> only = Schema.SERVICE_KIND_ONLY.get(k);
            if (only == null || only.contains(kind)) attrs.put(k, v);
        });
        bs.blocks().forEach((k, v) -> {
            Set<String> only = Schema.SERVICE_KIND_ONLY.get(k);
            if (only == null || only.contains(kind)) blocks.put(k, v);
        });
        for (Body.Attribute a : b.body().attributes()) {
            Set<String> only = Schema.SERVICE_KIND_ONLY.get(a.name());
            if (only != null && !only.contains(kind)) error(a.pos(), "attribute \"" + a.name() + "\" belongs to " + a.name() + " services, not to " + kind + " services");
        }
        for (Body.Block c : b.body().blocks()) {
            Set<String> only = Schema.SERVICE_KIND_ONLY.get(c.type());
            if (only != null && !only.contains(kind)) error(c.pos(), "block \"" + c.type() + "\" belongs to go services, not to " + kind + " services");
        }
        Body filtered = new Body(
                b.body().attributes().stream().filter(a -> !Schema.SERVICE_KIND_ONLY.containsKey(a.name()) || attrs.containsKey(a.name())).toList(),
                b.body().blocks().stream().filter(c -> !Schema.SERVICE_KIND_ONLY.containsKey(c.type()) || blocks.containsKey(c.type())).toList(),
                b.body().pos());
        Set<String> required = switch (kind) {
            case "release" -> Set.of("release");
            case "jar" -> Set.of("jar");
            default -> Set.of();
        };
        body(filtered, attrs, required, blocks, name, b.pos());
        if (kind.equals("go") && b.body().blocks("git").isEmpty() && b.body().blocks("src").isEmpty()) {
            error(b.pos(), name + ": a go service needs a git { url = ... } or a src { path = ... } block");
        }
        if (kind.equals("exec")) {
            List<Body.Block> rt = b.body().blocks("runtime");
            if (rt.isEmpty() || rt.get(0).body().attribute("cmd") == null) error(b.pos(), name + ": an exec service needs runtime { cmd = [...] }");
        }
        for (Body.Block g : b.body().blocks("git")) {
            int refs = 0;
            for (String r : List.of("tag", "branch", "rev")) if (g.body().attribute(r) != null) refs++;
            if (refs > 1) error(g.pos(), name + ".git: set only one of tag, branch and rev");
        }
    }

    private void health(Body.Block b, String name) {
        String kind = b.label(0);
        Map<String, Schema.Type> attrs = Schema.HEALTH.get(kind);
        if (attrs == null) {
            error(b.labels().get(0).pos(), "unknown health check kind \"" + kind + "\"" + Names.didYouMean(kind, Schema.HEALTH_KINDS) + "; kinds are http, tcp and exec");
            return;
        }
        body(b.body(), attrs, Schema.HEALTH_REQUIRED.get(kind), Map.of(), name, b.pos());
    }
}
