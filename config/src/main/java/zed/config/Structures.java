package zed.config;

import zed.config.eval.Names;
import zed.config.syntax.Body;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

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
        for (Body.Attribute a : body.attributes()) {
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
            String key = b.type() + " " + String.join(" ", b.labels().stream().map(Body.Label::value).toList());
            Pos prev = seen.putIfAbsent(key, b.pos());
            if (prev != null) {
                error(b.pos(), (bs.repeatable() ? key.trim() : "block \"" + b.type() + "\"") + " is already declared at " + prev);
                continue;
            }
            String name = describe(b);
            if (b.type().equals("service")) {
                service(b, bs, name);
            } else if (b.type().equals("health")) {
                health(b, name);
            } else {
                body(b.body(), bs.attributes(), bs.required(), bs.blocks(), name, b.pos());
            }
        }
    }

    private static String labelsMessage(Schema bs, int n) {
        if (bs.maxLabels() == 0) return "block \"" + bs.type() + "\" takes no labels";
        String names = String.join(" ", bs.labelNames().stream().map(l -> "\"" + l + "\"").toList());
        return "block \"" + bs.type() + "\" takes " + (bs.minLabels() == bs.maxLabels() ? "" : "at most ") + bs.maxLabels()
                + " label" + (bs.maxLabels() == 1 ? "" : "s") + " (" + bs.type() + " " + names + " { ... }), not " + n;
    }

    static String describe(Body.Block b) {
        StringBuilder sb = new StringBuilder(b.type());
        for (Body.Label l : b.labels()) sb.append(b.type().equals("service") || l.value().matches("[A-Za-z0-9_-]+") ? "." + l.value() : "[\"" + l.value() + "\"]");
        return sb.toString();
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
