package zed.config.eval;

import zed.config.Value;
import zed.config.syntax.Expr;

import java.util.List;

/** The scope of one node: {@code self} is its service; functions see its level and its place. */
final class NodeScope implements Scope {
    private final LevelEvaluation level;
    private final Node node;
    private int pickports;

    NodeScope(LevelEvaluation level, Node node) {
        this.level = level;
        this.node = node;
    }

    @Override
    public Value reference(Expr.Var root, List<Step> steps) {
        switch (root.name()) {
            case "self":
                if (node == null || node.service == null) throw new EvalError(root.pos(), "self is only available inside a service block");
                return level.walk(node.service, steps, root.pos());
            case "service":
                return level.serviceReference(root, steps);
            case "model":
                return level.modelReference(root, steps);
            default:
                throw new EvalError(root.pos(), "unknown name \"" + root.name() + "\"" + Names.didYouMean(root.name(), List.of("self", "service", "model"))
                        + "; references start with self, service or model");
        }
    }

    @Override
    public Value call(Expr.Call call, List<Value> args) {
        Functions.check(call, args.size());
        String fn = call.fullName();
        switch (fn) {
            case "net::pickport": {
                String where = node == null ? "expr" : node.service != null ? node.service.id + "|" + node.portPath : node.portPath;
                pickports++;
                String key = level.id + "|" + where + (pickports > 1 ? "#" + pickports : "");
                return Value.Num.of(level.ports.pick(key));
            }
            case "fs::hash":
                return new Value.Str(level.fsHash());
            case "fs::state":
                return path(level.stateDir());
            case "fs::bin":
                return path(level.stateDir().resolve("bin"));
            case "fs::etc":
                return path(level.stateDir().resolve("etc").resolve(serviceName(call)));
            case "fs::var":
                return path(level.stateDir().resolve("var").resolve(serviceName(call)));
            case "fs::tmp": {
                java.nio.file.Path t = level.inputs.host().tmpDir().resolve("zed-" + level.fsHash());
                try {
                    level.inputs.host().createDirectories(t);
                } catch (java.io.IOException e) {
                    throw new EvalError(call.pos(), "fs::tmp(): cannot create " + t + ": " + e.getMessage());
                }
                return path(t);
            }
            case "cfg::hash":
                level.hashUsed = true;
                return new Value.Str(level.hash == null ? "0000000000000000" : level.hash);
            case "os::env": {
                String name = Functions.string(call, args, 0, "the variable name");
                String v = level.inputs.host().env(name);
                if (v == null && args.size() > 1) {
                    Value dflt = args.get(1);
                    level.reads.put("os::env(" + name + ")", Value.Null.NULL);
                    return dflt;
                }
                if (v == null) throw new EvalError(call.pos(), "environment variable " + name + " is not set; set it or give a default: os::env(\"" + name + "\", \"...\")");
                level.reads.put("os::env(" + name + ")", new Value.Str(v));
                return new Value.Str(v);
            }
            case "file":
                return level.file(call, Functions.string(call, args, 0, "the path"));
            case "host::name":
                return new Value.Str(level.host());
            default:
                return Functions.callPure(call, args);
        }
    }

    private String serviceName(Expr.Call call) {
        if (node == null || node.service == null) throw new EvalError(call.pos(), call.fullName() + "() is only available inside a service block");
        return ((Value.Str) node.service.child("name").value).value();
    }

    private static Value path(java.nio.file.Path p) {
        return new Value.Str(p.toString());
    }
}
