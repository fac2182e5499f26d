package zed.config.eval;

import zed.config.Diagnostic;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Schema;
import zed.config.Structures;
import zed.config.Value;
import zed.config.syntax.Body;
import zed.config.syntax.Expr;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates one level of a chain. Every attribute, and every key of an object attribute, is a node of a graph;
 * nodes are evaluated on demand and memoised, so the order follows the references, not the file. A node whose
 * evaluation fails is reported once; nodes that depend on it fail silently.
 */
public final class LevelEvaluation {
    /** Thrown past a node whose dependency already failed and was reported. */
    static final class DependencyFailed extends RuntimeException {
        DependencyFailed() {
            super(null, null, false, false);
        }
    }

    public final String id;
    public final String name;
    public final Path dir;
    public final Path file;
    /** The file as errors name it. */
    public final String display;
    final byte[] source;
    final LevelEvaluation parent;
    final EvalInputs inputs;
    final Ports ports;
    final List<Diagnostic> errors;

    /** Values this level read from outside its own source: the drift hash covers them. */
    final Map<String, Value> reads = new TreeMap<>();
    final Map<String, Node> services = new LinkedHashMap<>();
    /** The level's other blocks, by kind and name, for the spec builder. */
    final Map<String, Map<String, Node>> blocks = new LinkedHashMap<>();
    final List<Node> all = new ArrayList<>();
    private final Deque<Node> stack = new ArrayDeque<>();
    String hash;
    boolean hashUsed;
    Node poolNode;
    /** The host this evaluation is one instance of the level on; null when the level runs as one (its host: {@link Host#hostOf}). */
    String instanceHost;
    /** The spec of a second evaluation (cfg::hash()), kept with it. */
    LevelSpec spec;
    /** A level above that runs on several hosts: its evaluation per instance, in its hosts' order; null otherwise. */
    List<LevelEvaluation> instances;

    LevelEvaluation(String id, String name, Path file, String display, byte[] source, LevelEvaluation parent, EvalInputs inputs, Ports ports, List<Diagnostic> errors) {
        this.id = id;
        this.name = name;
        this.file = file;
        this.display = display;
        this.dir = file.toAbsolutePath().getParent();
        this.source = source;
        this.parent = parent;
        this.inputs = inputs;
        this.ports = ports;
        this.errors = errors;
    }

    // ---- building the graph ------------------------------------------------------------------------------------

    void build(Body body) {
        for (Body.Block b : body.blocks()) {
            if (b.type().equals("service")) {
                service(b);
                continue;
            }
            boolean named = !b.labels().isEmpty() && !b.type().equals("level");
            String key = named ? b.label(0) : "";
            String nodeId = named ? b.type() + Structures.label(key) : b.type();
            Node n = block(nodeId, b, null, nodeId);
            blocks.computeIfAbsent(b.type(), k -> new LinkedHashMap<>()).put(key, n);
        }
        Node level = block("level", null);
        poolNode = level == null ? null : level.child("pool");
        for (Map.Entry<String, Node> d : blocks.getOrDefault("dataset", Map.of()).entrySet()) {
            Node ds = d.getValue();
            if (ds.child("mountpoint") == null) {
                String dsName = d.getKey();
                ds.children.put("mountpoint", Node.computed(this, ds.id + ".mountpoint", ds.pos, () -> defaultMountpoint(dsName), null));
            }
        }
    }

    Node block(String type, String label) {
        Map<String, Node> m = blocks.get(type);
        return m == null ? null : m.get(label == null ? "" : label);
    }

