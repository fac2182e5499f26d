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
import zed.reconciler.process.Environment;
import zed.reconciler.process.Launch;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.RenderedFiles;
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
 * One service of a level, end to end on this host: prepare what it runs (its kind), render its files, build its
 * environment, wrap it in its jail, keep it running ({@link ServiceSupervisor}), probe it and hold the health gate of
 * the revision. Plain Java; the node's ServiceActor drives {@link #reconcile} and {@link #probe} on its timers.
 */
public final class ServiceRun {
    /** A service without a dataset of its own gets this one under the level's root, so its stamps have a home. */
    public static final String IMPLICIT = "zed-services";

    /**
     * @param root  the level's pool dataset, or "" for the dir store
     * @param state the level's state directory ({@code fs::state()})
     * @param jails the jail driver of this host, or null where no service of the level is jailed
     */
    public record Context(LevelSpec level, long rev, Store store, String root, Path state, Secrets secrets,
                          Function<String, String> hostEnv, JailDriver jails, Launcher launcher, Clock clock, Duration stopGrace,
                          long restartGeneration) {
        /** @param restartGeneration bumped by an operator's forced restart ({@code zed up --restart}); 0 before any */
        public Context(LevelSpec level, long rev, Store store, String root, Path state, Secrets secrets, Function<String, String> hostEnv,
                       JailDriver jails, Launcher launcher, Clock clock, Duration stopGrace) {
            this(level, rev, store, root, state, secrets, hostEnv, jails, launcher, clock, stopGrace, 0);
        }
    }

    /** What {@link #reconcile} and {@link #probe} say: the process and the gate of this revision. */
    public record Status(ServiceSupervisor.Status process, Verdict gate, String specHash) {
    }

    private final Context ctx;
    private final LevelSpec.ServiceSpec spec;
    private final String dataset;
    private final ServiceSupervisor supervisor;
    private final Map<String, Probe> probes;
    private HealthGate gate;
    private ProbeListener probeListener = (probe, result, took) -> { };

    /** Who hears each probe's result and latency (the node's metrics). */
    @FunctionalInterface
    public interface ProbeListener {
        void probed(Probe probe, ProbeResult result, Duration took);
    }

    public synchronized void probeListener(ProbeListener l) {
        this.probeListener = l;
    }
    private long knownPid;
    private String specHash;

    public ServiceRun(Context ctx, LevelSpec.ServiceSpec spec) {
        this.ctx = ctx;
        this.spec = spec;
        this.dataset = spec.dataset() != null ? Planner.full(ctx.root(), spec.dataset())
                : Planner.full(ctx.root(), IMPLICIT + "/" + ctx.level().id().replace('/', '.') + "." + spec.kind() + "." + spec.name());
        this.supervisor = new ServiceSupervisor(ctx.store(), dataset, ctx.launcher(), ctx.clock());
        this.probes = Probes.of(spec);
    }

    public String dataset() {
        return dataset;
    }

    /** Prepares, renders and starts (or adopts, or restarts) the service; feeds the gate what happened. */
    /** The jail configuration this run has ensured (null: none yet). */
    private String ensuredJail;

