package zed.reconciler.service;

import zed.config.LevelSpec;
import zed.config.SpecJson;
import zed.config.Value;
import zed.reconciler.dataset.Planner;
import zed.reconciler.health.GateEvent;
import zed.reconciler.health.HealthGate;
import zed.reconciler.health.Probe;
import zed.reconciler.health.ProbeResult;
import zed.reconciler.health.Probes;
import zed.reconciler.health.Verdict;
import zed.reconciler.jail.JailDriver;
import zed.reconciler.jail.JailSetup;
import zed.reconciler.ops.OpsProcesses;
import zed.reconciler.process.Environment;
import zed.reconciler.process.HostUsers;
import zed.reconciler.process.Launch;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.RenderedFiles;
import zed.reconciler.process.RunAs;
import zed.reconciler.process.Secrets;
import zed.reconciler.process.ServiceSupervisor;
import zed.reconciler.store.Store;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One service of a level, end to end on this host, in three separate steps that the node's ServiceActor runs on
 * executors of their own, so that one never waits for another:
 * <ul>
 *   <li>{@link #prepare}: what it runs (its kind: a build, an unpacked release), its rendered files, its environment,
 *       its jail. Only when the spec is new, and again on a slow timer when its source can move
 *       ({@link #sourceCanMove}): never a git fetch or an archive hash per tick.</li>
 *   <li>{@link #supervise}: keep the process running as prepared ({@link ServiceSupervisor}), tell the gate what
 *       happened to it. No zfs call in a steady tick: its stamps are written when they change.</li>
 *   <li>{@link #probe}: one health check, on its own interval, fed to the gate of the revision.</li>
 * </ul>
 * The gate is opened when the run is made: healthy_deadline counts from the revision's start, through failed
 * prepares too. Reading the gate ({@link #verdict}, {@link #health}) never waits for a step in progress.
 */
public final class ServiceRun {
    /** A service without a dataset of its own gets this one under the level's root, so its stamps have a home. */
    public static final String IMPLICIT = "zed-services";
    /**
     * Who a service runs as when its Zedfile names no {@code user} and the agent has no {@code --service-user}: root,
     * as the single-process mode runs everything ({@code zed agent install}'s agent.conf says {@code zed-svc}).
     */
    public static final String DEFAULT_USER = "root";

    /**
     * @param root  the level's pool dataset, or "" for the dir store
     * @param state the level's state directory ({@code fs::state()})
     * @param jails the jail driver of this host, or null where no service of the level is jailed
     */
    /**
     * @param restartGeneration bumped by an operator's forced restart ({@code zed up --restart}); 0 before any
     * @param defaultUser       whom a service runs as when its Zedfile names no user: the agent's {@code service-user}
     *                          ({@code zed-svc} where {@code zed agent install} set the host up), {@link #DEFAULT_USER}
     *                          in the single-process mode
     */
    public record Context(LevelSpec level, long rev, Store store, String root, Path state, Secrets secrets,
                          Function<String, String> hostEnv, JailDriver jails, Launcher launcher, Clock clock, Duration stopGrace,
                          long restartGeneration, String defaultUser) {
        public Context(LevelSpec level, long rev, Store store, String root, Path state, Secrets secrets, Function<String, String> hostEnv,
                       JailDriver jails, Launcher launcher, Clock clock, Duration stopGrace) {
            this(level, rev, store, root, state, secrets, hostEnv, jails, launcher, clock, stopGrace, 0, DEFAULT_USER);
        }

        public Context {
            if (defaultUser == null || defaultUser.isBlank()) throw new IllegalArgumentException("a default service user is a user's name");
        }
    }

    /**
     * What a step says: the process and the gate of this revision.
     *
     * @param remade the dataset this step made again after a sweep saw it destroyed (null: none)
     */
    public record Status(ServiceSupervisor.Status process, Verdict gate, String specHash, String remade) {
        public Status(ServiceSupervisor.Status process, Verdict gate, String specHash) {
            this(process, gate, specHash, null);
        }
    }

    private final Context ctx;
    private final LevelSpec.ServiceSpec spec;
    private final String dataset;
    private final ServiceSupervisor supervisor;
    private final Map<String, Probe> probes;
    /** Guards the gate alone: held for an instant, never across a step. */
    private final Object gateLock = new Object();
    private HealthGate gate;
    private volatile ProbeListener probeListener = (probe, result, took) -> { };
    /** What {@link #prepare} made; read by {@link #supervise}. */
    private volatile ServiceSupervisor.Desired desired;
    private boolean datasetReady;
    /** A sweep saw the dataset gone: set from any thread ({@link #datasetGone}), acted on by the next supervise step. */
    private volatile boolean datasetGone;
    /** The jail configuration this run has ensured (null: none yet). */
    private String ensuredJail;
    /** Guarded by the supervise step. */
    private long knownPid;
    private String stampedHealth;

    /** Who hears each probe's result and latency (the node's metrics). */
    @FunctionalInterface
    public interface ProbeListener {
        void probed(Probe probe, ProbeResult result, Duration took);
    }

    public void probeListener(ProbeListener l) {
        this.probeListener = l;
    }

    public ServiceRun(Context ctx, LevelSpec.ServiceSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.dataset = spec.dataset() != null ? Planner.full(ctx.root(), spec.dataset())
                : Planner.full(ctx.root(), IMPLICIT + "/" + ctx.level().id().replace('/', '.') + "." + spec.kind() + "." + spec.name());
        this.supervisor = new ServiceSupervisor(ctx.store(), dataset, ctx.launcher(), ctx.clock());
        this.probes = Probes.of(spec);
        this.gate = HealthGate.open(ctx.rev(), ctx.level().update(), spec.health(), ctx.clock().instant());
    }

    public String dataset() {
        return dataset;
    }

    public LevelSpec.ServiceSpec spec() {
        return spec;
    }

    /** Whether {@link #prepare} has succeeded once, so that {@link #supervise} has something to run. */
    public boolean prepared() {
        return desired != null;
    }

    /**
     * Whether what it runs can change while its spec does not: a git branch (or the remote's default branch), a local
     * src tree, a release archive or a jar at a path. Such a service is prepared again on a slow timer.
     */
    public boolean sourceCanMove() {
        if (spec.release() != null || spec.jar() != null || spec.src() != null) return true;
        return spec.git() != null && spec.git().tag() == null && spec.git().rev() == null;
    }

    /**
     * Whether preparing it builds something (a go build, a git clone, an unpacked release), which may take minutes: such
     * work runs where builds run, apart from the quick checks an exec or jar service needs.
     */
    public boolean builds() {
        return spec.kind().equals("go") || spec.kind().equals("release");
    }

    /** The checks by name, each with its interval. */
    public Map<String, Duration> checks() {
        Map<String, Duration> m = new LinkedHashMap<>();
        for (LevelSpec.HealthCheck h : spec.health()) m.put(Probes.name(h), h.interval());
        return m;
    }

    /** The checks by name, each with its initial_delay: how long after the process starts its first probe counts. */
    public Map<String, Duration> initialDelays() {
        Map<String, Duration> m = new LinkedHashMap<>();
        for (LevelSpec.HealthCheck h : spec.health()) m.put(Probes.name(h), h.initialDelay());
        return m;
    }

    /**
     * Prepares what the service runs, renders its files, builds its environment and its jail. The next
     * {@link #supervise} starts it, or replaces the running process when any of that changed.
     */
    public synchronized void prepare() {
        ensureDataset();
        RunAs as = runAs();
        if (as != null && spec.dataset() == null) {
            // validation refuses it too: fs::var() holds the logs the node writes as root, and must not be the user's
            throw new Launcher.LaunchError(spec.ref() + ": runs as user \"" + as.user() + "\"" + (defaultUser() ? " (the agent's service-user: its Zedfile names none)" : "")
                    + " but has no dataset of its own to be its home" + (defaultUser() ? "; give it a dataset, or name its user (user = \"root\" to run it as root)" : ""));
        }
        OpsProcesses ops = ops();
        Prepared prepared = Artifacts.prepare(spec, Paths.of(spec, ctx.state()));
        Secrets secrets = ctx.secrets().forService(ctx.level().id() + "/" + spec.kind() + "/" + spec.name());
        if (as != null) ctx.launcher().processes().giveHome(spec.ref(), dataset, prepared.workdir(), as);
        String files = RenderedFiles.write(spec.ref(), spec.files(), secrets, as, ops == null ? null : files(ops, as));
        List<String> argv = prepared.argv();
        String jailHash = "";
        Launch.Jailed jailed = null;
        if (spec.jail() != null) {
            LevelSpec.JailSpec j = ctx.level().jails().stream().filter(x -> x.name().equals(spec.jail())).findFirst().orElseThrow();
            JailSetup setup = JailSetup.of(ctx.level(), j);
            jailHash = ctx.jails().confHash(setup); // a changed jail restarts its services
            if (!jailHash.equals(ensuredJail)) {
                // made here once per configuration, so the service never waits for it; keeping it as declared after
                // that (and reporting a repair as drift) is the jail's own actor's work
                zed.reconciler.jail.JailState jail = ctx.jails().ensure(setup);
                stampJail(j.dataset(), jail);
                ensuredJail = jailHash;
            }
            // through zed ops the start carries the jail, and ops wraps the command itself: a wrapped command line
            // from here is one ops would run as root
            if (ops == null) argv = ctx.jails().wrap(setup, "/", argv, as);
            else jailed = new Launch.Jailed(setup, "/");
        }
        String specHash = hash(prepared.sourceRevision(), files + "\0" + jailHash);
        Map<String, String> env = Environment.of(ctx.level(), spec, ctx.hostEnv(), secrets);
        if (as != null && as.home() != null && !spec.env().containsKey("HOME")) env.put("HOME", as.home()); // not root's
        // stdout and stderr go under fs::var() of the service; a jailed one drops to its user inside the sandbox
        Launch launch = new Launch(spec.ref(), argv, env, prepared.workdir(), ctx.state().resolve("var").resolve(spec.name()).resolve("log"),
                spec.jail() == null || jailed != null ? as : null, jailed);
        desired = new ServiceSupervisor.Desired(spec.ref(), spec.kind() + "/" + spec.name(), ctx.level().id(), ctx.rev(), specHash,
                launch, spec.restart(), spec.version(), ports(), ctx.stopGrace());
    }

    /** zed ops, where this node's services start through it; null in the single-process mode. */
    private OpsProcesses ops() {
        return ctx.launcher().processes() instanceof OpsProcesses ops ? ops : null;
    }

    /** Its files written and removed by zed ops, as its user ({@code as} null: as root). */
    private RenderedFiles.Sink files(OpsProcesses ops, RunAs as) {
        return new RenderedFiles.Sink() {
            @Override
            public void put(Path path, String body, String mode) {
                ops.writeFile(spec.ref(), as, path, body, mode);
            }

            @Override
            public void remove(Path path) {
                ops.removeFile(spec.ref(), as, path);
            }
        };
    }

    /**
     * Where its files go on down: removed here, or by zed ops as its user (looked up only then); a user the host no
     * longer has leaves them to root's hand.
     */
    private RenderedFiles.Sink filesOnStop() {
        OpsProcesses ops = ops();
        if (ops == null) return null;
        RunAs as;
        try {
            as = runAs();
        } catch (Launcher.LaunchError gone) {
            as = null;
        }
        return files(ops, as);
    }

    /** Whether the Zedfile names no user, so that it runs as the agent's default ({@link Context#defaultUser}). */
    public boolean defaultUser() {
        return spec.user() == null;
    }

    /** The account it runs as ({@link HostUsers#runAs}), looked up at every prepare. */
    private RunAs runAs() {
        return HostUsers.runAs(spec.ref(), spec.user() == null ? ctx.defaultUser() : spec.user(), spec.group());
    }

    /**
     * The node's pool sweep saw the dataset gone (destroyed behind Zed's back). The next {@link #supervise} makes it
     * again, writes every stamp anew and says so ({@link Status#remade}). Never waits: a step may be in flight.
     */
    public void datasetGone() {
        datasetGone = true;
    }

    /** Starts (or adopts, or restarts) the process as last prepared, and feeds the gate what happened to it. */
    public synchronized Status supervise() {
        ServiceSupervisor.Desired d = desired;
        if (d == null) throw new IllegalStateException(spec.ref() + ": supervised before it was prepared");
        String remade = null;
        if (datasetGone) {
            // asked once per sweep that saw it gone, never per tick; a failure leaves the flag for the retry
            datasetReady = false;
            if (ensureDataset()) {
                supervisor.forgetStamps();
                stampedHealth = null;
                remade = dataset;
            }
            datasetGone = false;
        }
        ServiceSupervisor.Status s = supervisor.reconcile(d);
        ctx.launcher().rotateLogs(d.launch(), LOG_CAP, LOG_KEEP);
        Instant now = ctx.clock().instant();
        synchronized (gateLock) {
            if (knownPid > 0 && s.pid() != knownPid) {
                gate = gate.on(new GateEvent.ProcessExited(now, s.lastExitCode() == null ? -1 : s.lastExitCode()));
            }
            if (s.pid() != 0 && s.pid() != knownPid) gate = gate.on(new GateEvent.ProcessStarted(now));
            if (s.state() == ServiceSupervisor.State.FAILED && knownPid != -1) gate = gate.on(new GateEvent.RestartBudgetSpent(now));
        }
        knownPid = s.state() == ServiceSupervisor.State.FAILED ? -1 : s.pid();
        Verdict v = verdict();
        if (v instanceof Verdict.Passed) supervisor.healthy();
        String word = v instanceof Verdict.Passed p ? "passed rev " + ctx.rev() + " at " + p.at()
                : v instanceof Verdict.Failed f ? "failed rev " + ctx.rev() + ": " + f.reason() : "pending rev " + ctx.rev();
        if (!word.equals(stampedHealth)) {
            // com.zed:health is the gate's last transition, not every probe
            supervisor.stampHealth(word.length() > 1000 ? word.substring(0, 1000) : word);
            stampedHealth = word;
        }
        return new Status(s, v, d.specHash(), remade);
    }

    /**
     * Its next {@link #supervise} replaces the running process even when what it runs is the same: a secret it reads
     * was rotated. Called on a new run (a fresh gate), before its first supervise.
     */
    public void replaceRunning() {
        supervisor.replace();
    }

    /** Runs the named check once (blocking up to its timeout) and feeds the result to the gate. */
    public ProbeResult probe(String check) {
        Probe p = probes.get(check);
        if (p == null) throw new IllegalArgumentException(spec.ref() + " has no check named " + check);
        long t0 = System.nanoTime();
        ProbeResult r = p.run(() -> ctx.clock().instant());
        probeListener.probed(p, r, Duration.ofNanos(System.nanoTime() - t0));
        synchronized (gateLock) {
            gate = gate.on(new GateEvent.ProbeReported(check, r));
        }
        return r;
    }

    /** The gate's verdict now. */
    public Verdict verdict() {
        synchronized (gateLock) {
            return gate.verdict(ctx.clock().instant());
        }
    }

    /** What the checks say now, whatever the verdict. */
    public zed.reconciler.health.Health health() {
        synchronized (gateLock) {
            return gate.current(ctx.clock().instant());
        }
    }

    /** Stops the service and removes the files Zed rendered for it. */
    public synchronized void stop() {
        if (!datasetReady && !ctx.store().exists(dataset)) {
            // never prepared: nothing of it can run (a process starts only after its dataset is there) or be stamped
            RenderedFiles.remove(spec.files(), filesOnStop());
            return;
        }
        supervisor.stop(ctx.stopGrace());
        RenderedFiles.remove(spec.files(), filesOnStop());
        supervisor.stampHealth("stopped");
        stampedHealth = "stopped";
    }

    /** When the gate's answer can change without new input: the caller's next timer. */
    public java.util.Optional<Instant> nextChange() {
        synchronized (gateLock) {
            return gate.nextChange(ctx.clock().instant());
        }
    }

    /** Log files are capped: past {@value #LOG_CAP} bytes they rotate, {@value #LOG_KEEP} old ones kept. */
    static final long LOG_CAP = 10L << 20;
    static final int LOG_KEEP = 3;


    /** A jail's state goes on its dataset (STATE.md: com.zed:jail, com.zed:jail.conf-hash), only what changed. */
    private void stampJail(String jailDataset, zed.reconciler.jail.JailState jail) {
        String ds = Planner.full(ctx.root(), jailDataset);
        if (!ctx.store().exists(ds)) return; // the level's datasets converge first; the next reconcile stamps it
        Map<String, String> own = ctx.store().zedState(ds);
        Map<String, String> changed = new LinkedHashMap<>();
        jail.stamp().forEach((k, v) -> {
            if (!v.equals(own.get(k))) changed.put(k, v);
        });
        if (!changed.isEmpty()) ctx.store().set(ds, changed);
    }

    /**
     * The dataset its stamps live on: its own, or the implicit one, made (stamped as Zed's) when missing, with the
     * containers above it. Looked at once per run, and again when a sweep saw it gone ({@link #datasetGone}): a
     * steady tick asks zfs nothing. Returns whether it made the dataset.
     */
    private boolean ensureDataset() {
        if (datasetReady) return false;
        boolean made = false;
        if (!ctx.store().exists(dataset)) {
            if (spec.dataset() == null) {
                List<String> missing = new java.util.ArrayList<>();
                // up to the pool on ZFS (a pool is never made); every one in the dir store
                boolean zfs = !ctx.root().isEmpty();
                for (String p = parentOf(dataset); !p.isEmpty() && (!zfs || p.contains("/")) && !ctx.store().exists(p); p = parentOf(p)) missing.add(0, p);
                for (String p : missing) {
                    try {
                        ctx.store().create(p, Map.of());
                    } catch (zed.reconciler.store.StoreError e) {
                        if (!ctx.store().exists(p)) throw e; // another service of the level made it a moment ago: fine
                    }
                }
            }
            Map<String, String> stamp = new LinkedHashMap<>();
            stamp.put(Planner.MANAGED, "true");
            stamp.put(Planner.LEVEL, ctx.level().id());
            try {
                ctx.store().create(dataset, stamp);
                made = true;
            } catch (zed.reconciler.store.StoreError e) {
                // a declared dataset's own actor made it a moment ago (it is the one that recreates those): fine
                if (spec.dataset() == null || !ctx.store().exists(dataset)) throw e;
            }
        }
        datasetReady = true;
        return made;
    }

    private static String parentOf(String dataset) {
        return dataset.substring(0, Math.max(0, dataset.lastIndexOf('/')));
    }

    private Map<String, Integer> ports() {
        return ports(spec);
    }

    /** The vars of a service that hold ports (named "port" or "*_port"), as stamped in {@code com.zed:ports}. */
    public static Map<String, Integer> ports(LevelSpec.ServiceSpec spec) {
        Map<String, Integer> m = new LinkedHashMap<>();
        spec.vars().forEach((k, v) -> {
            if ((k.equals("port") || k.endsWith("_port")) && v instanceof Value.Num n && n.intValue() != null) m.put(k, n.intValue());
        });
        return m;
    }

    /**
     * The service's resolved spec as JSON, without positions: equal for two revisions exactly when the spec itself did
     * not change (an edit above its block moves it, and must not restart it).
     */
    public static String comparable(LevelSpec.ServiceSpec spec) {
        return SpecJson.write(withoutPositions(spec));
    }

    /** Everything whose change restarts the service: its resolved spec, its source revision, its rendered files. */
    private String hash(String sourceRevision, String filesDigest) {
        String json = comparable(spec);
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(json.getBytes(StandardCharsets.UTF_8));
            md.update(("\0" + sourceRevision + "\0" + filesDigest).getBytes(StandardCharsets.UTF_8));
            // a forced restart is a change of what must run, without a change of the spec
            if (ctx.restartGeneration() > 0) md.update(("\0restart " + ctx.restartGeneration()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Positions change with every edit above a block; they must not restart a service. */
    private static LevelSpec.ServiceSpec withoutPositions(LevelSpec.ServiceSpec spec) {
        zed.config.Pos none = zed.config.Pos.NONE;
        return new LevelSpec.ServiceSpec(spec.kind(), spec.name(), spec.dataset(), spec.jail(), spec.version(), spec.vars(), spec.env(),
                spec.files().stream().map(f -> new LevelSpec.FileSpec(f.name(), f.path(), f.body(), f.mode(), none)).toList(), spec.runtime(),
                spec.restart(), spec.health().stream().map(h -> new LevelSpec.HealthCheck(h.kind(), h.url(), h.expect(), h.bodyContains(), h.host(),
                h.port(), h.command(), h.initialDelay(), h.interval(), h.timeout(), h.successThreshold(), h.failureThreshold(), none)).toList(),
                spec.print(), spec.sudo().stream().map(s -> new LevelSpec.SudoHook(s.name(), s.check(), s.apply(), s.verify(), none)).toList(),
                spec.release(), spec.jar(), spec.git(), spec.src(), spec.dir(), spec.user(), spec.group(), none);
    }
}