    private void service(Body.Block b) {
        String kind = b.label(0), sname = b.label(1);
        String sid = "service." + kind + "." + sname;
        Node svc = Node.branch(this, sid, b.pos(), null);
        svc.service = svc;
        for (LevelEvaluation up = parent; up != null; up = up.parent) {
            Node other = up.services.get(kind + "." + sname);
            if (other != null) error(b.pos(), sid + " is already declared in " + other.pos);
        }
        svc.children.put("name", Node.constant(this, sid + ".name", b.pos(), new Value.Str(sname), svc));
        svc.children.put("kind", Node.constant(this, sid + ".kind", b.pos(), new Value.Str(kind), svc));
        fill(svc, b.body(), svc, "");
        for (String a : Schema.SERVICE.attributes().keySet()) {
            java.util.Set<String> only = Schema.SERVICE_KIND_ONLY.get(a);
            if (only != null && !only.contains(kind)) continue;
            if (!svc.children.containsKey(a)) svc.children.put(a, Node.constant(this, sid + "." + a, b.pos(), Value.Null.NULL, svc));
        }
        svc.children.put("dir", Node.computed(this, sid + ".dir", b.pos(), () -> serviceDir(svc, sname), svc));
        services.putIfAbsent(kind + "." + sname, svc);
        all.add(svc);
    }

    private Node block(String id, Body.Block b, Node service, String portPath) {
        Node n = Node.branch(this, id, b.pos(), service);
        fill(n, b.body(), service, portPath);
        all.add(n);
        return n;
    }

    /** Adds a body's attributes and blocks as children of n. */
    private void fill(Node n, Body body, Node service, String portPrefix) {
        for (Body.Attribute a : body.attributes()) {
            String id = n.id + "." + a.name();
            String portPath = portPrefix.isEmpty() ? a.name() : portPrefix + "." + a.name();
            if (a.name().equals("after")) {
                n.children.put("after", Node.computed(this, id, a.pos(), () -> after(a, service), service));
            } else if (a.expr() instanceof Expr.ObjectExpr o && o.items().stream().allMatch(i -> i.staticKey() != null)) {
                Node obj = Node.branch(this, id, a.pos(), service);
                for (Expr.Item item : o.items()) {
                    String k = item.staticKey();
                    if (obj.children.containsKey(k)) {
                        error(item.pos(), "duplicate key \"" + k + "\" in " + a.name() + "; first set at " + obj.children.get(k).pos);
                        continue;
                    }
                    obj.children.put(k, Node.leaf(this, id + "." + k, item.pos(), item.value(), service, portPath + "." + k));
                }
                n.children.put(a.name(), obj);
            } else {
                n.children.put(a.name(), Node.leaf(this, id, a.pos(), a.expr(), service, portPath));
            }
        }
        for (Body.Block c : body.blocks()) {
            Node holder = n;
            String path = portPrefix.isEmpty() ? c.type() : portPrefix + "." + c.type();
            String id = n.id + "." + c.type();
            List<Body.Label> labels = c.labels();
            if (labels.isEmpty()) {
                Node child = Node.branch(this, id, c.pos(), service);
                fill(child, c.body(), service, path);
                holder.children.putIfAbsent(c.type(), child);
                continue;
            }
            String groupId = id;
            Node group = holder.children.computeIfAbsent(c.type(), k -> Node.branch(this, groupId, c.pos(), service));
            Iterator<Body.Label> it = labels.iterator();
            while (it.hasNext()) {
                Body.Label l = it.next();
                id = id + Structures.label(l.value());
                path = path + "." + l.value();
                if (it.hasNext()) {
                    String gid = id;
                    group = group.children.computeIfAbsent(l.value(), k -> Node.branch(this, gid, c.pos(), service));
                } else {
                    Node child = Node.branch(this, id, c.pos(), service);
                    fill(child, c.body(), service, path);
                    group.children.putIfAbsent(l.value(), child);
                }
            }
        }
    }

    // ---- evaluation --------------------------------------------------------------------------------------------

    void evaluateAll() {
        for (Node n : all) force(n);
    }

    private void force(Node n) {
        try {
            if (n.isBranch()) {
                for (Node c : n.children.values()) force(c);
            } else {
                value(n, n.pos);
            }
        } catch (DependencyFailed ignored) {
            // reported where it failed
        }
    }

