package zed.reconciler.job;

import zed.config.LevelSpec;
import zed.reconciler.process.Launch;
import zed.reconciler.process.LaunchToken;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.RestartBudget;
import zed.reconciler.process.StampedProcess;
import zed.reconciler.process.StartTime;
import zed.reconciler.store.Snapshot;
import zed.reconciler.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Runs one job to completion, one reconcile at a time (the actor calls {@link #reconcile} on its timer and when the
 * process exits). Plain Java: no threads of its own, no Pekko. Its state lives on the job's dataset
 * ({@code com.zed:job.*}), so that a node's restart finds a job that succeeded, or failed past its budget, and never
 * runs it again at the same spec.
 *
 * <ul>
 *   <li>Exit 0 is Succeeded: stamped, the GPUs freed, never restarted.</li>
 *   <li>A failure restarts within {@code restart} (as a service's backoff), from the latest checkpoint: the dataset
 *       rolled back to it, {@code ZED_RESUME_STEP}; past the budget, Failed.</li>
 *   <li>A process an earlier node started is stopped and the job resumed from its checkpoint, not adopted: its
 *       checkpoint URL died with that node, and a job that cannot checkpoint would run on for nothing.</li>
 * </ul>
 */
public final class JobSupervisor {
    public static final String STATE = "com.zed:job.state";
    public static final String WHY = "com.zed:job.why";
    public static final String SPEC_HASH = "com.zed:job.spec-hash";
    public static final String PID = "com.zed:job.pid";
    public static final String STARTED_AT = "com.zed:job.started_at";
    /** The {@link LaunchToken} of the last start, stamped before it: how a node finds a process it never stamped. */
    public static final String LAUNCH = "com.zed:job.launch";
    public static final String RESUME_STEP = "ZED_RESUME_STEP";
    public static final String CHECKPOINT_URL = "ZED_CHECKPOINT_URL";

    public enum State { PENDING, RUNNING, BACKOFF, SUCCEEDED, FAILED, STOPPED }

    /**
     * What should run: {@code specHash} covers what makes it another run (its spec, its model's needs); {@code weights}
     * what its model's dataset holds now (null: not known), which a running process must match (else it is stopped and
     * resumed from its checkpoint on them: not another run).
     */
    public record Desired(String ref, String specHash, Launch launch, LevelSpec.RestartPolicy restart, Duration stopGrace, JobWeights weights) {
        public Desired(String ref, String specHash, Launch launch, LevelSpec.RestartPolicy restart, Duration stopGrace) {
            this(ref, specHash, launch, restart, stopGrace, null);
        }
    }

    /** What a start takes besides the process: its GPUs, until the job ends (succeeded, failed or stopped). */
    public interface Seats {
        /** The placement's variables, or why the job waits; asked again at each reconcile while it waits. */
        Seat take();

        void free();
    }

    public sealed interface Seat {
    }

    public record Taken(Map<String, String> env) implements Seat {
    }

    public record Wait(String why) implements Seat {
    }

    /** Opens a checkpoint URL for one run of the process; {@link Opened#close} once it has exited. */
    public interface Checkpointing {
        Opened open();
    }

    public record Opened(String url, Runnable close) {
        @Override
        public String toString() {
            return "Opened[url hidden]"; // the URL holds the run's token
        }
    }

    /**
     * @param why       why it waits, or why it failed; null otherwise
     * @param started   how many processes this supervisor started (the first, and each restart)
     * @param resumedAt the checkpoint step the running process resumed from (null: it started fresh)
     * @param recorded  its end was read from the dataset's stamps, not seen by this supervisor
     * @param weights   the model's weights the running process started on (null: none runs, or not known)
     */
    public record Status(State state, long pid, int started, int restarts, Instant nextAttempt, String why, String lastExit,
                         Long resumedAt, boolean recorded, JobWeights weights) {
    }

    private final Store store;
    private final String dataset;
    private final Launcher launcher;
    private final Clock clock;
    private final Seats seats;
    private final Checkpointing checkpointing;

    private State state = State.STOPPED;
    private long pid;
    private String startTime;
    private String runningHash;
    private JobWeights runningWeights;
    private CompletableFuture<Integer> exit;
    private Opened opened;
    private RestartBudget budget;
    private String budgetHash;
    private boolean looked;
    /** The next start resumes from the latest checkpoint: the last run failed or was interrupted. */
    private boolean afterFailure;
    private boolean recorded;
    private Instant nextAttempt;
    private String why;
    private String lastExit;
    private Long resumedAt;
    private int started;
    private int restarts;

    public JobSupervisor(Store store, String dataset, Launcher launcher, Clock clock, Seats seats, Checkpointing checkpointing) {
        this.store = store;
        this.dataset = dataset;
        this.launcher = launcher;
        this.clock = clock;
        this.seats = seats;
        this.checkpointing = checkpointing;
    }

    public String dataset() {
        return dataset;
    }

    public synchronized Status reconcile(Desired d) {
        Instant now = clock.instant();
        if (!looked) look(d);
        if (budget == null || !d.specHash().equals(budgetHash)) {
            if (budget != null) newSpec();
            budget = new RestartBudget(d.restart());
            budgetHash = d.specHash();
        }
        if (state == State.SUCCEEDED || state == State.FAILED) return status();
        if (pid != 0 && !alive()) exited(d, now);
        if (state == State.SUCCEEDED || state == State.FAILED) return status();
        if (pid != 0 && !d.specHash().equals(runningHash)) {
            // the job changed: its process is replaced, and the new spec starts as a new run (newSpec)
            stopProcess(d.stopGrace());
            state = State.STOPPED;
        }
        String weightsChanged = pid != 0 ? JobWeights.change(runningWeights, d.weights()) : null;
        if (weightsChanged != null) {
            // its model's files were replaced under it (the level stops it before a copy; this catches a process it
            // could not, one in its restart's delay then): not a failure, it resumes from its checkpoint on the new ones
            stopProcess(d.stopGrace());
            state = State.STOPPED;
            afterFailure = true;
            lastExit = "stopped: " + weightsChanged;
        }
        if (pid == 0) {
            if (state == State.BACKOFF && now.isBefore(nextAttempt)) return status();
            Seat seat = seats.take();
            if (seat instanceof Wait w) {
                state = State.PENDING;
                why = w.why();
                return status();
            }
            start(d, ((Taken) seat).env());
        }
        return status();
    }

    /** Asks the running process for a checkpoint (SIGUSR1); false when none runs. */
    public synchronized boolean askCheckpoint() {
        return pid != 0 && state == State.RUNNING && launcher.signalUsr1(pid, startTime);
    }

    /**
     * Stops the process (group-wide, SIGTERM then SIGKILL after {@code grace}), closes its checkpoint URL and frees
     * its GPUs. Its state stays {@code running} on the dataset: started again, it resumes from its checkpoint.
     */
    public synchronized void stop(Duration grace) {
        if (!looked) {
            looked = true;
            Map<String, String> own = store.exists(dataset) ? store.zedState(dataset) : Map.of();
            StampedProcess.find(own.get(PID), own.get(STARTED_AT), own.get(LAUNCH), launcher).ifPresent(f -> launcher.stop(f.pid(), f.startTime(), grace));
        }
        if (pid != 0) {
            stopProcess(grace);
            afterFailure = true; // interrupted: started again, it resumes from its checkpoint
        } else {
            seats.free();
        }
        if (state != State.SUCCEEDED && state != State.FAILED) state = State.STOPPED;
    }

    /**
     * Takes the job off its GPUs because one of them went away, or its model's weights are about to be replaced
     * ({@code why}): its process, if one runs, is stopped as a restart stops it (SIGTERM, its checkpoint URL open
     * through the grace), and its GPUs are freed, so that the next {@link #reconcile} places it again and resumes it
     * from its latest checkpoint. Not the job's failure: its restart budget is left as it was. A job that ended holds
     * no GPU and is left alone.
     *
     * @return whether a running process was stopped
     */
    public synchronized boolean displace(String why, Duration grace) {
        if (state == State.SUCCEEDED || state == State.FAILED) return false;
        boolean running = pid != 0 && alive();
        // a process that exited meanwhile is the next reconcile's to judge (its exit counts as any); its GPUs go now
        if (running) {
            stopProcess(grace);
            state = State.STOPPED;
            afterFailure = true; // interrupted: it resumes from its checkpoint
            lastExit = "stopped: " + why;
        } else {
            seats.free();
        }
        return running;
    }

    /**
     * An operator's rollback to one of the job's checkpoints (the "bad run" case): its process, if one runs, is stopped
     * as a restart stops it; the dataset goes back to the checkpoint with {@code zfs rollback -r}, so every snapshot
     * newer than it is destroyed; and the job runs again from it, {@code ZED_RESUME_STEP} its step, with a fresh
     * restart budget, whether it was running, succeeded or failed. The next {@link #reconcile} starts it.
     *
     * @throws IllegalArgumentException when {@code checkpoint} is not one of its checkpoints (the message lists them)
     * @throws IllegalStateException    before this supervisor has looked at its dataset (the job has not run here yet)
     */
    public synchronized JobCourse.Back rollback(String checkpoint, Duration grace) {
        if (!looked) throw new IllegalStateException("the job has not been started on this node yet; try again in a moment");
        JobCourse.Rollback r = JobCourse.rollback(checkpoint, checkpointSteps());
        if (r instanceof JobCourse.NotACheckpoint n) throw new IllegalArgumentException(n.why());
        JobCourse.Back back = (JobCourse.Back) r;
        if (pid != 0) {
            stopProcess(grace);
            // interrupted: should the rollback fail, it resumes from its newest checkpoint, as after any stop
            state = State.STOPPED;
            afterFailure = true;
        }
        store.rollback(dataset, back.target().snapshot());
        state = State.STOPPED;
        afterFailure = true; // the start resumes from the latest checkpoint, which is now this one
        recorded = false;
        // a node restarted now resumes the job rather than finding it ended
        write(Map.of(STATE, "running"));
        if (store.zedState(dataset).containsKey(WHY)) store.inherit(dataset, WHY);
        budget = null;
        nextAttempt = null;
        why = null;
        lastExit = "rolled back to " + back.target().snapshot();
        return back;
    }

    public synchronized Status status() {
        return new Status(state, pid, started, restarts, state == State.BACKOFF ? nextAttempt : null, why, lastExit, pid != 0 ? resumedAt : null, recorded,
                pid != 0 ? runningWeights : null);
    }

    /**
     * The first look at the dataset: what became of the job at this spec, and a process an earlier node left running,
     * which is stopped (its checkpoint URL is gone); the job then resumes from its checkpoint.
     */
    private void look(Desired d) {
        Map<String, String> own = store.zedState(dataset);
        StampedProcess.find(own.get(PID), own.get(STARTED_AT), own.get(LAUNCH), launcher).ifPresent(f -> launcher.stop(f.pid(), f.startTime(), d.stopGrace()));
        // looked only once the lookup answered: one that failed (zed ops down) is asked again at the next step
        looked = true;
        clearStamps(own);
        switch (JobCourse.recorded(own.get(STATE), own.get(SPEC_HASH), d.specHash())) {
            case SUCCEEDED -> {
                state = State.SUCCEEDED;
                recorded = true;
            }
            case FAILED -> {
                state = State.FAILED;
                why = own.getOrDefault(WHY, "failed");
                recorded = true;
            }
            case INTERRUPTED -> afterFailure = true;
            case NEW -> {
            }
        }
    }

    /** A new spec is a new run: whatever became of the last one, it starts fresh with a new budget. */
    private void newSpec() {
        if (state == State.SUCCEEDED || state == State.FAILED) state = State.STOPPED;
        afterFailure = false;
        recorded = false;
        why = null;
        restarts = 0;
        started = 0;
    }

    private void exited(Desired d, Instant now) {
        Integer code = exitCode();
        closeRun();
        pid = 0;
        startTime = null;
        exit = null;
        runningHash = null;
        lastExit = JobCourse.describe(code);
        Map<String, String> own = new HashMap<>(store.zedState(dataset));
        if (JobCourse.succeeded(code)) {
            write(Map.of(STATE, "succeeded"));
            clearStamps(own);
            state = State.SUCCEEDED;
            why = null;
            seats.free();
            return;
        }
        afterFailure = true;
        java.util.Optional<Instant> next = budget.exited(now);
        if (next.isEmpty()) {
            state = State.FAILED;
            why = lastExit + "; restart budget spent (" + d.restart().attempts() + " in " + d.restart().interval() + ")";
            write(Map.of(STATE, "failed", WHY, why.length() > 1000 ? why.substring(0, 1000) : why));
            clearStamps(own);
            seats.free();
            return;
        }
        state = State.BACKOFF;
        nextAttempt = next.get();
        why = lastExit + "; restarts at " + nextAttempt;
    }

    private void start(Desired d, Map<String, String> placement) {
        // the URL first: a node that cannot open one starts nothing, and rolls nothing back
        Opened run = checkpointing.open();
        Launcher.Started s;
        Long resumed = null;
        LaunchToken token = LaunchToken.fresh();
        try {
            JobCourse.Start from = JobCourse.start(afterFailure, afterFailure ? checkpointSteps() : Map.of());
            Map<String, String> env = new LinkedHashMap<>(d.launch().env());
            env.putAll(placement);
            if (from instanceof JobCourse.Resume r) {
                // back to the checkpoint: what the failed run wrote after it is gone, as the job expects when it resumes
                store.rollback(dataset, r.snapshot());
                env.put(RESUME_STEP, String.valueOf(r.step()));
                resumed = r.step();
            }
            // the intent first: a node killed right after the start finds the process by this token, never an orphan
            Map<String, String> intent = new LinkedHashMap<>();
            intent.put(STATE, "running");
            intent.put(SPEC_HASH, d.specHash());
            intent.put(LAUNCH, token.value());
            write(intent);
            env.put(CHECKPOINT_URL, run.url());
            env.put(LaunchToken.ENV, token.value());
            Launch l = d.launch();
            // its dataset is its home: the user it runs as may write its checkpoints there
            if (l.as() != null) launcher.processes().giveHome(l.service(), dataset, l.workdir(), l.as());
            s = launcher.start(l.withEnv(env));
        } catch (RuntimeException e) {
            run.close().run();
            // the process may have started before the answer was lost (zed ops killed while it answered): the next
            // step looks for it by its launch token, stops it and resumes from the checkpoint, never a twin beside it
            looked = false;
            throw e;
        }
        opened = run;
        pid = s.pid();
        startTime = s.startTime();
        exit = s.exit();
        runningHash = d.specHash();
        runningWeights = d.weights();
        if (started > 0) restarts++;
        started++;
        resumedAt = resumed;
        nextAttempt = null;
        why = null;
        state = State.RUNNING;
        write(Map.of(PID, String.valueOf(pid), STARTED_AT, startTime));
    }

    /** Each snapshot of the dataset and its {@code com.zed:ckpt.step}, for {@link Checkpoints}. */
    private Map<String, String> checkpointSteps() {
        Map<String, String> steps = new LinkedHashMap<>();
        for (Snapshot s : store.snapshots(dataset)) steps.put(s.name(), s.zedState().get(Checkpoint.STEP));
        return steps;
    }

    private boolean alive() {
        if (exit != null && exit.isDone()) return false;
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) && StartTime.same(pid, startTime);
    }

    private Integer exitCode() {
        if (exit == null) return null;
        try {
            // the JDK's reaper may complete the exit code a moment after the process is seen gone
            return exit.get(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private void stopProcess(Duration grace) {
        launcher.stop(pid, startTime, grace);
        closeRun();
        pid = 0;
        startTime = null;
        exit = null;
        runningHash = null;
        seats.free();
        Map<String, String> own = store.zedState(dataset);
        clearStamps(own);
    }

    private void closeRun() {
        if (opened != null) opened.close().run();
        opened = null;
    }

    private void clearStamps(Map<String, String> own) {
        for (String k : new String[]{PID, STARTED_AT, LAUNCH}) if (own.containsKey(k)) store.inherit(dataset, k);
    }

    private void write(Map<String, String> values) {
        store.set(dataset, values);
    }
}
