package zed.reconciler.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The state store on ZFS, through the {@code zfs} command with argv lists. Mutating calls are serialised per pool
 * (zfs-fuse wedges under concurrent creates) and every call has a timeout. What the installed zfs supports is
 * probed once; both zfs-fuse 0.7 and OpenZFS 2.x work.
 */
public final class ZfsStore implements Store {
    /** Every {@code com.zed:*} property Zed writes (STATE.md's schema and the service stamps): a dataset's whole state. */
    public static final List<String> SCHEMA = List.of("com.zed:managed", "com.zed:level", "com.zed:rev", "com.zed:spec-hash",
            "com.zed:deployed_at", "com.zed:deployed_by", "com.zed:properties", "com.zed:service", "com.zed:version", "com.zed:app",
            "com.zed:node_name", "com.zed:pid", "com.zed:started_at", "com.zed:ports", "com.zed:health", "com.zed:jail",
            "com.zed:jail.conf-hash", "com.zed:service.spec-hash", "com.zed:service.rev", "com.zed:launch");

    /**
     * What a sweep reads of each dataset: the planner's stamp, whether and where it is mounted (and the level's native
     * properties, added per call). Not the services' stamps, nor the jails': their actors keep those in memory, and a
     * sweep of a thousand datasets reads every property it names a thousand times.
     */
    public static final List<String> OBSERVED = List.of("com.zed:managed", "com.zed:level", "com.zed:rev", "com.zed:spec-hash",
            "com.zed:properties", "com.zed:deployed_at", "com.zed:deployed_by", "mounted", "mountpoint");


    private final Command command;
    private final Capabilities caps;
    private final Duration readTimeout;
    private final Duration writeTimeout;

    public ZfsStore(Command command, Capabilities caps, Duration readTimeout, Duration writeTimeout) {
        this.command = command;
        this.caps = caps;
        this.readTimeout = readTimeout;
        this.writeTimeout = writeTimeout;
    }

    /** Probes the installed zfs (and the pool's features) once and returns a store that uses what is there. */
    public static ZfsStore probe(Command command, String pool) {
        return withDefaultTimeouts(command, capabilities(command, pool));
    }

    /**
     * A store that probes nothing, for reading and planning only ({@code zed plan}): a read is the same {@code zfs get}
     * whatever zfs is installed, so the probe's two processes ({@code zfs}, {@code zpool get}) would only add to the
     * command's time. Its writes assume the least zfs ({@link Capabilities#NONE}: one property per {@code zfs set}, one
     * dataset per {@code zfs snapshot}), which is correct everywhere, only slower than a probed store.
     */
    public static ZfsStore unprobed(Command command) {
        return withDefaultTimeouts(command, Capabilities.NONE);
    }

    /** A read may take a minute, a write two: what a busy pool needs (probed or not, the same calls). */
    private static ZfsStore withDefaultTimeouts(Command command, Capabilities caps) {
        return new ZfsStore(command, caps, Duration.ofSeconds(60), Duration.ofSeconds(120));
    }

    /** Reads the usage text of {@code zfs} (what each subcommand accepts) and the pool's lz4 feature. */
    public static Capabilities capabilities(Command command, String pool) {
        Command.Result usage = command.run(List.of("zfs"), Duration.ofSeconds(30), "zfs");
        String u = usage.stdout() + usage.stderr();
        boolean listP = u.matches("(?s).*\\n\\s*list \\[-[A-Za-z]*p.*");
        boolean multiSet = u.contains("set <property=value> ... <");
        boolean multiSnap = u.matches("(?s).*\\n\\s*snapshot [^\\n]*@<snap(name)?> \\.\\.\\..*");
        boolean resumable = u.contains("-t <receive_resume_token>") || u.contains("receive_resume_token");
        boolean holds = u.contains("holds ");
        boolean lz4 = false;
        if (pool != null) {
            String p = pool.contains("/") ? pool.substring(0, pool.indexOf('/')) : pool;
            Command.Result f = command.run(List.of("zpool", "get", "-H", "-o", "value", "feature@lz4_compress", Names.dataset(p)), Duration.ofSeconds(30), p);
            lz4 = f.ok() && (f.stdout().trim().equals("enabled") || f.stdout().trim().equals("active"));
        }
        return new Capabilities(listP, multiSet, multiSnap, lz4, resumable, holds);
    }

