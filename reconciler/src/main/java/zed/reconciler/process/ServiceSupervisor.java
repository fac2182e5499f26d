package zed.reconciler.process;

import zed.config.LevelSpec;
import zed.reconciler.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * Keeps one service running as declared, one reconcile at a time (the actor layer calls {@link #reconcile} on its
 * timer and on every signal). Plain Java: no threads of its own, no Pekko. A restarted supervisor finds a running
 * service through the stamps on its dataset and adopts it, if the pid is alive and its start time matches; it never
 * starts a twin.
 */
public final class ServiceSupervisor {
    public static final String SERVICE = "com.zed:service";
    public static final String VERSION = "com.zed:version";
    public static final String PID = "com.zed:pid";
    public static final String STARTED_AT = "com.zed:started_at";
    /**
     * Not {@code com.zed:spec-hash}: a service may run on a declared dataset, whose own spec hash (and revision) that
     * property already holds; sharing them made the dataset and the service overwrite each other on every tick.
     */
    public static final String SPEC_HASH = "com.zed:service.spec-hash";
    public static final String PORTS = "com.zed:ports";
    public static final String REV = "com.zed:service.rev";
    public static final String LEVEL = zed.reconciler.store.Observation.LEVEL;
    public static final String MANAGED = zed.reconciler.store.Observation.MANAGED;
    public static final String HEALTH = "com.zed:health";
    /** The {@link LaunchToken} of the last start, stamped before it: how a node finds a process it never stamped. */
    public static final String LAUNCH = "com.zed:launch";

    public enum State { STARTING, RUNNING, BACKOFF, FAILED, STOPPED }

    /**
     * What should run. {@code specHash} covers everything whose change must restart the service: the resolved spec,
     * the rendered files, the source revision (git commit, release checksum, source tree hash).
     */
    public record Desired(String ref, String kindName, String level, long rev, String specHash, Launch launch,
                          LevelSpec.RestartPolicy restart, String version, Map<String, Integer> ports, Duration stopGrace) {
    }

    /** @param nextAttempt when a backing-off service starts again; null otherwise */
    /** @param lastExitCode the last exit's code where known (null for an adopted process, or no exit yet) */
    public record Status(State state, long pid, int restarts, Instant nextAttempt, String lastExit, Integer lastExitCode, boolean adopted) {
    }

    private final Store store;
    private final String dataset;
    private final Launcher launcher;
    private final Clock clock;

    private State state = State.STOPPED;
    private long pid;
    private String startTime;
    private String runningHash;
    private CompletableFuture<Integer> exit;
    private boolean adopted;
    private RestartBudget budget;
    private String budgetHash;
    private Instant nextAttempt;
    private String lastExit;
    private Integer lastExitCode;
    private int restarts;
    /**
     * The dataset's own com.zed:* values as this supervisor last read or wrote them: read once (adoption), then kept
     * in memory, so that a steady tick costs no zfs call (every write goes through here; a rollback, which changes
     * them behind us, happens only with the service stopped and a new supervisor after it).
     */
    private Map<String, String> written;
    private boolean adoptionTried;
    /** {@link #replace} asked: the next reconcile replaces the running process, whatever its hash. */
    private boolean replace;

    public ServiceSupervisor(Store store, String dataset, Launcher launcher, Clock clock) {
        this.store = store;
        this.dataset = dataset;
        this.launcher = launcher;
        this.clock = clock;
    }

    public synchronized Status reconcile(Desired d) {
        Instant now = clock.instant();
        if (budget == null || !d.specHash().equals(budgetHash)) {
            // a new revision (or spec) gets a new restart budget, and lifts a failure
            budget = new RestartBudget(d.restart());
            budgetHash = d.specHash();
            if (state == State.FAILED) state = State.STOPPED;
        }
        if (state == State.FAILED) return status();
        if (pid == 0 && !adoptionTried) adopt();
        if (pid != 0 && !alive()) {
            lastExit = describeExit();
            clearProcess();
            Optional<Instant> next = budget.exited(now);
            if (next.isEmpty()) {
                state = State.FAILED;
                lastExit += "; restart budget spent (" + d.restart().attempts() + " in " + d.restart().interval() + ")";
                return status();
            }
            state = State.BACKOFF;
            nextAttempt = next.get();
        }
        if (pid != 0 && (replace || !d.specHash().equals(runningHash))) {
            // the service changed, or a secret it read did: replace it (the grace period is the caller's choice for stop; here the default)
            launcher.stop(pid, startTime, d.stopGrace());
            clearProcess();
            state = State.STOPPED;
        }
        replace = false;
        if (pid == 0) {
            if (state == State.BACKOFF && now.isBefore(nextAttempt)) return status();
            if (state == State.BACKOFF) restarts++;
            start(d);
        }
        stamp(d);
        return status();
    }

    /**
     * The next {@link #reconcile} stops the running (or adopted) process and starts it again, though its spec is the
     * same: a secret it read at its start was rotated ({@code zed secrets rotate}), and only a new process reads it.
     */
    public synchronized void replace() {
        replace = true;
    }

    /** An operator's action: a failed service gets a new restart budget and is started on the next reconcile. */
    public synchronized void retry() {
        budget = null;
        if (state == State.FAILED) state = State.STOPPED;
    }

    /** Records the health gate's last transition on the dataset ({@code com.zed:health}), only when it changed. */
    public synchronized void stampHealth(String transition) {
        if (!transition.equals(own().get(HEALTH))) write(Map.of(HEALTH, transition));
    }

    /**
     * Its dataset was made again (destroyed behind Zed's back): what this supervisor remembers having stamped is gone
     * with it, so the next {@link #reconcile} reads the dataset again and writes every stamp anew (the running pid
     * among them: without it the next node could not adopt the process).
     */
    public synchronized void forgetStamps() {
        written = null;
    }

    /** The gate passed: the next crash backs off from the shortest delay again. */
    public synchronized void healthy() {
        if (budget != null) budget.healthy();
    }

    /** Stops the service (group-wide, SIGTERM then SIGKILL after {@code grace}) and clears its process stamps. */
    public synchronized void stop(Duration grace) {
        if (pid == 0 && !adoptionTried) adopt();
        if (pid != 0) launcher.stop(pid, startTime, grace);
        clearProcess();
        state = State.STOPPED;
        for (String k : new String[]{PID, STARTED_AT, LAUNCH}) {
            if (own().containsKey(k)) {
                store.inherit(dataset, k);
                written.remove(k);
            }
        }
    }

    public synchronized Status status() {
        return new Status(state, pid, restarts, state == State.BACKOFF ? nextAttempt : null, lastExit, lastExitCode, adopted);
    }

    /**
     * Finds the service through its stamps: the stamped pid, alive and the very process (same start time); else, when a
     * node was killed after a start and before it stamped the pid, the process that carries the last launch's token.
     */
    private void adopt() {
        Map<String, String> own = own();
        Optional<StampedProcess> process = StampedProcess.find(own.get(PID), own.get(STARTED_AT), own.get(LAUNCH), launcher);
        // tried once it answered: a find that failed (zed ops down) is tried again, never taken for "none"
        adoptionTried = true;
        process.ifPresent(found -> {
            adopted(found.pid(), found.startTime(), own.get(SPEC_HASH));
            // the stamps the killed node did not write: the next adoption takes the plain path
            if (found.byToken()) write(Map.of(PID, String.valueOf(pid), STARTED_AT, found.startTime()));
        });
    }

    private void adopted(long candidate, String started, String hash) {
        pid = candidate;
        startTime = started;
        runningHash = hash;
        exit = null;
        adopted = true;
        state = State.RUNNING;
    }

    private boolean alive() {
        if (exit != null && exit.isDone()) return false;
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && (exit != null || StartTime.same(pid, startTime));
    }

    private String describeExit() {
        if (exit != null) {
            try {
                // the JDK's reaper may complete the exit code a moment after the process is seen gone
                int code = exit.get(5, java.util.concurrent.TimeUnit.SECONDS);
                lastExitCode = code;
                return code > 128 ? "killed by signal " + (code - 128) : "exited with code " + code;
            } catch (Exception e) {
                return "exited";
            }
        }
        lastExitCode = null;
        return "exited (an adopted process: its exit code is not known)";
    }

    private void clearProcess() {
        pid = 0;
        startTime = null;
        runningHash = null;
        exit = null;
        adopted = false;
    }

    private void start(Desired d) {
        state = State.STARTING;
        for (Map.Entry<String, Integer> port : new TreeMap<>(d.ports()).entrySet()) {
            if (!Ports.free(port.getValue())) {
                state = State.STOPPED;
                throw new Launcher.LaunchError(d.ref() + ": port " + port.getValue() + " (vars." + port.getKey()
                        + ") is already in use by another process; nothing was started");
            }
        }
        // the intent first: a node killed right after the start finds the process by this token, never an orphan
        LaunchToken token = LaunchToken.fresh();
        Map<String, String> intent = new LinkedHashMap<>();
        intent.put(LAUNCH, token.value());
        intent.put(SPEC_HASH, d.specHash());
        write(intent);
        Map<String, String> env = new LinkedHashMap<>(d.launch().env());
        env.put(LaunchToken.ENV, token.value());
        Launcher.Started s;
        try {
            s = launcher.start(d.launch().withEnv(env));
        } catch (RuntimeException e) {
            // the process may run all the same (zed ops killed before it answered): the next reconcile looks for it
            // by this token before it starts another, or it would be a twin
            adoptionTried = false;
            throw e;
        }
        pid = s.pid();
        startTime = s.startTime();
        exit = s.exit();
        runningHash = d.specHash();
        adopted = false;
        nextAttempt = null;
        state = State.RUNNING;
    }

    /** Writes the service's stamps, only those that changed. */
    private void stamp(Desired d) {
        Map<String, String> want = new LinkedHashMap<>();
        want.put(MANAGED, "true");
        want.put(LEVEL, d.level());
        want.put(SERVICE, d.kindName());
        if (d.version() != null) want.put(VERSION, d.version());
        want.put(SPEC_HASH, d.specHash());
        if (!d.ports().isEmpty()) {
            want.put(PORTS, new TreeMap<>(d.ports()).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(",")));
        }
        if (pid != 0) {
            want.put(PID, String.valueOf(pid));
            want.put(STARTED_AT, startTime);
        }
        want.put(REV, String.valueOf(d.rev()));
        Map<String, String> changed = new LinkedHashMap<>();
        want.forEach((k, v) -> {
            if (!v.equals(own().get(k))) changed.put(k, v);
        });
        if (!changed.isEmpty()) write(changed);
    }

    /** The dataset's own com.zed:* values, read from the store the first time only. */
    private Map<String, String> own() {
        if (written == null) written = new java.util.HashMap<>(store.zedState(dataset));
        return written;
    }

    /** Sets the values and remembers them; a failed write remembers nothing, so the next tick writes again. */
    private void write(Map<String, String> values) {
        store.set(dataset, values);
        own().putAll(values);
    }
}