    public synchronized Status reconcile() {
        ensureDataset();
        Prepared prepared = Artifacts.prepare(spec, Paths.of(spec, ctx.state()));
        String files = RenderedFiles.write(spec.ref(), spec.files(), ctx.secrets());
        List<String> argv = prepared.argv();
        String jailHash = "";
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
            argv = ctx.jails().wrap(setup, argv);
        }
        specHash = hash(prepared.sourceRevision(), files + "\0" + jailHash);
        Map<String, String> env = Environment.of(ctx.level(), spec, ctx.hostEnv(), ctx.secrets());
        // stdout and stderr go under fs::var() of the service
        Launch launch = new Launch(spec.ref(), argv, env, prepared.workdir(), ctx.state().resolve("var").resolve(spec.name()).resolve("log"));
        ServiceSupervisor.Desired d = new ServiceSupervisor.Desired(spec.ref(), spec.kind() + "/" + spec.name(), ctx.level().id(), ctx.rev(), specHash,
                launch, spec.restart(), spec.version(), ports(), ctx.stopGrace());
        if (gate == null || gate.revision() != ctx.rev()) gate = HealthGate.open(ctx.rev(), ctx.level().update(), spec.health(), ctx.clock().instant());
        ServiceSupervisor.Status s = supervisor.reconcile(d);
        rotateLogs(launch.logDir());
        Instant now = ctx.clock().instant();
        if (knownPid > 0 && s.pid() != knownPid) {
            gate = gate.on(new GateEvent.ProcessExited(now, s.lastExitCode() == null ? -1 : s.lastExitCode()));
        }
        if (s.pid() != 0 && s.pid() != knownPid) gate = gate.on(new GateEvent.ProcessStarted(now));
        if (s.state() == ServiceSupervisor.State.FAILED && knownPid != -1) gate = gate.on(new GateEvent.RestartBudgetSpent(now));
        knownPid = s.state() == ServiceSupervisor.State.FAILED ? -1 : s.pid();
        return record(s);
    }

    /** Log files are capped: past {@value #LOG_CAP} bytes they rotate, {@value #LOG_KEEP} old ones kept. */
    static final long LOG_CAP = 10L << 20;
    static final int LOG_KEEP = 3;

    private static void rotateLogs(Path dir) {
        try {
            zed.reconciler.process.LogFiles.rotate(zed.reconciler.process.LogFiles.stdout(dir), LOG_CAP, LOG_KEEP);
            zed.reconciler.process.LogFiles.rotate(zed.reconciler.process.LogFiles.stderr(dir), LOG_CAP, LOG_KEEP);
        } catch (java.io.IOException e) {
            // a log that cannot rotate is no reason to stop a service; it grows until the next try
        }
    }

    /** Runs every probe once (blocking up to their timeouts) and feeds the results to the gate. */
    public synchronized Status probe() {
        if (gate == null) return new Status(supervisor.status(), null, specHash);
        for (Map.Entry<String, Probe> p : probes.entrySet()) {
            long t0 = System.nanoTime();
            ProbeResult r = p.getValue().run(() -> ctx.clock().instant());
            probeListener.probed(p.getValue(), r, Duration.ofNanos(System.nanoTime() - t0));
            gate = gate.on(new GateEvent.ProbeReported(p.getKey(), r));
        }
        return record(supervisor.status());
    }

    /** Stops the service and removes the files Zed rendered for it. */
    public synchronized void stop() {
        supervisor.stop(ctx.stopGrace());
        RenderedFiles.remove(spec.files());
        supervisor.stampHealth("stopped");
    }

    /** When the gate's answer can change without new input: the caller's next timer. */
    public synchronized java.util.Optional<Instant> nextChange() {
        return gate == null ? java.util.Optional.empty() : gate.nextChange(ctx.clock().instant());
    }

    private Status record(ServiceSupervisor.Status s) {
        Verdict v = gate.verdict(ctx.clock().instant());
        if (v instanceof Verdict.Passed) supervisor.healthy();
        String word = v instanceof Verdict.Passed p ? "passed rev " + ctx.rev() + " at " + p.at()
                : v instanceof Verdict.Failed f ? "failed rev " + ctx.rev() + ": " + f.reason() : "pending rev " + ctx.rev();
        supervisor.stampHealth(word.length() > 1000 ? word.substring(0, 1000) : word);
        return new Status(s, v, specHash);
    }

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

    /** The dataset its stamps live on: its own, or the implicit one, made (stamped as Zed's) when missing. */
    private void ensureDataset() {
        if (ctx.store().exists(dataset)) return;
        String parent = dataset.substring(0, Math.max(0, dataset.lastIndexOf('/')));
        if (spec.dataset() == null && !parent.isEmpty() && !ctx.store().exists(parent)) ctx.store().create(parent, Map.of());
        Map<String, String> stamp = new LinkedHashMap<>();
        stamp.put(Planner.MANAGED, "true");
        stamp.put(Planner.LEVEL, ctx.level().id());
        ctx.store().create(dataset, stamp);
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

    /** Everything whose change restarts the service: its resolved spec, its source revision, its rendered files. */
    private String hash(String sourceRevision, String filesDigest) {
        String json = SpecJson.write(withoutPositions());
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
    private LevelSpec.ServiceSpec withoutPositions() {
        zed.config.Pos none = zed.config.Pos.NONE;
        return new LevelSpec.ServiceSpec(spec.kind(), spec.name(), spec.dataset(), spec.jail(), spec.version(), spec.vars(), spec.env(),
                spec.files().stream().map(f -> new LevelSpec.FileSpec(f.name(), f.path(), f.body(), f.mode(), none)).toList(), spec.runtime(),
                spec.restart(), spec.health().stream().map(h -> new LevelSpec.HealthCheck(h.kind(), h.url(), h.expect(), h.bodyContains(), h.host(),
                h.port(), h.command(), h.initialDelay(), h.interval(), h.timeout(), h.successThreshold(), h.failureThreshold(), none)).toList(),
                spec.print(), spec.sudo().stream().map(s -> new LevelSpec.SudoHook(s.name(), s.check(), s.apply(), s.verify(), none)).toList(),
                spec.release(), spec.jar(), spec.git(), spec.src(), spec.dir(), none);
    }
}