    @Override
    public String kind() {
        return "zfs";
    }

    @Override
    public Capabilities capabilities() {
        return caps;
    }

    private Command.Result zfs(Duration timeout, String subject, String... args) {
        List<String> argv = new ArrayList<>();
        argv.add("zfs");
        argv.addAll(List.of(args));
        return command.run(argv, timeout, subject);
    }

    private Command.Result read(String subject, String... args) {
        return zfs(readTimeout, subject, args);
    }

    /** A mutating call: serialised per pool, typed on failure. */
    private Command.Result write(String subject, String... args) {
        return PoolWriteLock.holding(pool(subject), () -> {
            Command.Result r = zfs(writeTimeout, subject, args);
            if (!r.ok()) throw StoreError.fromZfs(subject, r.stderr());
            return r;
        });
    }

    static String pool(String dataset) {
        int i = dataset.indexOf('/');
        int j = dataset.indexOf('@');
        int end = i < 0 ? (j < 0 ? dataset.length() : j) : (j < 0 ? i : Math.min(i, j));
        return dataset.substring(0, end);
    }

    private static String[] assignments(Map<String, String> props) {
        List<String> out = new ArrayList<>();
        props.forEach((k, v) -> out.add(Names.property(k) + "=" + Names.value(k, v)));
        return out.toArray(String[]::new);
    }

