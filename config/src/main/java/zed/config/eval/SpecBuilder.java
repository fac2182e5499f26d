package zed.config.eval;

import zed.config.LevelSpec;
import zed.config.LevelSpec.DatasetSpec;
import zed.config.LevelSpec.FileSpec;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.JailSpec;
import zed.config.LevelSpec.JobSpec;
import zed.config.LevelSpec.ModelSpec;
import zed.config.LevelSpec.Mount;
import zed.config.LevelSpec.RestartPolicy;
import zed.config.LevelSpec.ServiceSpec;
import zed.config.LevelSpec.SnapshotPolicy;
import zed.config.LevelSpec.SudoHook;
import zed.config.LevelSpec.UpdatePolicy;
import zed.config.Pos;
import zed.config.Value;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Turns an evaluated level into a typed {@link LevelSpec}: defaults, types, references between blocks. */
final class SpecBuilder {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]+");
    static final Pattern HOST = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,62}");
    static final Pattern DATASET = Pattern.compile("[A-Za-z0-9_.:-]+(/[A-Za-z0-9_.:-]+)*");
    static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    /** A user or group name as useradd(8) and pw(8) take it by default: lower case, a letter or '_' first, 32 at most. */
    static final Pattern ACCOUNT = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    static final Pattern MODE = Pattern.compile("0?[0-7]{3,4}");
    static final Pattern IP4 = Pattern.compile("inherit|\\d{1,3}(\\.\\d{1,3}){3}(/\\d{1,2})?");
    static final Set<String> SIZE_PROPERTIES = Set.of("quota", "refquota", "reservation", "refreservation", "volsize", "recordsize");

    /** Why a value could not be built; already reported. */
    private static final class Skip extends RuntimeException {
        Skip() {
            super(null, null, false, false);
        }
    }

    @FunctionalInterface
    interface Conv<T> {
        T apply(Value v, Pos pos, String what);
    }

    private final LevelEvaluation L;

    SpecBuilder(LevelEvaluation level) {
        this.L = level;
    }

    // ---- typed access ----------------------------------------------------------------------------------------

    private Value raw(Node branch, String attr) {
        Node c = branch == null ? null : branch.child(attr);
        if (c == null) return null;
        try {
            Value v = L.value(c, c.pos);
            return v instanceof Value.Null ? null : v;
        } catch (LevelEvaluation.DependencyFailed e) {
            throw new Skip();
        }
    }

    private Pos pos(Node branch, String attr) {
        Node c = branch == null ? null : branch.child(attr);
        return c != null ? c.pos : branch != null ? branch.pos : Pos.NONE;
    }

    /**
     * The rollout settings across a level's hosts (a level with {@code hosts = [...]}; a single-host level is refused
     * them by {@link zed.config.NotSupportedYet}), checked and kept in the update policy.
     */
    private UpdatePolicy rollout(Node upd, UpdatePolicy update) {
        String strategy = str(upd, "strategy");
        check(strategy == null || strategy.equals("coordinated") || strategy.equals("rolling"), pos(upd, "strategy"),
                "update.strategy must be \"coordinated\" or \"rolling\", not \"" + strategy + "\"");
        int canary = get(upd, "canary", 0, Typed::integer);
        check(canary >= 0, pos(upd, "canary"), "update.canary must be 0 or more");
        boolean autoPromote = get(upd, "auto_promote", false, Typed::bool);
        java.time.Duration progress = get(upd, "progress_deadline", null, Typed::duration);
        check(progress == null || progress.compareTo(update.healthyDeadline()) > 0, pos(upd, "progress_deadline"),
                "update.progress_deadline (" + (progress == null ? "" : Typed.format(progress)) + ") must be longer than healthy_deadline ("
                        + Typed.format(update.healthyDeadline()) + ")");
        return new UpdatePolicy(update.minHealthyTime(), update.healthyDeadline(), update.autoRevert(), update.maxParallel(), strategy, Math.max(canary, 0),
                autoPromote, progress);
    }

    private <T> T get(Node branch, String attr, T dflt, Conv<T> conv) {
        try {
            Value v = raw(branch, attr);
            if (v == null) return dflt;
            return conv.apply(v, pos(branch, attr), branch.id + "." + attr);
        } catch (EvalError e) {
            L.error(e.pos(), e.getMessage());
            return dflt;
        } catch (Skip s) {
            return dflt;
        }
    }

    private String str(Node b, String attr) {
        return get(b, attr, null, Typed::string);
    }

    private Map<String, Value> object(Node b, String attr) {
        return get(b, attr, Map.of(), (v, p, w) -> {
            if (v instanceof Value.ObjV o) return o.fields();
            throw new EvalError(p, w + " must be an object { key = value }, not " + Interpreter.describe(v));
        });
    }

    /** Where the key {@code k} of an object attribute stands, or the attribute when its keys were computed. */
    private Pos keyPos(Node owner, String attr, String k) {
        Node obj = owner == null ? null : owner.child(attr);
        if (obj != null && obj.isBranch() && obj.child(k) != null) return obj.child(k).pos;
        return pos(owner, attr);
    }

    private void check(boolean ok, Pos pos, String message) {
        if (!ok) L.error(pos, message);
    }

    private Map<String, Node> all(String type) {
        return L.blocks.getOrDefault(type, Map.of());
    }

    // ---- the level -------------------------------------------------------------------------------------------

    LevelSpec build(String parentId) {
        Node level = L.block("level", null);
        String host = str(level, "host");
        // where the level runs is the node's to read before evaluation (DeclaredHost); checked here too, for zed validate
        List<String> hosts = get(level, "hosts", null, Typed::strings); // null: none, or not a list (said so)
        boolean many = level != null && level.child("hosts") != null;
        check(host == null || !many, pos(level, "hosts"), "a level has host = \"NAME\" (one instance) or hosts = [...] (one per host), not both");
        check(hosts == null || !hosts.isEmpty(), pos(level, "hosts"), "level.hosts must name at least one host");
        check(hosts == null || hosts.size() == new java.util.HashSet<>(hosts).size(), pos(level, "hosts"), "level.hosts names a host twice");
        List<String> sysenv = get(level, "sysenv", List.of(), Typed::strings);
        for (String s : sysenv) check(ENV_NAME.matcher(s).matches(), pos(level, "sysenv"), "level.sysenv: \"" + s + "\" is not an environment variable name");
        String pool;
        try {
            pool = L.pool();
        } catch (EvalError e) {
            L.error(e.pos(), e.getMessage());
            pool = null;
        } catch (LevelEvaluation.DependencyFailed e) {
            pool = null;
        }
        if (pool != null) check(DATASET.matcher(pool).matches(), pos(level, "pool"), "level.pool: \"" + pool + "\" is not a valid ZFS dataset name");

        Node snap = L.block("snapshots", null);
        SnapshotPolicy snapshots = new SnapshotPolicy(
                get(snap, "before_deploy", SnapshotPolicy.DEFAULT.beforeDeploy(), Typed::bool),
                get(snap, "keep", SnapshotPolicy.DEFAULT.keep(), Typed::integer));
        check(snapshots.keep() >= 1, pos(snap, "keep"), "snapshots.keep must be at least 1, so that a rollback has a target");

        Node upd = L.block("update", null);
        UpdatePolicy d = UpdatePolicy.DEFAULT;
        // a revert rolls the datasets back to the deploy snapshot, so by default it follows whether one is taken
        UpdatePolicy update = new UpdatePolicy(
                get(upd, "min_healthy_time", d.minHealthyTime(), Typed::duration),
                get(upd, "healthy_deadline", d.healthyDeadline(), Typed::duration),
                get(upd, "auto_revert", snapshots.beforeDeploy(), Typed::bool),
                get(upd, "max_parallel", d.maxParallel(), Typed::integer));
        check(!update.autoRevert() || snapshots.beforeDeploy(), pos(upd, "auto_revert"),
                "update.auto_revert = true needs snapshots.before_deploy = true: an automatic revert rolls the datasets back to the deploy snapshot, "
                        + "which before_deploy = false never takes; set auto_revert = false, or before_deploy = true");
        check(update.maxParallel() >= 1, pos(upd, "max_parallel"), "update.max_parallel must be at least 1");
        check(update.minHealthyTime().compareTo(update.healthyDeadline()) < 0,
                pos(upd, upd != null && upd.child("healthy_deadline") != null ? "healthy_deadline" : "min_healthy_time"),
                "update.healthy_deadline (" + Typed.format(update.healthyDeadline()) + ") must be longer than min_healthy_time (" + Typed.format(update.minHealthyTime()) + ")");
        update = rollout(upd, update);

        LevelSpec.FailoverPolicy failover = failover(level, host);

        List<DatasetSpec> datasets = new ArrayList<>();
        all("dataset").forEach((name, n) -> datasets.add(dataset(name, n)));
        List<JailSpec> jails = new ArrayList<>();
        all("jail").forEach((name, n) -> jails.add(jail(name, n)));
        List<ServiceSpec> services = new ArrayList<>();
        for (Node s : L.services.values()) services.add(service(s));
        waitCycles(services);
        List<ModelSpec> models = new ArrayList<>();
        all("model").forEach((name, n) -> models.add(model(name, n)));
        List<JobSpec> jobs = new ArrayList<>();
        all("job").forEach((name, n) -> jobs.add(job(name, n)));

        Pos levelPos = level != null ? level.pos : new Pos(L.display, 1, 1);
        return new LevelSpec(L.id, L.name, parentId, L.file.toString(), L.dir.toString(), host, pool, sysenv, snapshots, update,
                datasets, jails, services, models, jobs, null, levelPos, failover);
    }

    /**
     * The standby of a single-host level. It needs {@code level.host}: a level without one stays where it was first
     * pushed, so nothing here could say that its standby is another host.
     */
    private LevelSpec.FailoverPolicy failover(Node level, String host) {
        Node f = L.block("failover", null);
        if (f == null) return null;
        String standby = str(f, "standby");
        Duration every = get(f, "every", LevelSpec.FailoverPolicy.DEFAULT_EVERY, Typed::duration);
        boolean auto = get(f, "auto", false, Typed::bool);
        check(host != null, f.pos, "failover needs level.host: a standby is another host than the level's, so name the level's own, "
                + "e.g. level { host = \"h1\" }");
        if (standby != null) {
            check(HOST.matcher(standby).matches(), pos(f, "standby"), "failover.standby: \"" + standby + "\" is not a host name");
            check(!standby.equals(host), pos(f, "standby"), "failover.standby must be another host than level.host (\"" + host + "\")");
        }
        check(every.compareTo(Duration.ofSeconds(1)) >= 0, pos(f, "every"), "failover.every must be at least 1s, not " + Typed.format(every));
        return new LevelSpec.FailoverPolicy(standby, every, auto, f.pos);
    }

    private void declaredDataset(Node owner, String attr, String name) {
        if (name == null) return;
        if (!all("dataset").containsKey(name)) {
            L.error(pos(owner, attr), owner.id + ": dataset \"" + name + "\" is not declared in this level"
                    + Names.didYouMean(name, all("dataset").keySet()));
        }
    }

    private DatasetSpec dataset(String name, Node n) {
        String mountpoint = str(n, "mountpoint");
        if (mountpoint != null && !mountpoint.equals("none") && !mountpoint.equals("legacy")) {
            check(mountpoint.startsWith("/"), pos(n, "mountpoint"), n.id + ".mountpoint must be an absolute path, not \"" + mountpoint + "\"");
        }
        Map<String, String> props = new LinkedHashMap<>();
        Node pn = n.child("properties");
        object(n, "properties").forEach((k, v) -> {
            Pos p = pn != null && pn.isBranch() && pn.child(k) != null ? pn.child(k).pos : pos(n, "properties");
            if (k.startsWith("com.zed:")) {
                L.error(p, n.id + ".properties: " + k + " is Zed's own state and cannot be set");
                return;
            }
            if (!k.matches("[a-z0-9_.:-]+")) {
                L.error(p, n.id + ".properties: \"" + k + "\" is not a ZFS property name");
                return;
            }
            try {
                String s = v instanceof Value.Bool b ? (b.value() ? "on" : "off") : Typed.string(v, p, n.id + ".properties." + k);
                if (SIZE_PROPERTIES.contains(k)) Typed.size(new Value.Str(s), p, n.id + ".properties." + k);
                props.put(k, s);
            } catch (EvalError e) {
                L.error(e.pos(), e.getMessage());
            }
        });
        // a declared mountpoint is a ZFS property like any other; the resolved one (declared or default) is kept too
        if (n.child("mountpoint") != null && n.child("mountpoint").expr != null && mountpoint != null) props.put("mountpoint", mountpoint);
        return new DatasetSpec(name, mountpoint, props, n.pos);
    }

    private JailSpec jail(String name, Node n) {
        String dataset = str(n, "dataset");
        declaredDataset(n, "dataset", dataset);
        String ip4 = str(n, "ip4");
        if (ip4 != null) check(IP4.matcher(ip4).matches(), pos(n, "ip4"), n.id + ".ip4 must be an address such as \"10.17.0.2/24\" or \"inherit\", not \"" + ip4 + "\"");
        Map<String, Value> params = new LinkedHashMap<>();
        object(n, "params").forEach((k, v) -> {
            if (v instanceof Value.Str || v instanceof Value.Num || v instanceof Value.Bool) params.put(k, v);
            else L.error(keyPos(n, "params", k), n.id + ".params." + k + " must be a string, number or bool, not " + Interpreter.describe(v));
        });
        List<Mount> mounts = new ArrayList<>();
        Node group = n.child("mount");
        if (group != null) {
            for (Map.Entry<String, Node> m : group.children.entrySet()) {
                Node mn = m.getValue();
                String mds = str(mn, "dataset");
                declaredDataset(mn, "dataset", mds);
                String mode = get(mn, "mode", "rw", Typed::string);
                check(mode.equals("rw") || mode.equals("ro"), pos(mn, "mode"), mn.id + ".mode must be \"rw\" or \"ro\", not \"" + mode + "\"");
                mounts.add(new Mount(m.getKey(), mds, mode, mn.pos));
            }
        }
        return new JailSpec(name, dataset, str(n, "hostname"), ip4, str(n, "ip6"), get(n, "vnet", false, Typed::bool), params, mounts, n.pos);
    }

    /** The environment of a service or a job: strings or secrets, by variable name; none of {@code reserved}. */
    private Map<String, Value> env(Node owner, List<String> reserved) {
        Map<String, Value> env = new LinkedHashMap<>();
        object(owner, "env").forEach((k, v) -> {
            Pos p = keyPos(owner, "env", k);
            if (!ENV_NAME.matcher(k).matches()) {
                L.error(p, owner.id + ".env: \"" + k + "\" is not an environment variable name");
                return;
            }
            if (reserved.contains(k)) {
                L.error(p, owner.id + ".env: " + k + " is set by Zed (" + String.join(", ", reserved) + ")");
                return;
            }
            try {
                env.put(k, Typed.text(v, p, owner.id + ".env." + k));
            } catch (EvalError e) {
                L.error(e.pos(), e.getMessage());
            }
        });
        return env;
    }

    private ServiceSpec service(Node s) {
        String kind = ((Value.Str) s.child("kind").value).value();
        String name = ((Value.Str) s.child("name").value).value();
        String dataset = str(s, "dataset");
        declaredDataset(s, "dataset", dataset);
        String jail = str(s, "jail");
        if (jail != null && !all("jail").containsKey(jail)) {
            L.error(pos(s, "jail"), s.id + ": jail \"" + jail + "\" is not declared in this level" + Names.didYouMean(jail, all("jail").keySet()));
        }
        Map<String, Value> vars = object(s, "vars");
        for (Map.Entry<String, Value> v : vars.entrySet()) noDollarKeys(v.getValue(), keyPos(s, "vars", v.getKey()), s.id + ".vars." + v.getKey());
        Map<String, Value> env = env(s, List.of());
        List<FileSpec> files = new ArrayList<>();
        Map<String, Pos> paths = new HashMap<>();
        Node fileGroup = s.child("file");
        if (fileGroup != null) {
            for (Map.Entry<String, Node> f : fileGroup.children.entrySet()) {
                Node fn = f.getValue();
                String path = str(fn, "path");
                Value body = get(fn, "body", new Value.Str(""), Typed::text);
                // a file that holds a secret is its service's alone: 0600 unless it says less
                boolean secret = body instanceof Value.Secret;
                String mode = get(fn, "mode", secret ? "0600" : "0644", Typed::string);
                check(MODE.matcher(mode).matches(), pos(fn, "mode"), fn.id + ".mode must be an octal mode such as \"0600\", not \"" + mode + "\"");
                check(!secret || !MODE.matcher(mode).matches() || (Integer.parseInt(mode, 8) & 077) == 0, pos(fn, "mode"), fn.id
                        + " holds a secret: its mode must give no access to group or others, such as \"0600\" or \"0400\", not \"" + mode + "\"");
                if (path != null) {
                    check(path.startsWith("/"), pos(fn, "path"), fn.id + ".path must be absolute, e.g. \"${fs::etc()}/" + f.getKey() + "\", not \"" + path + "\"");
                    Pos prev = paths.putIfAbsent(path, fn.pos);
                    if (prev != null) L.error(pos(fn, "path"), fn.id + ".path " + path + " is also written by the file at " + prev);
                }
                files.add(new FileSpec(f.getKey(), path, body, mode.length() == 3 ? "0" + mode : mode, fn.pos));
            }
        }
        LevelSpec.Runtime runtime = runtime(s.child("runtime"));
        RestartPolicy restart = restart(s.child("restart"));
        List<HealthCheck> health = new ArrayList<>();
        Node hg = s.child("health");
        if (hg != null) hg.children.forEach((hk, hn) -> health.add(health(hk, hn)));
        List<SudoHook> sudo = new ArrayList<>();
        Node sg = s.child("sudo");
        if (sg != null) sg.children.forEach((k, n) -> sudo.add(new SudoHook(k, str(n, "check"), str(n, "apply"), str(n, "verify"), n.pos)));
        String release = get(s, "release", null, this::relativeToLevel);
        String jar = get(s, "jar", null, this::relativeToLevel);
        Node git = s.child("git");
        LevelSpec.GitSource gitSource = git == null ? null : new LevelSpec.GitSource(str(git, "url"), str(git, "tag"), str(git, "branch"), str(git, "rev"));
        Node src = s.child("src");
        LevelSpec.SrcSource srcSource = src == null ? null : new LevelSpec.SrcSource(get(src, "path", null, this::relativeToLevel), str(src, "exe"));
        String dir = get(s, "dir", null, Typed::string);
        String user = account(s, "user");
        String group = account(s, "group");
        if (user != null && !user.equals("root") && dataset == null) {
            // its home would be fs::var(), which holds the logs the node writes as root: the user must not own that
            L.error(pos(s, "user"), s.id + ": a service that runs as user \"" + user + "\" needs a dataset of its own (dataset = \"...\"), "
                    + "its home, which the user owns; without one its home would be fs::var(), beside the logs the node writes as root");
        }
        return new ServiceSpec(kind, name, dataset, jail, str(s, "version"), vars, env, files, runtime, restart, health,
                str(s, "print"), sudo, release, jar, gitSource, srcSource, dir, user, group, s.pos);
    }

    /** {@code user} or {@code group} of a service: a name of the host's accounts (never a number, never empty). */
    private String account(Node s, String attr) {
        String name = str(s, attr);
        if (name != null && !ACCOUNT.matcher(name).matches()) {
            L.error(pos(s, attr), s.id + "." + attr + " must be a " + attr + " name such as \"www\" (lower case letters, digits, '_' and '-', "
                    + "a letter or '_' first, 32 at most), not \"" + name + "\"");
            return null;
        }
        return name;
    }

    /** runtime.after must not make a service wait for itself, directly or through others. */
    private void waitCycles(List<ServiceSpec> services) {
        Map<String, ServiceSpec> byKey = new LinkedHashMap<>();
        for (ServiceSpec s : services) byKey.put(s.kind() + "." + s.name(), s);
        Set<String> done = new java.util.HashSet<>();
        for (String start : byKey.keySet()) {
            List<String> path = new ArrayList<>();
            if (waitCycle(start, byKey, path, done)) {
                ServiceSpec first = byKey.get(path.get(0));
                Node rt = L.services.get(path.get(0)).child("runtime");
                L.error(pos(rt, "after"), first.ref() + ": runtime.after makes a wait cycle: "
                        + String.join(" -> ", path.stream().map(k -> "service." + k).toList()) + "; none of them could start");
                return;
            }
        }
    }

    private boolean waitCycle(String key, Map<String, ServiceSpec> byKey, List<String> path, Set<String> done) {
        int at = path.indexOf(key);
        if (at >= 0) {
            path.subList(0, at).clear();
            path.add(key);
            return true;
        }
        if (done.contains(key) || !byKey.containsKey(key)) return false;
        path.add(key);
        for (String next : byKey.get(key).runtime().after()) {
            if (waitCycle(next, byKey, path, done)) return true;
        }
        path.remove(path.size() - 1);
        done.add(key);
        return false;
    }

    /** A path named relative to the Zedfile, made absolute; a NUL, which no path holds, is an error at its place. */
    private String relativeToLevel(Value v, Pos pos, String what) {
        String p = Typed.string(v, pos, what);
        if (p.indexOf('\0') >= 0) throw new EvalError(pos, what + ": a path cannot hold a NUL character");
        return L.dir.resolve(p).normalize().toString();
    }

    private void noDollarKeys(Value v, Pos pos, String what) {
        if (v instanceof Value.ObjV o) {
            for (Map.Entry<String, Value> e : o.fields().entrySet()) {
                if (e.getKey().startsWith("$")) L.error(pos, what + ": object keys cannot start with $ (\"" + e.getKey() + "\")");
                noDollarKeys(e.getValue(), pos, what + "." + e.getKey());
            }
        } else if (v instanceof Value.ListV l) {
            for (Value i : l.items()) noDollarKeys(i, pos, what);
        }
    }

    private LevelSpec.Runtime runtime(Node rt) {
        if (rt == null) return LevelSpec.Runtime.NONE;
        List<String> cmd = get(rt, "cmd", null, Typed::strings);
        if (cmd != null) check(!cmd.isEmpty(), pos(rt, "cmd"), rt.id + ".cmd must not be empty");
        List<String> after = get(rt, "after", List.of(), Typed::strings);
        return new LevelSpec.Runtime(cmd == null ? List.of() : cmd, after);
    }

    private RestartPolicy restart(Node r) {
        RestartPolicy d = RestartPolicy.DEFAULT;
        if (r == null) return d;
        RestartPolicy p = new RestartPolicy(get(r, "attempts", d.attempts(), Typed::integer), get(r, "interval", d.interval(), Typed::duration),
                get(r, "delay", d.delay(), Typed::duration), get(r, "max_delay", d.maxDelay(), Typed::duration));
        check(p.attempts() >= 0, pos(r, "attempts"), r.id + ".attempts must not be negative");
        check(p.delay().compareTo(p.maxDelay()) <= 0, pos(r, r.child("max_delay") != null ? "max_delay" : "delay"),
                r.id + ".max_delay (" + Typed.format(p.maxDelay()) + ") must not be shorter than delay (" + Typed.format(p.delay()) + ")");
        return p;
    }

    private HealthCheck health(String kind, Node h) {
        Duration interval = get(h, "interval", Duration.ofSeconds(2), Typed::duration);
        // the default never outlasts the interval, so only a timeout the operator wrote can be refused below
        Duration timeout = get(h, "timeout", defaultTimeout(interval), Typed::duration);
        check(timeout.compareTo(interval) <= 0, pos(h, "timeout"), h.id + ".timeout must not be longer than its interval");
        check(!interval.isZero(), pos(h, "interval"), h.id + ".interval must be longer than 0");
        int success = get(h, "success_threshold", 1, Typed::integer);
        int failure = get(h, "failure_threshold", 3, Typed::integer);
        check(success >= 1, pos(h, "success_threshold"), h.id + ".success_threshold must be at least 1");
        check(failure >= 1, pos(h, "failure_threshold"), h.id + ".failure_threshold must be at least 1");
        String url = null, host = null, body = null;
        Integer expect = null, port = null;
        List<String> command = null;
        switch (kind) {
            case "http" -> {
                url = str(h, "url");
                if (url != null) check(url.startsWith("http://") || url.startsWith("https://"), pos(h, "url"), h.id + ".url must start with http:// or https://, not \"" + url + "\"");
                expect = get(h, "expect", 200, Typed::integer);
                check(expect >= 100 && expect <= 599, pos(h, "expect"), h.id + ".expect must be an HTTP status (100-599), not " + expect);
                body = str(h, "body_contains");
            }
            case "tcp" -> {
                host = get(h, "host", "127.0.0.1", Typed::string);
                port = get(h, "port", null, Typed::integer);
                if (port != null) check(port >= 1 && port <= 65535, pos(h, "port"), h.id + ".port must be between 1 and 65535, not " + port);
            }
            default -> {
                command = get(h, "command", null, Typed::strings);
                if (command != null) check(!command.isEmpty(), pos(h, "command"), h.id + ".command must not be empty");
            }
        }
        return new HealthCheck(kind, url, expect, body, host, port, command, get(h, "initial_delay", Duration.ZERO, Typed::duration),
                interval, timeout, success, failure, h.pos);
    }

    /** 1s, or the interval when that is shorter: a check every 500ms waits no longer than 500ms for an answer. */
    private static Duration defaultTimeout(Duration interval) {
        Duration oneSecond = Duration.ofSeconds(1);
        return interval.compareTo(oneSecond) < 0 ? interval : oneSecond;
    }

    private ModelSpec model(String name, Node n) {
        String dataset = str(n, "dataset");
        declaredDataset(n, "dataset", dataset);
        return new ModelSpec(name, dataset, requires(n), source(n.child("source")), n.pos);
    }

    /** {@code requires = { vram = "48G", gpus = 1 }}; ZEDFILE.md's {@code vram_mb = 49152} is the same in MiB. */
    private LevelSpec.Requires requires(Node n) {
        Long vram = null;
        int gpus = LevelSpec.Requires.DEFAULT.gpus();
        Map<String, Value> req = object(n, "requires");
        for (Map.Entry<String, Value> e : req.entrySet()) {
            String k = e.getKey();
            Pos p = keyPos(n, "requires", k);
            String what = n.id + ".requires." + k;
            try {
                switch (k) {
                    case "vram" -> vram = Typed.vram(e.getValue(), p, what);
                    case "vram_mb" -> {
                        int mb = Typed.integer(e.getValue(), p, what);
                        if (mb < 1) throw new EvalError(p, what + " must be at least 1 (MiB), not " + mb);
                        vram = (long) mb;
                    }
                    case "gpus" -> {
                        gpus = Typed.integer(e.getValue(), p, what);
                        if (gpus < 1) throw new EvalError(p, what + " must be at least 1, not " + gpus);
                    }
                    default -> throw new EvalError(p, n.id + ".requires: unknown key \"" + k + "\"" + Names.didYouMean(k, REQUIRES)
                            + "; it takes " + String.join(", ", REQUIRES));
                }
            } catch (EvalError err) {
                L.error(err.pos(), err.getMessage());
            }
        }
        check(!(req.containsKey("vram") && req.containsKey("vram_mb")), keyPos(n, "requires", "vram_mb"),
                n.id + ".requires: set vram or vram_mb, not both");
        return new LevelSpec.Requires(vram, Math.max(gpus, 1));
    }

    private static final List<String> REQUIRES = List.of("vram", "vram_mb", "gpus");
    private static final Pattern SNAPSHOT = Pattern.compile("[A-Za-z0-9_.:-]+(/[A-Za-z0-9_.:-]+)*@[A-Za-z0-9_.:-]+");

    /** {@code source { path = "weights" }} or {@code source { host = "h1", snapshot = "models/llama@v3" }}. */
    private LevelSpec.ModelSource source(Node src) {
        if (src == null) return null;
        String path = get(src, "path", null, this::relativeToLevel);
        String host = str(src, "host");
        String snapshot = str(src, "snapshot");
        boolean fromHost = src.child("host") != null || src.child("snapshot") != null;
        if (src.child("path") != null == fromHost) {
            L.error(src.pos, src.id + ": set path (a file or directory to copy in), or host and snapshot (a snapshot to receive), not "
                    + (fromHost ? "both" : "neither"));
            return null;
        }
        if (fromHost) {
            check(src.child("host") != null, src.pos, src.id + ": a snapshot is received from a host: set host too");
            check(src.child("snapshot") != null, src.pos, src.id + ": set the snapshot to receive from " + host + ", e.g. snapshot = \"models/llama@v1\"");
            if (host != null) check(HOST.matcher(host).matches(), pos(src, "host"), src.id + ".host: \"" + host + "\" is not a host name");
            if (snapshot != null) check(SNAPSHOT.matcher(snapshot).matches(), pos(src, "snapshot"), src.id
                    + ".snapshot must be a dataset and a snapshot name such as \"models/llama@v1\", not \"" + snapshot + "\"");
        }
        if (path != null) {
            // read where the level is evaluated (the node at its push, the command line at validate): a source that
            // is not there would otherwise fail only at the copy, after the push was accepted
            String why = L.inputs.host().unreadable(java.nio.file.Path.of(path));
            if (why != null) L.error(pos(src, "path"), src.id + ".path: " + why);
            // a push of the same Zedfile after the weights changed is then a new revision, which copies them in
            else L.reads.put(src.id + "(" + path + ")", new Value.Str(L.inputs.host().stamp(java.nio.file.Path.of(path))));
        }
        return new LevelSpec.ModelSource(path, host, snapshot, src.pos);
    }

    private JobSpec job(String name, Node n) {
        String model = str(n, "model");
        Node m = model == null ? null : all("model").get(model);
        if (model != null && m == null) {
            L.error(pos(n, "model"), n.id + ": model \"" + model + "\" is not declared in this level" + Names.didYouMean(model, all("model").keySet()));
        }
        String dataset = str(n, "dataset");
        declaredDataset(n, "dataset", dataset);
        if (dataset != null && m != null) {
            // a checkpoint is a rollback target of the job's dataset: the weights must not roll back with it
            check(!dataset.equals(str(m, "dataset")), pos(n, "dataset"), n.id + ".dataset is model." + model
                    + "'s dataset: a job writes and checkpoints its own, so that going back to a checkpoint leaves the weights as they are");
        }
        for (Map.Entry<String, Node> other : all("job").entrySet()) {
            if (other.getValue() == n) break;
            // each job rolls its dataset back to its own checkpoints, which would undo the other's work
            if (dataset != null && dataset.equals(str(other.getValue(), "dataset"))) {
                L.error(pos(n, "dataset"), n.id + ".dataset \"" + dataset + "\" is also job." + other.getKey() + "'s (" + other.getValue().pos + "): each job has its own");
            }
        }
        for (LevelEvaluation up = L.parent; up != null; up = up.parent) {
            Node twin = up.block("job", name);
            if (twin != null) L.error(n.pos, n.id + " is already declared in " + twin.pos + ": a job's name is one across the chain");
        }
        Map<String, Value> env = env(n, JobSpec.SET_BY_ZED);
        LevelSpec.Runtime runtime = runtime(n.child("runtime"));
        Duration every = get(n, "checkpoint_every", null, Typed::duration);
        check(every == null || every.compareTo(Duration.ofSeconds(1)) >= 0, pos(n, "checkpoint_every"),
                n.id + ".checkpoint_every must be at least 1s, not " + (every == null ? "" : Typed.format(every)));
        int keep = get(n, "keep", JobSpec.KEEP, Typed::integer);
        check(keep >= 1, pos(n, "keep"), n.id + ".keep must be at least 1, so that a job has a checkpoint to resume from");
        // its dataset is its home, which its user is given (a job always has one)
        return new JobSpec(name, model, dataset, env, runtime, every, keep, restart(n.child("restart")), account(n, "user"), account(n, "group"), n.pos);
    }
}