    Value value(Node n, Pos refPos) {
        if (n.failed) throw new DependencyFailed();
        if (n.value != null) return n.value;
        if (n.isBranch()) {
            Map<String, Value> fields = new LinkedHashMap<>();
            for (Map.Entry<String, Node> e : n.children.entrySet()) fields.put(e.getKey(), n.owner.value(e.getValue(), refPos));
            return new Value.ObjV(fields);
        }
        if (n.owner != this) return n.owner.value(n, refPos);
        if (n.busy) {
            StringBuilder path = new StringBuilder();
            List<Node> frames = new ArrayList<>(stack);
            java.util.Collections.reverse(frames);
            boolean in = false;
            for (Node f : frames) {
                if (f == n) in = true;
                if (in) path.append(f.id).append(" -> ");
            }
            path.append(n.id);
            throw new EvalError(refPos, "reference cycle: " + path);
        }
        n.busy = true;
        stack.push(n);
        try {
            Value v = n.expr != null ? Interpreter.eval(n.expr, new NodeScope(this, n)) : n.computed.get();
            n.value = v;
            return v;
        } catch (EvalError e) {
            n.failed = true;
            errors.add(new Diagnostic(e.pos(), e.getMessage()));
            throw new DependencyFailed();
        } catch (DependencyFailed d) {
            n.failed = true;
            throw d;
        } finally {
            n.busy = false;
            stack.pop();
        }
    }

    void error(Pos pos, String message) {
        errors.add(new Diagnostic(pos, message));
    }

    // ---- references ------------------------------------------------------------------------------------------

    /** {@code service.<kind>.<name>.address}: the address of the host the service's level runs on. */
    static final String ADDRESS = "address";
    /** {@code service.<kind>.<name>.instances}: a multi-host level's service, one entry per instance. */
    static final String INSTANCES = "instances";
    static final String HOST = "host";

    /** The host this level is evaluated as running on: {@code host::name()}, and where its services are reached. */
    String host() {
        return instanceHost != null ? instanceHost : inputs.host().hostOf(id);
    }

    /**
     * {@code model.<name>}: a model of this level, by its name (a job's {@code model = model.llama}). By name, not by
     * value: a job runs a model, it does not copy its settings.
     */
    Value modelReference(Expr.Var root, List<Step> steps) {
        if (steps.size() != 1 || steps.get(0).isIndex()) throw new EvalError(root.pos(), "a model reference reads model.<name>, e.g. model = model.llama");
        String name = steps.get(0).name();
        java.util.Set<String> models = blocks.getOrDefault("model", Map.of()).keySet();
        if (!models.contains(name)) {
            throw new EvalError(steps.get(0).pos(), "model." + name + " is not declared in this level" + Names.didYouMean(name, models));
        }
        return new Value.Str(name);
    }

    /** Resolves {@code service.<kind>.<name>...} from this level, looking upward through the chain. */

    Value serviceReference(Expr.Var root, List<Step> steps) {
        if (steps.size() < 2 || steps.get(0).isIndex() || steps.get(1).isIndex()) {
            throw new EvalError(root.pos(), "a service reference reads service.<kind>.<name>, e.g. service.exec.web.vars.port");
        }
        String key = steps.get(0).name() + "." + steps.get(1).name();
        for (LevelEvaluation l = this; l != null; l = l.parent) {
            Node svc = l.services.get(key);
            if (svc == null) continue;
            boolean each = steps.size() >= 3 && !steps.get(2).isIndex() && steps.get(2).name().equals(INSTANCES) && svc.child(INSTANCES) == null;
            Value v = l.instances != null ? perInstance(l, key, steps)
                    // one entry on one host: a child reads a service the same way whether its level runs on one host or several
                    : each ? entries(List.of(l), key, steps)
                    : steps.size() == 3 && !steps.get(2).isIndex() && steps.get(2).name().equals(ADDRESS) && svc.child(ADDRESS) == null
                    // where the service's host is reached: a parent's service may run on another host of the cluster
                    ? new Value.Str(inputs.host().address(l.host()))
                    : walk(svc, steps.subList(2, steps.size()), root.pos());
            if (l != this) reads.put(pathText("service", steps), v);
            return v;
        }
        List<String> known = new ArrayList<>();
        for (LevelEvaluation l = this; l != null; l = l.parent) known.addAll(l.services.keySet());
        throw new EvalError(steps.get(1).pos(), "service." + key + " is not declared in this level or any level above"
                + didYouMeanService(key, known));
    }

