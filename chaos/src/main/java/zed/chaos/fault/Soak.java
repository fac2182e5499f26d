package zed.chaos.fault;

import com.fasterxml.jackson.databind.JsonNode;
import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scenario 6 of the chaos suite, the soak: a level of {@code datasets} datasets (two user properties each) and
 * {@code services} {@code python3 -m http.server} services, converged, then one drift a second, at random (seeded),
 * for the run's length:
 * <ul>
 *   <li>a managed user property set to a wrong value ({@code zfs set});</li>
 *   <li>a service's process killed ({@code kill -9});</li>
 *   <li>a dataset destroyed ({@code zfs destroy -r}; none has children);</li>
 *   <li>a service's own (implicit) dataset destroyed under the running service.</li>
 * </ul>
 * Each drift is timed until it is corrected as the host shows it (the property back; one new process on the port;
 * the dataset back with its properties and revision; the service's dataset back with the pid of its process), and
 * must be so within {@link #DEADLINE}, with a {@code DriftCorrected} event of its resource. Once a minute the node's
 * JVM is sampled: heap after a full GC ({@code jcmd GC.run}, {@code GC.heap_info}), live threads and RSS
 * ({@code /proc}), the journal's file and the events the level keeps. At the end: heap and threads flat, the kept
 * events under the retention bound, exactly one process per service, the drift metric agreeing with the events, and
 * no process left after the level's DELETE.
 */
final class Soak {
    static final String LEVEL = "soak";
    /** A drift not corrected within this, as seen from the host, is a failure: 15 sweeps of the pool. */
    static final Duration DEADLINE = Duration.ofSeconds(30);
    /** How long the drift runs before the node's first sample. */
    static final Duration WARM_UP = Duration.ofSeconds(15);
    /**
     * Flat heap: the last third's heap after a full GC at most 20% or 8 MiB (whichever is more) above the first
     * third's. A leak of one object graph per drift (a kept event, a dead actor, a process handle) over 300 drifts in
     * CI is more than that; the node's own variation between full GCs (caches, the journal's buffers) is less.
     */
    static final double HEAP_RELATIVE = 0.20;
    static final long HEAP_ABSOLUTE = 8L << 20;
    /**
     * Flat threads, two ways. Outside the pools that grow on demand, at most 5 more in the last third than in the
     * first: a thread per drift is 60 even in CI's one minute. All threads together, at most 20% more: the pools below
     * grow to their caps under the drift's own work (a one-minute soak in CI saw 73 → 81), and a pool past its cap
     * would stall corrections, which the deadline catches.
     */
    static final int THREADS_MORE = 5;
    static final double THREADS_RELATIVE = 0.20;
    static final String REAPER = "process reaper";
    /**
     * The thread names (as the kernel keeps them: 15 characters) of pools that grow on demand to a cap: the JIT's
     * compiler threads, the JDK's process reapers (one per live child, idle 60 s after it ends), the node's Pekko
     * dispatchers (the actor system is "zed"), Kamon's ticker.
     */
    static final List<String> POOLED = List.of("C1 CompilerThre", "C2 CompilerThre", REAPER, "zed-zed.dispatc", "zed-pekko.actor", "kamon-ticker");

    enum Kind {
        PROPERTY("a user property changed", 35),
        KILL("a service's process killed", 30),
        DESTROY("a dataset destroyed", 25),
        SERVICE_DATASET("a service's own dataset destroyed", 10);

        final String words;
        final int weight;

        Kind(String words, int weight) {
            this.words = words;
            this.weight = weight;
        }
    }

    /** One drift: what, on which dataset (d<i>) or service (web<k>), when, and when it was seen corrected. */
    static final class Drift {
        final Kind kind;
        final int target;
        final long at;
        /** The events received before it: its event is one of those after. */
        final int eventFloor;
        final long killed;
        /** Written by the checker, read after it stopped. */
        volatile Double seconds;
        volatile boolean late;
        JsonNode event;

        Drift(Kind kind, int target, long at, int eventFloor, long killed) {
            this.kind = kind;
            this.target = target;
            this.at = at;
            this.eventFloor = eventFloor;
            this.killed = killed;
        }

        String resource() {
            return kind == Kind.PROPERTY || kind == Kind.DESTROY ? "dataset.d" + target : "service.exec.web" + target;
        }

        boolean reportedBy(JsonNode e) {
            if (!e.path("type").asText().equals("DriftCorrected") || !e.path("resource").asText().equals(resource())) return false;
            String what = e.path("what").asText();
            return switch (kind) {
                case PROPERTY -> what.contains("com.acme:tier");
                case DESTROY -> true;
                case KILL -> what.startsWith("restarted");
                case SERVICE_DATASET -> what.startsWith("made its dataset");
            };
        }
    }

    /** One minute's sample of the node's JVM and journal. */
    record Sample(double minute, long heap, int threads, int reapers, Map<String, Integer> groups, long rss, long journalBytes, int events,
                  String load) {
        /** The threads outside the pools that grow on demand ({@link #POOLED}). */
        int unpooled() {
            int n = 0;
            for (var g : groups.entrySet()) if (!POOLED.contains(g.getKey())) n += g.getValue();
            return n;
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern HEAP_USED = Pattern.compile("(generation|heap)\\s+total \\d+K, used (\\d+)K");

    private final AgentNode node;
    private final String root;
    private final Path dir;
    private final int datasets;
    private final int services;
    private final Random random;
    private final int eventsKept;
    private final int metricsPort;
    private final Outcome outcome;
    private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    /** Added to by the injecting thread, looked at by the checker's. */
    private final List<Drift> drifts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<Sample> samples = Collections.synchronizedList(new ArrayList<>());
    private final Map<Integer, String> ports = new LinkedHashMap<>();
    private final Set<String> busy = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private int skipped;
    private final List<String> notInjected = new ArrayList<>();
    private int lateOnes;
    private long rev;

    Soak(AgentNode node, String root, Path dir, int datasets, int services, long seed, int eventsKept, int metricsPort, Outcome outcome) {
        this.node = node;
        this.root = root;
        this.dir = dir;
        this.datasets = datasets;
        this.services = services;
        this.random = new Random(seed);
        this.eventsKept = eventsKept;
        this.metricsPort = metricsPort;
        this.outcome = outcome;
    }

    String zedfile() {
        StringBuilder z = new StringBuilder("""
                level "soak" {}
                update {
                  min_healthy_time = "500ms"
                  healthy_deadline = "5m"
                }
                """);
        for (int i = 0; i < datasets; i++) {
            z.append("dataset \"d").append(i).append("\" {\n  properties = { \"com.acme:tier\" = \"gold\", \"com.acme:idx\" = \"").append(i)
                    .append("\" }\n}\n");
        }
        // each service is killed about every 30 s: the default restart budget (10 in 5 minutes) would be spent, and
        // the soak wants every kill corrected
        for (int s = 0; s < services; s++) {
            z.append("""
                    service "exec" "web%d" {
                      vars    = { port = net::pickport() }
                      runtime { cmd = ["python3", "-m", "http.server", "${self.vars.port}", "--bind", "127.0.0.1"] }
                      restart { attempts = 1000000, interval = "5m" }
                      health "http" {
                        url      = "http://127.0.0.1:${self.vars.port}/"
                        interval = "2s"
                      }
                    }
                    """.formatted(s));
        }
        return z.toString();
    }

    Outcome run(Duration length) throws Exception {
        outcome.run();
        try {
            NodeCalls.Answer pushed = node.push(LEVEL, dir, zedfile());
            if (!outcome.check(pushed.ok(), "the push was refused: " + pushed.body())) return outcome;
            rev = pushed.body().path("revision").asLong();
            long t0 = System.nanoTime();
            JsonNode up = node.await(LEVEL, s -> s.path("state").asText().equals("Converged"), Duration.ofMinutes(10));
            if (!outcome.check(up != null && up.path("state").asText().equals("Converged"), "did not converge within 10 minutes ("
                    + node.threadDump() + "): " + up)) return outcome;
            outcome.note(String.format(Locale.ROOT, "converged %d datasets and %d services in %.1f s", datasets, services, (System.nanoTime() - t0) / 1e9));
            for (JsonNode r : up.path("resources")) {
                if (r.path("kind").asText().equals("service")) ports.put(Integer.parseInt(r.path("name").asText().replaceAll("\\D", "")), r.path("ports").path("port").asText());
            }
            try (AutoCloseable feed = node.follow(LEVEL, events::add)) {
                soak(length);
                finish();
            }
        } finally {
            List<String> left = new ArrayList<>(ports.values());
            NodeCalls.Answer deleted = node.send("DELETE", AgentNode.level(LEVEL), null);
            outcome.check(deleted.ok(), "DELETE of the level failed: " + deleted.status() + " " + deleted.body());
            for (String port : left) outcome.check(HostFacts.processes("http.server", port).isEmpty(), "a process on port " + port + " outlived the DELETE");
        }
        return outcome;
    }

    private void soak(Duration length) throws Exception {
        ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-sampler");
            t.setDaemon(true);
            return t;
        });
        // the looks at the host run on a thread of their own: a slow batched read (a loaded pool) never delays a drift
        java.util.concurrent.atomic.AtomicBoolean looking = new java.util.concurrent.atomic.AtomicBoolean(true);
        Thread checker = new Thread(() -> {
            try {
                while (looking.get()) {
                    check();
                    TimeUnit.MILLISECONDS.sleep(250); // polling interval of the looks
                }
            } catch (InterruptedException stop) {
                // the soak ended
            } catch (Exception e) {
                outcome.check(false, "a look at the host failed: " + e);
            }
        }, "soak-checker");
        checker.setDaemon(true);
        checker.start();
        try {
            long start = System.nanoTime();
            List<ScheduledFuture<?>> due = new ArrayList<>();
            // the first sample after the drift has warmed the node up: its dispatchers grow to their fixed sizes only
            // under the drift's own work (restarts, probes), which a one-minute soak in CI read as threads growing
            due.add(sampler.schedule(() -> {
                sample(start);
                return null;
            }, WARM_UP.toNanos(), TimeUnit.NANOSECONDS));
            for (long m = 1; m <= length.toMinutes(); m++) {
                due.add(sampler.schedule(() -> {
                    sample(start);
                    return null;
                }, start + TimeUnit.MINUTES.toNanos(m) - System.nanoTime(), TimeUnit.NANOSECONDS));
            }
            long end = start + length.toNanos();
            long next = start;
            while (System.nanoTime() < end) {
                inject();
                // one a second; an injection slower than that (a zfs call on a loaded pool) is followed at once, never by a burst
                next = Math.max(next + TimeUnit.SECONDS.toNanos(1), System.nanoTime());
                long wait = Math.min(next, end) - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait); // the soak's clock: the next second
            }
            // the drifts still open get their deadline
            long settle = System.nanoTime() + DEADLINE.toNanos() + TimeUnit.SECONDS.toNanos(5);
            while (drifts.stream().anyMatch(d -> d.seconds == null) && System.nanoTime() < settle) {
                TimeUnit.MILLISECONDS.sleep(250); // polling interval of a deadline wait
            }
            looking.set(false);
            checker.join(TimeUnit.MINUTES.toMillis(2));
            for (ScheduledFuture<?> f : due) {
                try {
                    f.get(3, TimeUnit.MINUTES);
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    outcome.check(false, "a sample failed: " + e);
                }
            }
        } finally {
            looking.set(false);
            checker.interrupt();
            sampler.shutdownNow();
        }
    }

    // ---- drift -----------------------------------------------------------------------------------------------------

    private Kind pick() {
        int total = 0;
        for (Kind k : Kind.values()) total += k.weight;
        int r = random.nextInt(total);
        for (Kind k : Kind.values()) {
            if (r < k.weight) return k;
            r -= k.weight;
        }
        throw new IllegalStateException();
    }

    private String dataset(int i) {
        return root + "/d" + i;
    }

    private String serviceDataset(int k) {
        return root + "/zed-services/" + LEVEL + ".exec.web" + k;
    }

    /** One drift on a target that has none open (a service counts as one target, its process and its dataset). */
    private void inject() throws Exception {
        Kind kind = pick();
        boolean onService = kind == Kind.KILL || kind == Kind.SERVICE_DATASET;
        int n = onService ? services : datasets;
        int target = -1;
        for (int tries = 0; tries < 20 && target < 0; tries++) {
            int t = random.nextInt(n);
            if (!busy.contains((onService ? "web" : "d") + t)) target = t;
        }
        if (target < 0) {
            skipped++;
            return;
        }
        int floor = events.size();
        long killed = 0;
        try {
            switch (kind) {
                case PROPERTY -> HostFacts.zfs("set", "com.acme:tier=drifted-" + drifts.size(), dataset(target));
                case DESTROY -> destroy(dataset(target));
                case SERVICE_DATASET -> destroy(serviceDataset(target));
                case KILL -> {
                    List<Long> running = HostFacts.processes("http.server", ports.get(target));
                    if (running.size() != 1) {
                        // not settled from its last drift (a check said so a moment ago): another second
                        skipped++;
                        return;
                    }
                    killed = running.get(0);
                    ProcessHandle.of(killed).ifPresent(ProcessHandle::destroyForcibly);
                }
            }
        } catch (IOException e) {
            // the pool refused the drift (busy past 10 s): nothing drifted, so nothing is owed; said in the notes
            notInjected.add(kind.words + " on " + (onService ? "web" : "d") + target + ": " + e.getMessage());
            return;
        }
        drifts.add(new Drift(kind, target, System.nanoTime(), floor, killed));
        busy.add((onService ? "web" : "d") + target);
        outcome.fault();
    }

    /** {@code zfs destroy -r}, again within 10 s while zfs-fuse calls it busy (a moment after something unmounted it). */
    private static void destroy(String dataset) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            try {
                HostFacts.zfs("destroy", "-r", dataset);
                return;
            } catch (IOException e) {
                if (!e.getMessage().contains("busy") || System.nanoTime() > deadline) throw e;
                TimeUnit.MILLISECONDS.sleep(200); // the retry interval of a deadline wait
            }
        }
    }

    /** One look at the host (one batched zfs get, /proc) for every open drift. */
    private void check() throws Exception {
        List<Drift> open = drifts.stream().filter(d -> d.seconds == null).toList();
        if (open.isEmpty()) return;
        boolean zfs = open.stream().anyMatch(d -> d.kind != Kind.KILL);
        Map<String, Map<String, String>> own;
        try {
            own = zfs ? HostFacts.own(root, "com.acme:tier,com.acme:idx,com.zed:rev,com.zed:pid") : Map.of();
        } catch (IOException e) {
            return; // a read that failed (zfs-fuse busy) says nothing: the next look
        }
        long now = System.nanoTime();
        for (Drift d : open) {
            if (corrected(d, own)) {
                d.seconds = (now - d.at) / 1e9;
                busy.remove((d.kind == Kind.KILL || d.kind == Kind.SERVICE_DATASET ? "web" : "d") + d.target);
            } else if (!d.late && now - d.at > DEADLINE.toNanos()) {
                d.late = true;
                // the node's threads once, at the first late drift: what it waited for then
                outcome.check(false, d.kind.words + " (" + d.resource() + ") not corrected within " + DEADLINE.toSeconds() + " s: "
                        + own.get(d.kind == Kind.SERVICE_DATASET ? serviceDataset(d.target) : dataset(d.target))
                        + (lateOnes++ == 0 ? " (" + node.threadDump() + ")" : ""));
            }
        }
    }

    private boolean corrected(Drift d, Map<String, Map<String, String>> own) {
        return switch (d.kind) {
            case PROPERTY -> "gold".equals(own.getOrDefault(dataset(d.target), Map.of()).get("com.acme:tier"));
            case DESTROY -> {
                Map<String, String> p = own.get(dataset(d.target));
                yield p != null && "gold".equals(p.get("com.acme:tier")) && String.valueOf(d.target).equals(p.get("com.acme:idx"))
                        && String.valueOf(rev).equals(p.get("com.zed:rev"));
            }
            case KILL -> {
                List<Long> running = HostFacts.processes("http.server", ports.get(d.target));
                yield running.size() == 1 && running.get(0) != d.killed;
            }
            case SERVICE_DATASET -> {
                Map<String, String> p = own.get(serviceDataset(d.target));
                List<Long> running = HostFacts.processes("http.server", ports.get(d.target));
                yield p != null && running.size() == 1 && String.valueOf(running.get(0)).equals(p.get("com.zed:pid"));
            }
        };
    }

    static String groupChanges(Map<String, Integer> first, Map<String, Integer> last) {
        java.util.TreeSet<String> names = new java.util.TreeSet<>(first.keySet());
        names.addAll(last.keySet());
        List<String> changed = new ArrayList<>();
        for (String n : names) {
            int a = first.getOrDefault(n, 0);
            int b = last.getOrDefault(n, 0);
            if (a != b) changed.add(n + " " + a + " → " + b);
        }
        return changed.isEmpty() ? "none" : String.join(", ", changed);
    }

    // ---- samples ---------------------------------------------------------------------------------------------------

    private void sample(long start) {
        try {
            long pid = node.javaPid();
            jcmd(pid, "GC.run");
            long heap = 0;
            Matcher m = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            while (m.find()) heap += Long.parseLong(m.group(2)) << 10;
            Map<String, String> status = new LinkedHashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                int c = line.indexOf(':');
                if (c > 0) status.put(line.substring(0, c), line.substring(c + 1).strip());
            }
            Map<String, Integer> groups = threadGroups(pid);
            int reapers = groups.getOrDefault(REAPER, 0);
            int threads = groups.values().stream().mapToInt(Integer::intValue).sum();
            long rss = Long.parseLong(status.get("VmRSS").replace(" kB", "")) << 10;
            samples.add(new Sample((System.nanoTime() - start) / 6e10, heap, threads, reapers, groups, rss, journalBytes(), eventsKept(),
                    Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
        } catch (Exception e) {
            outcome.check(false, "a sample of the node failed: " + e);
        }
    }

    /**
     * The node's threads by name, counted from {@code /proc} (the kernel keeps the first 15 characters of a Java
     * thread's name); the digits that number a pool's threads are dropped so that a pool counts as one name.
     */
    private static Map<String, Integer> threadGroups(long pid) throws IOException {
        Map<String, Integer> groups = new java.util.TreeMap<>();
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path t : (Iterable<Path>) tasks::iterator) {
                try {
                    String name = Files.readString(t.resolve("comm")).strip().replaceAll("[-#]?\\d+$", "");
                    groups.merge(name, 1, Integer::sum);
                } catch (java.nio.file.NoSuchFileException ended) {
                    // the thread ended between the listing and the read
                }
            }
        }
        return groups;
    }

    private static String jcmd(long pid, String what) throws IOException, InterruptedException {
        Subprocess.Result r = Subprocess.of(List.of("jcmd", Long.toString(pid), what), Duration.ofMinutes(1)).mergingErrors().run();
        if (r.exit() != 0 || r.timedOut()) throw new IOException("jcmd " + what + ": " + r.stdout());
        return r.stdout();
    }

    /** The H2 journal's files ($ZED_HOME/journal). */
    private long journalBytes() throws IOException {
        Path j = node.home().resolve("journal");
        if (!Files.isDirectory(j)) return 0;
        try (var files = Files.walk(j)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    /** The events the journal keeps of the level: all of them, read from its start up to the newest one received. */
    private int eventsKept() throws IOException, InterruptedException {
        long newest;
        synchronized (events) {
            newest = events.isEmpty() ? 0 : events.get(events.size() - 1).path("id").asLong();
        }
        List<JsonNode> kept = node.events(LEVEL, got -> !got.isEmpty() && got.get(got.size() - 1).path("id").asLong() >= newest, Duration.ofSeconds(30));
        return kept.size();
    }

    // ---- the end ---------------------------------------------------------------------------------------------------

    private void finish() throws Exception {
        // every corrected drift's event, within half a minute of the end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!matchEvents() && System.nanoTime() < deadline) TimeUnit.MILLISECONDS.sleep(500); // polling interval of a deadline wait
        for (Drift d : drifts) {
            outcome.check(d.seconds != null, d.kind.words + " (" + d.resource() + ") was never corrected");
            outcome.check(d.event != null, d.kind.words + " (" + d.resource() + ") has no DriftCorrected event");
        }

        Map<Kind, List<Double>> times = new EnumMap<>(Kind.class);
        Map<Kind, int[]> counts = new EnumMap<>(Kind.class);
        List<Double> all = new ArrayList<>();
        for (Drift d : drifts) {
            int[] c = counts.computeIfAbsent(d.kind, k -> new int[3]);
            c[0]++;
            if (d.seconds != null) {
                c[1]++;
                times.computeIfAbsent(d.kind, k -> new ArrayList<>()).add(d.seconds);
                all.add(d.seconds);
            }
            if (d.event != null) c[2]++;
        }
        outcome.note("| drift | injected | corrected | with an event | p50 s | p99 s | max s |");
        outcome.note("|---|---:|---:|---:|---:|---:|---:|");
        for (Kind k : Kind.values()) {
            int[] c = counts.getOrDefault(k, new int[3]);
            List<Double> t = times.getOrDefault(k, List.of());
            outcome.note(String.format(Locale.ROOT, "| %s | %d | %d | %d | %.1f | %.1f | %.1f |", k.words, c[0], c[1], c[2], SoakStats.percentile(t, 50),
                    SoakStats.percentile(t, 99), SoakStats.max(t)));
        }
        outcome.note(String.format(Locale.ROOT, "| all | %d | %d | %d | %.1f | %.1f | %.1f |", drifts.size(), all.size(),
                drifts.stream().filter(d -> d.event != null).count(), SoakStats.percentile(all, 50), SoakStats.percentile(all, 99), SoakStats.max(all)));
        outcome.note(skipped + " seconds injected nothing (every target picked had a drift open, or a killed service was not back yet); "
                + notInjected.size() + " drifts the pool refused" + (notInjected.isEmpty() ? "" : ", the first: " + notInjected.get(0)));

        List<Sample> s;
        synchronized (samples) {
            s = new ArrayList<>(samples);
        }
        outcome.note("");
        outcome.note("| minute | heap after GC MiB | threads | outside pools | process reapers | RSS MiB | journal MiB | events kept | load |");
        outcome.note("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for (Sample x : s) {
            outcome.note(String.format(Locale.ROOT, "| %.1f | %.1f | %d | %d | %d | %.0f | %.1f | %d | %s |", x.minute(), x.heap() / 1048576.0, x.threads(),
                    x.unpooled(), x.reapers(), x.rss() / 1048576.0, x.journalBytes() / 1048576.0, x.events(), x.load()));
        }
        SoakStats.Trend heap = SoakStats.trend(s.stream().map(x -> (double) x.heap()).toList());
        SoakStats.Trend threads = SoakStats.trend(s.stream().map(x -> (double) x.threads()).toList());
        SoakStats.Trend unpooled = SoakStats.trend(s.stream().map(x -> (double) x.unpooled()).toList());
        SoakStats.Trend rss = SoakStats.trend(s.stream().map(x -> (double) x.rss()).toList());
        SoakStats.Trend journal = SoakStats.trend(s.stream().map(x -> (double) x.journalBytes()).toList());
        outcome.note(String.format(Locale.ROOT, "first third → last third: heap after GC %.1f → %.1f MiB (%+.2f MiB a minute), threads %.1f → %.1f, "
                        + "RSS %.0f → %.0f MiB, journal %.1f → %.1f MiB", heap.first() / 1048576, heap.last() / 1048576, heap.slope() / 1048576, threads.first(),
                threads.last(), rss.first() / 1048576, rss.last() / 1048576, journal.first() / 1048576, journal.last() / 1048576));
        if (!s.isEmpty()) outcome.note("threads by name at the first sample: " + s.get(0).groups());
        if (s.size() >= 2) outcome.note("threads by name, first sample → last, where they differ: " + groupChanges(s.get(0).groups(), s.get(s.size() - 1).groups()));
        if (outcome.check(s.size() >= 2, "fewer than two samples of the node: " + s.size())) {
            outcome.check(heap.flat(HEAP_RELATIVE, HEAP_ABSOLUTE), String.format(Locale.ROOT, "the heap after GC grew from %.1f to %.1f MiB "
                    + "(first third to last)", heap.first() / 1048576, heap.last() / 1048576));
            outcome.check(unpooled.flat(0, THREADS_MORE), String.format(Locale.ROOT, "the threads outside the node's pools grew from %.1f to %.1f "
                    + "(first third to last)", unpooled.first(), unpooled.last()));
            outcome.check(threads.flat(THREADS_RELATIVE, THREADS_MORE), String.format(Locale.ROOT, "the threads grew from %.1f to %.1f (first third "
                    + "to last)", threads.first(), threads.last()));
        }
        // snapshots every kept/2 events, two kept, the events before them deleted: at most kept + kept/2 remain
        int bound = eventsKept + eventsKept / 2;
        for (Sample x : s) outcome.check(x.events() <= bound, "the journal kept " + x.events() + " events of the level at minute "
                + String.format(Locale.ROOT, "%.1f", x.minute()) + ", more than the retention bound " + bound);
        outcome.note("events received " + events.size() + "; the retention bound (events-kept " + eventsKept + " + half) " + bound);

        // exactly one process per service, the one the status names
        JsonNode st = node.status(LEVEL);
        for (JsonNode r : st.path("resources")) {
            if (!r.path("kind").asText().equals("service")) continue;
            String port = r.path("ports").path("port").asText();
            List<Long> running = HostFacts.processes("http.server", port);
            outcome.check(running.equals(List.of(r.path("pid").asLong())), r.path("name").asText() + " on port " + port + " runs as " + running
                    + ", the status says pid " + r.path("pid").asLong());
        }
        // every dataset as declared at the end
        Map<String, Map<String, String>> own = HostFacts.own(root, "com.acme:tier,com.acme:idx,com.zed:rev");
        for (int i = 0; i < datasets; i++) {
            Map<String, String> p = own.get(dataset(i));
            outcome.check(p != null && "gold".equals(p.get("com.acme:tier")) && String.valueOf(i).equals(p.get("com.acme:idx")), "d" + i + " is " + p + " at the end");
        }
        metrics();
    }

    /** Gives each drift its event: the first DriftCorrected of its resource received after it began, one event per drift. */
    private boolean matchEvents() {
        List<JsonNode> got;
        synchronized (events) {
            got = new ArrayList<>(events);
        }
        Set<Integer> used = new HashSet<>();
        boolean all = true;
        for (Drift d : drifts) {
            d.event = null;
            for (int i = d.eventFloor; i < got.size(); i++) {
                if (!used.contains(i) && d.reportedBy(got.get(i))) {
                    used.add(i);
                    d.event = got.get(i);
                    break;
                }
            }
            if (d.event == null && d.seconds != null) all = false;
        }
        return all;
    }

    /**
     * The drift metric ({@code zed_drift_corrections_total}) against the events: a service's corrections (restarts,
     * its dataset made again) are counted as the events say, once Kamon's tick (10 s) has passed.
     */
    private void metrics() throws Exception {
        long serviceEvents;
        long datasetEvents;
        synchronized (events) {
            serviceEvents = events.stream().filter(e -> e.path("type").asText().equals("DriftCorrected") && e.path("resource").asText().startsWith("service.")).count();
            datasetEvents = events.stream().filter(e -> e.path("type").asText().equals("DriftCorrected") && e.path("resource").asText().startsWith("dataset.")).count();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        Map<String, Double> m = scrape();
        while (m.getOrDefault("service", 0.0) < serviceEvents && System.nanoTime() < deadline) {
            TimeUnit.SECONDS.sleep(1); // polling interval of a deadline wait
            m = scrape();
        }
        outcome.note(String.format(Locale.ROOT, "zed_drift_corrections_total: service %.0f (DriftCorrected events of services: %d), dataset %.0f (events: %d)",
                m.getOrDefault("service", 0.0), serviceEvents, m.getOrDefault("dataset", 0.0), datasetEvents));
        outcome.check(m.getOrDefault("service", 0.0) == serviceEvents, "the drift metric counts " + m.getOrDefault("service", 0.0)
                + " corrections of services, the events " + serviceEvents);
    }

    private Map<String, Double> scrape() throws IOException, InterruptedException {
        Map<String, Double> out = new LinkedHashMap<>();
        String page = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + metricsPort + "/metrics")).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("(?m)^zed_drift_corrections_total\\{[^}]*kind=\"(\\w+)\"[^}]*} ([0-9.eE+-]+)$").matcher(page);
        while (m.find()) out.merge(m.group(1), Double.parseDouble(m.group(2)), Double::sum);
        return out;
    }
}