    @Override
    public Map<String, Observation> observe(String root, Set<String> nativeProperties) {
        Names.dataset(root);
        Set<String> props = new TreeSet<>(OBSERVED);
        for (String p : nativeProperties) props.add(Names.property(p));
        Command.Result r = read(root, "get", "-H", "-p", "-r", "-o", "name,property,value,source", String.join(",", props), root);
        if (!r.ok()) throw StoreError.fromZfs(root, r.stderr());
        Map<String, Map<String, Observation.Prop>> by = new TreeMap<>();
        for (String[] f : rows(r.stdout())) {
            if (f[0].indexOf('@') >= 0) continue; // snapshots are read by snapshots()
            by.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], new Observation.Prop(f[2], f[3]));
        }
        Map<String, Observation> out = new LinkedHashMap<>();
        by.forEach((name, p) -> out.put(name, new Observation(name, p)));
        return out;
    }

    /** Rows of {@code -H -o name,property,value,source}: a value may itself hold tabs, so it is what lies between. */
    static List<String[]> rows(String out) {
        List<String[]> rows = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (line.isEmpty()) continue;
            int a = line.indexOf('\t');
            int b = a < 0 ? -1 : line.indexOf('\t', a + 1);
            int z = line.lastIndexOf('\t');
            if (a < 0 || b < 0 || z <= b) continue;
            rows.add(new String[]{line.substring(0, a), line.substring(a + 1, b), line.substring(b + 1, z), line.substring(z + 1)});
        }
        return rows;
    }

    /** False only when zfs says the dataset does not exist; any other failure (a wedged daemon, a timeout) throws. */
    @Override
    public boolean exists(String dataset) {
        Command.Result r = read(Names.dataset(dataset), "list", "-H", "-o", "name", dataset);
        if (r.ok()) return true;
        StoreError e = StoreError.fromZfs(dataset, r.stderr());
        if (e.kind() == StoreError.Kind.NO_SUCH_DATASET) return false;
        throw e;
    }

    @Override
    public void create(String dataset, Map<String, String> properties) {
        Names.dataset(dataset);
        List<String> args = new ArrayList<>(List.of("create"));
        for (String a : assignments(properties)) {
            args.add("-o");
            args.add(a);
        }
        args.add(dataset);
        write(dataset, args.toArray(String[]::new));
    }

    @Override
    public void set(String dataset, Map<String, String> properties) {
        setOn(Names.dataset(dataset), properties);
    }

    private void setOn(String target, Map<String, String> properties) {
        if (properties.isEmpty()) return;
        String[] a = assignments(properties);
        if (caps.multiSet()) {
            List<String> args = new ArrayList<>(List.of("set"));
            args.addAll(List.of(a));
            args.add(target);
            write(target, args.toArray(String[]::new));
        } else {
            for (String one : a) write(target, "set", one, target);
        }
    }

    @Override
    public void inherit(String dataset, String property) {
        write(Names.dataset(dataset), "inherit", Names.property(property), dataset);
    }

    @Override
    public void mount(String dataset) {
        write(Names.dataset(dataset), "mount", dataset);
    }

    @Override
    public void destroy(String dataset) {
        Names.dataset(dataset);
        // zfs-fuse refuses to destroy a mounted dataset, and "destroy -r" of a mounted tree hangs: unmount first
        try {
            write(dataset, "unmount", dataset);
        } catch (StoreError e) {
            if (!e.detail().contains("not currently mounted") && e.kind() != StoreError.Kind.NO_SUCH_DATASET) throw e;
        }
        WhileBusy.retry(() -> write(dataset, "destroy", dataset));
    }

    @Override
    public void snapshot(List<String> datasets, String snap, Map<String, Map<String, String>> properties) {
        Names.snapshot(snap);
        for (String d : datasets) Names.dataset(d);
        if (datasets.isEmpty()) return;
        if (caps.multiSnapshot() && datasets.size() > 1) {
            // one atomic call per pool (a call may not span pools), then each snapshot's state
            Map<String, List<String>> byPool = new LinkedHashMap<>();
            for (String d : datasets) byPool.computeIfAbsent(pool(d), k -> new ArrayList<>()).add(d);
            for (List<String> group : byPool.values()) {
                List<String> args = new ArrayList<>(List.of("snapshot"));
                for (String d : group) args.add(d + "@" + snap);
                write(group.get(0), args.toArray(String[]::new));
                try {
                    for (String d : group) setOn(d + "@" + snap, properties.getOrDefault(d, Map.of()));
                } catch (StoreError e) {
                    // a deploy snapshot without its state would restore the wrong state: take them back
                    for (String d : group) {
                        try {
                            write(d + "@" + snap, "destroy", d + "@" + snap);
                        } catch (StoreError ignored) {
                            // reported through e
                        }
                    }
                    throw e;
                }
            }
        } else {
            // one call per dataset, the properties set in the same call as the snapshot
            for (String d : datasets) {
                List<String> args = new ArrayList<>(List.of("snapshot"));
                for (String a : assignments(properties.getOrDefault(d, Map.of()))) {
                    args.add("-o");
                    args.add(a);
                }
                args.add(d + "@" + snap);
                write(d, args.toArray(String[]::new));
            }
        }
    }

    /** Sets properties on a snapshot (state that a resumed receive did not carry). */
    public void setOnSnapshot(String dataset, String snap, Map<String, String> properties) {
        setOn(Names.dataset(dataset) + "@" + Names.snapshot(snap), properties);
    }

    @Override
    public List<Snapshot> snapshots(String dataset) {
        Names.dataset(dataset);
        Command.Result r = read(dataset, "get", "-H", "-p", "-r", "-d", "1", "-o", "name,property,value,source", "all", dataset);
        if (!r.ok()) throw StoreError.fromZfs(dataset, r.stderr());
        Map<String, Long> order = new HashMap<>();
        Map<String, Map<String, String>> state = new HashMap<>();
        String prefix = dataset + "@";
        for (String[] f : rows(r.stdout())) {
            if (!f[0].startsWith(prefix)) continue;
            String snap = f[0].substring(prefix.length());
            state.computeIfAbsent(snap, k -> new TreeMap<>());
            if (f[1].equals("createtxg")) order.put(snap, Long.parseLong(f[2]));
            if (f[1].startsWith("com.zed:") && (f[3].equals("local") || f[3].equals("received"))) state.get(snap).put(f[1], f[2]);
        }
        if (!order.keySet().containsAll(state.keySet())) {
            // zfs-fuse keeps createtxg hidden from "get all" (it answers when named): without it every snapshot would
            // be order 0 and sort by name, a rotation's "after" before its "before"
            Command.Result txg = read(dataset, "get", "-H", "-p", "-r", "-d", "1", "-o", "name,property,value,source", "createtxg", dataset);
            if (!txg.ok()) throw StoreError.fromZfs(dataset, txg.stderr());
            for (String[] f : rows(txg.stdout())) {
                if (f[0].startsWith(prefix) && f[1].equals("createtxg")) order.put(f[0].substring(prefix.length()), Long.parseLong(f[2]));
            }
        }
        List<Snapshot> out = new ArrayList<>();
        state.forEach((s, z) -> out.add(new Snapshot(dataset, s, order.getOrDefault(s, 0L), z)));
        out.sort(Comparator.comparingLong(Snapshot::order).thenComparing(Snapshot::name));
        return out;
    }

    @Override
    public void destroySnapshot(String dataset, String snap) {
        String full = Names.dataset(dataset) + "@" + Names.snapshot(snap);
        write(full, "destroy", full);
    }

    @Override
    public void rollback(String dataset, String snap) {
        String full = Names.dataset(dataset) + "@" + Names.snapshot(snap);
        write(full, "rollback", "-r", full);
    }

    @Override
    public Map<String, String> zedState(String dataset) {
        Command.Result r = read(Names.dataset(dataset), "get", "-H", "-o", "name,property,value,source", "all", dataset);
        if (!r.ok()) throw StoreError.fromZfs(dataset, r.stderr());
        Map<String, String> m = new TreeMap<>();
        for (String[] f : rows(r.stdout())) {
            if (f[1].startsWith("com.zed:") && (f[3].equals("local") || f[3].equals("received"))) m.put(f[1], f[2]);
        }
        return m;
    }

    /** One recursive read of the schema's properties; snapshots are left out. */
    @Override
    public Map<String, Map<String, String>> zedStates(String root) {
        Command.Result r = read(Names.dataset(root), "get", "-H", "-r", "-o", "name,property,value,source", String.join(",", SCHEMA), root);
        if (!r.ok()) throw StoreError.fromZfs(root, r.stderr());
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String[] f : rows(r.stdout())) {
            if (f[0].indexOf('@') >= 0) continue;
            Map<String, String> m = out.computeIfAbsent(f[0], k -> new TreeMap<>());
            if ((f[3].equals("local") || f[3].equals("received")) && !f[2].equals("-")) m.put(f[1], f[2]);
        }
        return out;
    }

    /** One recursive read of {@code createtxg}: every snapshot under the root, each dataset's oldest first. */
    @Override
    public Map<String, List<String>> snapshotNames(String root) {
        Command.Result r = read(Names.dataset(root), "get", "-H", "-p", "-r", "-o", "name,property,value,source", "createtxg", root);
        if (!r.ok()) throw StoreError.fromZfs(root, r.stderr());
        Map<String, TreeMap<Long, String>> byTxg = new TreeMap<>();
        for (String[] f : rows(r.stdout())) {
            int at = f[0].indexOf('@');
            if (at < 0) {
                byTxg.computeIfAbsent(f[0], k -> new TreeMap<>());
                continue;
            }
            byTxg.computeIfAbsent(f[0].substring(0, at), k -> new TreeMap<>()).put(Long.parseLong(f[2]), f[0].substring(at + 1));
        }
        Map<String, List<String>> out = new TreeMap<>();
        byTxg.forEach((d, m) -> out.put(d, List.copyOf(m.values())));
        return out;
    }

    @Override
    public Path mountpoint(String dataset) {
        Command.Result r = read(Names.dataset(dataset), "get", "-H", "-o", "value", "mountpoint", dataset);
        if (!r.ok()) throw StoreError.fromZfs(dataset, r.stderr());
        return Path.of(r.stdout().trim());
    }

    public void hold(String tag, String dataset, String snap) {
        String full = Names.dataset(dataset) + "@" + Names.snapshot(snap);
        write(full, "hold", Names.snapshot(tag), full);
    }

    public void release(String tag, String dataset, String snap) {
        String full = Names.dataset(dataset) + "@" + Names.snapshot(snap);
        write(full, "release", Names.snapshot(tag), full);
    }

    Command command() {
        return command;
    }

    Duration readTimeout() {
        return readTimeout;
    }

    Duration writeTimeout() {
        return writeTimeout;
    }
}