    /**
     * A service of a level above that runs on several hosts: read only through {@code .instances}, one entry per
     * instance (its values as that instance evaluates them, its {@code host} and {@code address}). Anything else would
     * pick one instance silently, so it is an error that says what to read instead.
     */
    private Value perInstance(LevelEvaluation l, String key, List<Step> steps) {
        List<String> hosts = l.instances.stream().map(i -> i.instanceHost).toList();
        if (steps.size() < 3 || steps.get(2).isIndex() || !steps.get(2).name().equals(INSTANCES)) {
            Step at = steps.get(steps.size() < 3 ? 1 : 2);
            String what = steps.size() < 3 ? "" : "." + (at.isIndex() ? "[" + at.index() + "]" : at.name());
            throw new EvalError(at.pos(), "service." + key + what + ": level " + l.id + " runs on several hosts (hosts = [" + String.join(", ", hosts)
                    + "]), one instance each, so its service has no single value: read service." + key + ".instances, one entry per instance"
                    + " with its host and address, e.g. service." + key + ".instances[0].address");
        }
        return entries(l.instances, key, steps);
    }

    /** {@code service.<kind>.<name>.instances...}: one entry per evaluation of the service's level, in the order given. */
    private Value entries(List<LevelEvaluation> each, String key, List<Step> steps) {
        List<Value> entries = new ArrayList<>();
        for (LevelEvaluation in : each) {
            Node svc = in.services.get(key);
            if (svc == null) {
                throw new EvalError(steps.get(2).pos(), "service." + key + " is not declared by level " + in.id + " as host " + in.host() + " runs it");
            }
            Map<String, Value> fields = new LinkedHashMap<>(((Value.ObjV) in.value(svc, steps.get(2).pos())).fields());
            fields.putIfAbsent(HOST, new Value.Str(in.host()));
            // where the other hosts reach this instance: its host's address
            fields.putIfAbsent(ADDRESS, new Value.Str(inputs.host().address(in.host())));
            entries.add(new Value.ObjV(fields));
        }
        Value v = new Value.ListV(entries);
        for (Step s : steps.subList(3, steps.size())) v = Interpreter.step(v, s);
        return v;
    }

    private static String didYouMeanService(String key, List<String> known) {
        String best = Names.closest(key, known);
        return best == null ? "" : "; did you mean \"service." + best + "\"?";
    }

    static String pathText(String root, List<Step> steps) {
        StringBuilder sb = new StringBuilder(root);
        for (Step s : steps) sb.append(s.isIndex() ? "[" + s.index() + "]" : "." + s.name());
        return sb.toString();
    }

    /** Walks steps down the node tree; past a leaf, the steps apply to its value. */
    Value walk(Node n, List<Step> steps, Pos refPos) {
        for (int i = 0; i < steps.size(); i++) {
            Step s = steps.get(i);
            if (!n.isBranch()) {
                Value v = value(n, s.pos());
                if (v instanceof Value.Null) throw new EvalError(s.pos(), n.id + " is not set, so it has no " + s);
                for (Step rest : steps.subList(i, steps.size())) v = Interpreter.step(v, rest);
                return v;
            }
            String k = s.isIndex() ? String.valueOf(s.index()) : s.name();
            Node c = n.child(k);
            if (c == null) {
                throw new EvalError(s.pos(), n.id + " has no \"" + k + "\"" + Names.didYouMean(k, n.children.keySet()));
            }
            n = c;
        }
        return value(n, refPos);
    }

    /** {@code after = [service.exec.db]}: references by name, not by value (so that no cycle arises). */
    private Value after(Body.Attribute a, Node service) {
        if (!(a.expr() instanceof Expr.ListExpr list)) throw new EvalError(a.expr().pos(), "after must be a list of services, e.g. [service.exec.db]");
        List<Value> out = new ArrayList<>();
        for (Expr item : list.items()) {
            List<String> names = new ArrayList<>();
            Expr cur = item;
            while (cur instanceof Expr.GetAttr g) {
                names.add(0, g.name());
                cur = g.target();
            }
            if (!(cur instanceof Expr.Var v) || !v.name().equals("service") || names.size() != 2) {
                throw new EvalError(item.pos(), "after takes service references such as service.exec.db");
            }
            String key = names.get(0) + "." + names.get(1);
            boolean found = false;
            for (LevelEvaluation l = this; l != null && !found; l = l.parent) found = l.services.containsKey(key);
            if (!found) throw new EvalError(item.pos(), "service." + key + " is not declared in this level or any level above");
            if (service != null && service.id.equals("service." + key)) {
                throw new EvalError(item.pos(), service.id + ": runtime.after names the service itself, so it could never start");
            }
            out.add(new Value.Str(key));
        }
        return new Value.ListV(out);
    }

    // ---- places on the host ----------------------------------------------------------------------------------

    /** The pool this level's datasets live under: its own, its parent's, the node's; null means the dir store. */
    String pool() {
        if (poolNode != null) {
            Value v = value(poolNode, poolNode.pos);
            if (v instanceof Value.Str s) {
                // the datasets' mountpoints are paths under it, and no path holds a NUL
                if (s.value().indexOf('\0') >= 0) throw new EvalError(poolNode.pos, "level.pool: a ZFS dataset name cannot hold a NUL character");
                return s.value();
            }
            if (!(v instanceof Value.Null)) throw new EvalError(poolNode.pos, "level.pool must be a string, not " + Interpreter.describe(v));
        }
        if (parent != null) {
            String p = parent.pool();
            reads.put("level.pool", p == null ? Value.Null.NULL : new Value.Str(p));
            return p;
        }
        return inputs.defaultPool();
    }

    private Value defaultMountpoint(String dataset) {
        String pool = pool();
        Path p = pool == null ? inputs.dirStore().resolve(dataset) : Path.of("/").resolve(pool).resolve(dataset);
        return new Value.Str(p.toString());
    }

    private Value serviceDir(Node svc, String serviceName) {
        Value ds = value(svc.child("dataset"), svc.pos);
        if (ds instanceof Value.Str s) {
            Node d = block("dataset", s.value());
            if (d != null) return value(d.child("mountpoint"), svc.pos);
        }
        return new Value.Str(stateDir().resolve("var").resolve(serviceName).toString());
    }

    String fsHash() {
        return LevelPlaces.hash(dir);
    }

    Path stateDir() {
        return LevelPlaces.state(inputs.zedHome(), name, dir);
    }

    /** Reads a file named relative to this Zedfile; its digest becomes part of what the level read. */
    Value file(Expr.Call call, String rel) {
        if (rel.indexOf('\0') >= 0) throw new EvalError(call.args().get(0).pos(), "file(): a path cannot hold a NUL character");
        Path p = dir.resolve(rel).normalize();
        try {
            byte[] b = inputs.host().readFile(p);
            reads.put("file(" + rel + ")", new Value.Str("sha256:" + sha256Hex(b)));
            return new Value.Str(new String(b, StandardCharsets.UTF_8));
        } catch (NoSuchFileException e) {
            throw new EvalError(call.args().get(0).pos(), "file(\"" + rel + "\"): no such file " + p);
        } catch (IOException e) {
            throw new EvalError(call.args().get(0).pos(), "file(\"" + rel + "\"): cannot read " + p + ": " + e.getMessage());
        }
    }

    static String sha256Hex(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drift hash: first 16 hex of sha256(source ‖ 0x00 ‖ canonical JSON of the context the level read). */
    String driftHash() {
        byte[] ctx = new Value.ObjV(new LinkedHashMap<>(reads)).toJson().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[source.length + 1 + ctx.length];
        System.arraycopy(source, 0, all, 0, source.length);
        System.arraycopy(ctx, 0, all, source.length + 1, ctx.length);
        return sha256Hex(all).substring(0, 16);
    }
}
