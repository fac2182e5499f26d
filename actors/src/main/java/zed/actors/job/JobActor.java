package zed.actors.job;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.StashBuffer;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import zed.actors.host.GpuEvent;
import zed.actors.level.LevelHost;
import zed.actors.resource.ServiceActor;
import zed.actors.resource.StopReplies;
import zed.actors.resource.Ticks;
import zed.config.LevelSpec;
import zed.config.SpecJson;
import zed.reconciler.dataset.Planner;
import zed.reconciler.gpu.GpuLoss;
import zed.reconciler.job.Checkpoints;
import zed.reconciler.job.JobSupervisor;
import zed.reconciler.process.Environment;
import zed.reconciler.process.HostUsers;
import zed.reconciler.process.Launch;
import zed.reconciler.process.RunAs;
import zed.reconciler.store.Snapshot;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * One job of a level on this host: a loop around {@link JobSupervisor}, its steps on the node's process executor.
 * It places the job on this host's GPUs ({@link JobGpus}) at each start, opens a checkpoint URL for each run of its
 * process ({@link CheckpointEndpoint}), sends SIGUSR1 every {@code checkpoint_every} while the process runs, and tells
 * the level what status shows of it: its state, GPUs, last step and metrics, checkpoints.
 */
public final class JobActor extends AbstractBehavior<JobActor.Msg> {
    public sealed interface Msg {
    }

    /** Run this job as revision {@code rev} declares it. */
    public record Run(long rev, LevelSpec level, LevelSpec.JobSpec spec) implements Msg {
    }

    /** Stops its process; the answer is a service's, so that a level's stop and rollback count both alike. */
    public record Stop(ActorRef<ServiceActor.Stopped> replyTo) implements Msg {
    }

    /** An operator's rollback to one of its checkpoints ({@link JobSupervisor#rollback}); the job then runs again from it. */
    public record RollBack(String checkpoint, ActorRef<RolledBack> replyTo) implements Msg {
    }

    /**
     * What became of a rollback: the checkpoint and its step, the snapshots destroyed with it ({@code zfs rollback -r}),
     * or why it was refused ({@code refused}: not one of its checkpoints; else {@code error}: it could not be done now).
     */
    public record RolledBack(String job, String snapshot, Long step, List<String> destroyed, String refused, String error) {
    }

    /**
     * Its model's weights are about to be replaced ({@code why}): its process stops now and the job waits, until the
     * level hands it the revision again ({@link Run}, once the copy is done), and then resumes from its checkpoint on
     * the new weights. Answered once no process of it runs.
     */
    public record Pause(String why, ActorRef<Paused> replyTo) implements Msg {
    }

    /** @param stopped whether a running process was stopped for it; {@code error}: why it could not be stopped (null: it was) */
    public record Paused(String job, boolean stopped, String error) {
    }

    private record PauseDone(Pause asked, JobSupervisor.Status stopped, Throwable error) implements Msg {
    }

    /**
     * Stops its process and starts it again, resumed from its newest checkpoint, because a secret it read at its start
     * was rotated ({@code why}); answers once the new process runs (or the job has ended, or failed).
     */
    public record Restart(String why, ActorRef<ServiceActor.Restarted> replyTo) implements Msg {
    }

    private record RestartStopped(Restart asked, boolean stopped, Throwable error) implements Msg {
    }

    private record RollbackDone(RollBack asked, zed.reconciler.job.JobCourse.Back back, Throwable error) implements Msg {
    }

    private record Tick() implements Msg {
    }

    private record Exited(long pid) implements Msg {
    }

    private record AskCheckpoint() implements Msg {
    }

    private record Checkpointed(CheckpointEndpoint.Taken taken) implements Msg {
    }

    /** @param seq which count this answers: counts run on a pool and may answer out of order */
    private record Counted(long runId, long seq, int count, Long step, List<Checkpoints.Point> history) implements Msg {
    }

    /** Time to count the checkpoints again: the last count missed the newest one. */
    private record Recount() implements Msg {
    }

    private record Supervised(long runId, JobSupervisor.Status status, Throwable error) implements Msg {
    }

    private record StopDone(Throwable error) implements Msg {
    }

    /** A GPU of this host appeared, changed or is gone (HostInventoryActor's GPU nodes publish it). */
    private record GpuSeen(GpuEvent event) implements Msg {
    }

    /** The job was taken off a GPU that went away ({@code why}); {@code stopped}: its status once a running process was stopped, else null. */
    private record Displaced(String why, JobSupervisor.Status stopped, Throwable error) implements Msg {
    }

    /**
     * What the level hears, and status shows.
     *
     * @param state       Pending, Running, Succeeded, Failed or Stopped
     * @param why         why it waits (a GPU, a restart's delay) or why it failed; null otherwise
     * @param gpus        the UUIDs of the GPUs it holds
     * @param started     how many processes were started at this spec on this node; {@code restarts} of those after a failure
     * @param resumedAt   the checkpoint step the running process resumed from (null: from the start)
     * @param step        the newest checkpoint's step (null: none); {@code metrics} those it posted with it (this node's)
     * @param recorded    its end was read from its dataset, not seen now: the level journals no event for it
     * @param preemptions how many times a GPU it ran on went away and its process was stopped ({@code preempted}: why, the last time)
     * @param weights     the model's weights its running process started on ({@code llama v3}); null: none runs
     * @param stops       how many times its process was stopped because its model's weights were to be replaced ({@code stopped}: why, the last time)
     * @param history     each checkpoint its dataset keeps with its metrics, oldest first (the dashboard's curves)
     */
    public record Report(String job, long rev, String state, String why, String host, List<String> gpus, long pid, int started, int restarts,
                         String lastExit, Long resumedAt, Long step, Map<String, Double> metrics, int checkpoints, boolean recorded,
                         int preemptions, String preempted, String weights, int stops, String stopped, List<Checkpoints.Point> history) {
        public Report {
            history = history == null ? List.of() : List.copyOf(history); // a status from before the field
        }
    }

    static final Duration TICK = Duration.ofMillis(500);
    static final Duration BACKOFF_MIN = Duration.ofMillis(200);
    static final Duration BACKOFF_MAX = Duration.ofSeconds(30);
    public static final Duration STOP_GRACE = Duration.ofSeconds(10);

    private final LevelHost host;
    private final ActorRef<Report> level;
    private final TimerScheduler<Msg> timers;
    private final StashBuffer<Msg> stash;
    private Run current;
    /** The newest Run, for the steps (off the actor's thread): what the job's GPUs and checkpoints are placed by. */
    private volatile Run declared;
    private CheckpointEndpoint.JobKey key;
    private JobSupervisor supervisor;
    /** What the run {@code runId} starts, made in its first step (it asks the store for the mountpoint). */
    private record DesiredFor(long runId, JobSupervisor.Desired desired) {
    }

    private volatile DesiredFor desired;
    private long runId;
    private boolean supervising;
    private final StopReplies stops = new StopReplies();
    private int failures;
    private String lastError;
    private JobSupervisor.Status status;
    private long watchedPid;
    private long signalledPid;
    private Long step;
    private Map<String, Double> metrics = Map.of();
    private int checkpoints;
    private List<Checkpoints.Point> history = List.of();
    /** The last count asked for, the newest applied, and how many times in a row a count missed the newest checkpoint. */
    private long countAsked, countApplied;
    private int recounts;
    private Report reported;
    /** Why it waits after a GPU it held went away: its Pending reason names that GPU until it is placed again. */
    private volatile String lost;
    private int preemptions;
    private String preempted;
    /** Why it waits for its model's new weights (null: it does not): no step starts it until the next Run. */
    private String paused;
    private int weightStops;
    private String weightStopped;

    private JobActor(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, StashBuffer<Msg> stash, LevelHost host, ActorRef<Report> level) {
        super(ctx);
        this.timers = timers;
        this.stash = stash;
        this.host = host;
        this.level = level;
    }

    public static Behavior<Msg> create(LevelHost host, ActorRef<Report> level) {
        return Behaviors.<Msg>setup(ctx -> {
            // each job hears of this host's GPUs itself, and acts on those it holds (JobGpus knows which)
            ctx.getSystem().eventStream().tell(new EventStream.Subscribe<>(GpuEvent.class, ctx.messageAdapter(GpuEvent.class, GpuSeen::new)));
            return Behaviors.withTimers(t -> Behaviors.withStash(64, stash -> new JobActor(ctx, t, stash, host, level)));
        });
    }

    @Override
    public Receive<Msg> createReceive() {
        return newReceiveBuilder()
                .onMessage(Run.class, this::onRun)
                .onMessage(Stop.class, this::onStop)
                .onMessage(Tick.class, t -> supervise())
                .onMessage(Recount.class, r -> {
                    count();
                    return this;
                })
                .onMessage(Exited.class, e -> e.pid() == watchedPid ? supervise() : this)
                .onMessage(AskCheckpoint.class, a -> askCheckpoint())
                .onMessage(Checkpointed.class, this::onCheckpointed)
                .onMessage(Counted.class, this::onCounted)
                .onMessage(Supervised.class, this::onSupervised)
                .onMessage(StopDone.class, this::onStopDone)
                .onMessage(RollBack.class, this::onRollBack)
                .onMessage(Restart.class, this::onRestart)
                .onMessage(RestartStopped.class, this::onRestartStopped)
                .onMessage(RollbackDone.class, this::onRollbackDone)
                .onMessage(GpuSeen.class, this::onGpuSeen)
                .onMessage(Displaced.class, this::onDisplaced)
                .onMessage(Pause.class, this::onPause)
                .onMessage(PauseDone.class, this::onPauseDone)
                // stopped without a Stop (the level restarts in place), it leaves its process to the next actor, which
                // stops it and resumes the job from its checkpoint (JobSupervisor)
                .build();
    }

    private Behavior<Msg> onRun(Run r) {
        if (stops.asked()) {
            stash.stash(r);
            return this;
        }
        String dataset = Planner.full(host.root(r.level()), r.spec().dataset());
        key = new CheckpointEndpoint.JobKey(r.level().id(), r.spec().name());
        if (supervisor == null || !supervisor.dataset().equals(dataset)) {
            // one supervisor for as long as the job keeps its dataset: a new revision that leaves the job alone goes on
            // with the same process
            supervisor = new JobSupervisor(host.store(r.level()), dataset, host.launcher(), Clock.systemUTC(), seats(key),
                    checkpointing(r.level(), key, dataset));
            step = null;
            metrics = Map.of();
            history = List.of();
        }
        current = r;
        declared = r;
        paused = null; // the revision's weights are copied: its model's dataset holds them whole
        return newRun();
    }

    /** A new run: a step in flight answers for the old one and is followed by a fresh one (onSupervised). */
    private Behavior<Msg> newRun() {
        runId++;
        failures = 0;
        lastError = null;
        reported = null;
        timers.cancelAll();
        count();
        return supervise();
    }

    private static LevelSpec.Requires requires(Run r) {
        return r.level().models().stream().filter(m -> m.name().equals(r.spec().model())).findFirst().map(LevelSpec.ModelSpec::requires)
                .orElse(LevelSpec.Requires.DEFAULT);
    }

    /** The GPUs as the newest revision's model requires them (a change of it replaces the process: JobSupervisor). */
    private JobSupervisor.Seats seats(CheckpointEndpoint.JobKey job) {
        JobGpus gpus = host.gpus();
        return new JobSupervisor.Seats() {
            @Override
            public JobSupervisor.Seat take() {
                JobSupervisor.Seat seat = gpus.take(job, requires(declared));
                String l = lost;
                if (seat instanceof JobSupervisor.Taken) lost = null;
                else if (l != null && seat instanceof JobSupervisor.Wait w) return new JobSupervisor.Wait(GpuLoss.waiting(l, w.why()));
                return seat;
            }

            @Override
            public void free() {
                gpus.free(job);
            }
        };
    }

    private JobSupervisor.Checkpointing checkpointing(LevelSpec level, CheckpointEndpoint.JobKey job, String dataset) {
        ActorRef<Msg> self = getContext().getSelf();
        return () -> {
            CheckpointEndpoint endpoint = host.checkpointsFor(level);
            if (endpoint == null) throw new IllegalStateException("this node has no checkpoint endpoint: the job cannot checkpoint, so it is not started");
            CheckpointEndpoint.Run run = endpoint.open(job, dataset, declared.spec().keep(), taken -> self.tell(new Checkpointed(taken)));
            return new JobSupervisor.Opened(run.url(), run::close);
        };
    }

    /** What the process gets besides Zed's variables: the level's whitelist and the job's own env; cwd its dataset. */
    private JobSupervisor.Desired desired(Run r) {
        LevelSpec.JobSpec spec = r.spec();
        // recorded in the slots' consumers as a service is, so that zed secrets rotate restarts it too
        Map<String, String> env = Environment.of(r.level(), spec.env(), System::getenv, host.secrets().forService(consumer(r)));
        java.nio.file.Path workdir = host.store(r.level()).mountpoint(supervisor.dataset());
        java.nio.file.Path logs = host.levelState(r.level()).resolve("var").resolve("job." + spec.name()).resolve("log");
        // as a service: the user its Zedfile names, else the agent's --service-user
        RunAs as = HostUsers.runAs("job." + spec.name(), spec.user() == null ? host.serviceUser() : spec.user(), spec.group());
        if (as != null && as.home() != null && !spec.env().containsKey("HOME")) env.put("HOME", as.home()); // not root's
        Launch launch = new Launch("job." + spec.name(), spec.runtime().cmd(), env, workdir, logs, as);
        return new JobSupervisor.Desired("job." + spec.name(), hash(r), launch, spec.restart(), STOP_GRACE, weights(r));
    }

    /** What its model's dataset holds now, as its copy stamped it; null: the level has no such model. */
    private zed.reconciler.job.JobWeights weights(Run r) {
        LevelSpec.ModelSpec m = r.level().models().stream().filter(x -> x.name().equals(r.spec().model())).findFirst().orElse(null);
        if (m == null) return null;
        zed.reconciler.store.Store store = host.store(r.level());
        String ds = Planner.full(host.root(r.level()), m.dataset());
        return zed.reconciler.job.JobWeights.of(m.name(), store.exists(ds) ? store.zedState(ds) : Map.of());
    }

    /** The job as a secret's consumer: {@code level/job/name} (a service's is {@code level/kind/name}). */
    static String consumer(Run r) {
        return r.level().id() + "/job/" + r.spec().name();
    }

    // ---- a secret it reads was rotated ---------------------------------------------------------------------------

    /** Who waits for the new process of a {@link Restart}; null: nobody. */
    private ActorRef<ServiceActor.Restarted> restartAnswer;
    /** A {@link Restart} that came while a step was in flight: handled when it is back. */
    private Restart pendingRestart;

    private String ref() {
        return current == null ? "job" : "job." + current.spec().name();
    }

    private Behavior<Msg> onRestart(Restart r) {
        if (current == null || supervisor == null || stops.asked()) {
            r.replyTo().tell(new ServiceActor.Restarted(ref(), false, "it does not run on this node now"));
            return this;
        }
        if (supervising) {
            // a step in flight may start the process with the old value after the stop: the restart follows it
            pendingRestart = r;
            return this;
        }
        JobSupervisor s = supervisor;
        desired = null; // every step from now on resolves its environment anew: the rotated value
        getContext().getLog().info("{}: restarting, {}", ref(), r.why());
        // off the actor's thread: it stops a process (up to its grace), as a lost GPU does: resumed from its checkpoint,
        // its restart budget left as it was
        getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> s.displace(r.why(), STOP_GRACE), host.work().processes()),
                (stopped, e) -> new RestartStopped(r, Boolean.TRUE.equals(stopped), e));
        return this;
    }

    private Behavior<Msg> onRestartStopped(RestartStopped d) {
        if (d.error() != null) {
            d.asked().replyTo().tell(new ServiceActor.Restarted(ref(), false, "stopping it failed: " + d.error().getMessage()));
            return supervise();
        }
        if (!d.stopped()) {
            // ended, or between processes: its next start reads the new value, and nothing runs with the old one
            d.asked().replyTo().tell(new ServiceActor.Restarted(ref(), true, status == null ? "not running" : "not running (" + status.state().name().toLowerCase(java.util.Locale.ROOT) + ")"));
            return supervise();
        }
        if (restartAnswer != null) restartAnswer.tell(new ServiceActor.Restarted(ref(), false, "restarted again before it ran (" + d.asked().why() + ")"));
        restartAnswer = d.asked().replyTo();
        timers.cancel("tick");
        return supervise();
    }

    /** Answers a {@link Restart} once a new process runs, or the job ended or failed. */
    private void answerRestart() {
        if (restartAnswer == null || status == null) return;
        boolean running = status.state() == JobSupervisor.State.RUNNING && status.pid() != 0;
        boolean over = status.state() == JobSupervisor.State.FAILED || status.state() == JobSupervisor.State.SUCCEEDED;
        if (!running && !over) return;
        restartAnswer.tell(new ServiceActor.Restarted(ref(), status.state() != JobSupervisor.State.FAILED,
                status.state() == JobSupervisor.State.FAILED ? status.why() : null));
        restartAnswer = null;
    }

    /** What makes it another run: its spec without positions (an edit above the block is not one), its model's needs. */
    static String hash(Run r) {
        LevelSpec.JobSpec s = r.spec();
        LevelSpec.JobSpec bare = new LevelSpec.JobSpec(s.name(), s.model(), s.dataset(), s.env(), s.runtime(), s.checkpointEvery(), s.keep(), s.restart(),
                zed.config.Pos.NONE);
        String text = SpecJson.write(bare) + "\0" + SpecJson.write(requires(r));
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- the step ------------------------------------------------------------------------------------------------

    private Behavior<Msg> supervise() {
        if (current == null || supervising || stops.asked() || paused != null) return this;
        supervising = true;
        Run r = current;
        long id = runId;
        JobSupervisor s = supervisor;
        step(() -> {
            DesiredFor d = desired;
            if (d == null || d.runId() != id) {
                d = new DesiredFor(id, desired(r));
                desired = d; // a step of an earlier run never hands its spec to a later one: each is made for its runId
            }
            return s.reconcile(d.desired());
        }, (st, e) -> new Supervised(id, st, e));
        return this;
    }

    private Behavior<Msg> onSupervised(Supervised d) {
        supervising = false;
        if (pendingRestart != null && !stops.asked()) {
            Restart r = pendingRestart;
            pendingRestart = null;
            onRestart(r);
        }
        if (stops.asked()) return stopNow();
        if (d.runId() != runId) return supervise();
        if (d.error() != null) {
            Throwable t = d.error() instanceof java.util.concurrent.CompletionException && d.error().getCause() != null ? d.error().getCause() : d.error();
            failures++;
            lastError = t.getMessage() == null ? t.toString() : t.getMessage();
            timers.startSingleTimer("tick", new Tick(), Ticks.backoff(BACKOFF_MIN, failures, BACKOFF_MAX));
            report();
            return this;
        }
        failures = 0;
        lastError = null;
        status = d.status();
        if (status.pid() != 0 && status.pid() != watchedPid) {
            watchedPid = status.pid();
            ActorRef<Msg> self = getContext().getSelf();
            long pid = status.pid();
            ProcessHandle.of(pid).ifPresent(h -> h.onExit().thenRun(() -> self.tell(new Exited(pid))));
        }
        scheduleCheckpoints();
        report();
        answerRestart();
        boolean over = status.state() == JobSupervisor.State.SUCCEEDED || status.state() == JobSupervisor.State.FAILED;
        // a job that ended is looked at again only when a new revision changes it
        if (!over) timers.startSingleTimer("tick", new Tick(), Ticks.jittered(TICK));
        return this;
    }

    /** SIGUSR1 every checkpoint_every from a process's start, while it runs. */
    private void scheduleCheckpoints() {
        Duration every = current.spec().checkpointEvery();
        boolean running = status.state() == JobSupervisor.State.RUNNING;
        if (every == null || !running) {
            timers.cancel("usr1");
            signalledPid = 0;
            return;
        }
        if (status.pid() == signalledPid) return;
        signalledPid = status.pid();
        timers.startTimerAtFixedRate("usr1", new AskCheckpoint(), every);
    }

    private Behavior<Msg> askCheckpoint() {
        JobSupervisor s = supervisor;
        if (s == null || stops.asked()) return this;
        // off the actor's thread (a kill(2) is quick, but the start-time check reads /proc); a miss is the next period's
        CompletableFuture.runAsync(s::askCheckpoint, host.work().processes());
        return this;
    }

    private Behavior<Msg> onRollBack(RollBack r) {
        String job = current == null ? "?" : current.spec().name();
        if (supervisor == null || stops.asked()) {
            r.replyTo().tell(new RolledBack(job, null, null, List.of(), null, supervisor == null ? "the job has not been started on this node yet"
                    : "the level is stopping"));
            return this;
        }
        JobSupervisor s = supervisor;
        // off the actor's thread: it stops a process (up to its grace) and rolls the dataset back; after any step in
        // flight, which holds the supervisor
        getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> s.rollback(r.checkpoint(), STOP_GRACE), host.work().processes()),
                (b, e) -> new RollbackDone(r, b, e));
        return this;
    }

    private Behavior<Msg> onRollbackDone(RollbackDone d) {
        String job = current.spec().name();
        if (d.error() != null) {
            Throwable t = d.error() instanceof java.util.concurrent.CompletionException && d.error().getCause() != null ? d.error().getCause() : d.error();
            String why = t.getMessage() == null ? t.toString() : t.getMessage();
            d.asked().replyTo().tell(t instanceof IllegalArgumentException ? new RolledBack(job, null, null, List.of(), why, null)
                    : new RolledBack(job, null, null, List.of(), null, why));
            // a rollback that failed part way (its process stopped, the dataset not rolled back) is looked at again
            return supervise();
        }
        zed.reconciler.job.JobCourse.Back back = d.back();
        d.asked().replyTo().tell(new RolledBack(job, back.target().snapshot(), back.target().step(), back.destroyed(), null, null));
        step = back.target().step();
        metrics = Map.of(); // those of the newer checkpoint, which is gone
        return newRun();
    }

    // ---- a GPU it holds goes away ---------------------------------------------------------------------------------

    private Behavior<Msg> onGpuSeen(GpuSeen seen) {
        GpuEvent e = seen.event();
        if (current == null || key == null || supervisor == null || stops.asked()) return this;
        java.util.Optional<String> why = e instanceof GpuEvent.Gone g ? java.util.Optional.of(GpuLoss.gone(g.gpu()))
                : e instanceof GpuEvent.Changed c ? GpuLoss.changed(c.before(), c.gpu()) : java.util.Optional.empty();
        if (why.isEmpty() || !e.host().equals(host.config().cluster().host()) || !host.gpus().holding(e.gpu()).contains(key)) return this;
        lost = why.get(); // before the stop: a reconcile right after it waits with this reason
        // told before the stop, while it still holds the lost GPU: a tick may place it again before the stop's answer
        // comes, and the level would hear of its restart first, and of the preemption with the new GPU
        preemptions++;
        preempted = why.get();
        report();
        JobSupervisor s = supervisor;
        // off the actor's thread: it stops a process (up to its grace); after any step in flight, which holds the supervisor
        getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> s.displace(why.get(), STOP_GRACE) ? s.status() : null, host.work().processes()),
                (stopped, err) -> new Displaced(why.get(), stopped, err));
        return this;
    }

    private Behavior<Msg> onDisplaced(Displaced d) {
        if (d.error() != null) {
            getContext().getLog().warn("job {}: taking it off its GPU ({}) failed: {}", key.job(), d.why(), d.error().toString());
        } else if (d.stopped() != null) {
            getContext().getLog().warn("job {}: stopped, {}; it is placed again", key.job(), d.why());
            status = d.stopped();
            report();
        }
        return supervise(); // placed again now rather than at the next tick
    }

    // ---- its model's weights are replaced ---------------------------------------------------------------------------

    private Behavior<Msg> onPause(Pause p) {
        String job = key == null ? "" : key.job();
        if (current == null || supervisor == null || stops.asked()) {
            p.replyTo().tell(new Paused(job, false, null)); // nothing of it runs, nor starts before the next Run
            return this;
        }
        paused = p.why();
        timers.cancel("tick");
        JobSupervisor s = supervisor;
        // off the actor's thread: it stops a process (up to its grace, its checkpoint URL open through it); after any
        // step in flight, which holds the supervisor and may be starting it
        getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> s.displace(p.why(), STOP_GRACE) ? s.status() : null, host.work().processes()),
                (st, err) -> new PauseDone(p, st, err));
        return this;
    }

    private Behavior<Msg> onPauseDone(PauseDone d) {
        if (d.error() != null) {
            // the level's converge fails with it, and the weights are left as they are: the job goes on as it was
            getContext().getLog().warn("job {}: stopping it before its model's weights change failed: {}", key.job(), d.error().toString());
            paused = null;
            d.asked().replyTo().tell(new Paused(key.job(), false, d.error().toString()));
            return supervise();
        }
        if (d.stopped() != null) {
            status = d.stopped();
            weightStops++;
            weightStopped = d.asked().why();
        }
        report();
        d.asked().replyTo().tell(new Paused(key.job(), d.stopped() != null, null));
        return this;
    }

    private Behavior<Msg> onCheckpointed(Checkpointed c) {
        step = c.taken().step();
        metrics = Map.copyOf(c.taken().metrics());
        recounts = 0;
        count();
        report();
        return this;
    }

    /** How many checkpoints the dataset keeps and the newest's step, read from its snapshots. */
    private void count() {
        if (current == null) return;
        long id = runId;
        long seq = ++countAsked;
        JobSupervisor s = supervisor;
        zed.reconciler.store.Store store = host.store(current.level());
        getContext().pipeToSelf(CompletableFuture.supplyAsync(() -> {
            Map<String, Map<String, String>> snapshots = new LinkedHashMap<>();
            if (!store.exists(s.dataset())) return snapshots;
            for (Snapshot snap : store.snapshots(s.dataset())) snapshots.put(snap.name(), snap.zedState());
            return snapshots;
        }, host.work().zfs()), (snapshots, e) -> {
            if (e != null) return new Counted(id, seq, -1, null, List.of());
            List<Checkpoints.Point> all = Checkpoints.points(snapshots);
            return new Counted(id, seq, all.size(), all.isEmpty() ? null : all.get(all.size() - 1).step(), all);
        });
    }

    private Behavior<Msg> onCounted(Counted c) {
        // an older count answering after a newer one would put back a checkpoint count from before the newest
        if (c.runId() != runId || c.count() < 0 || c.seq() < countApplied) return this;
        countApplied = c.seq();
        // a count that ran between a checkpoint's snapshot and its step property (zfs-fuse sets them one after the
        // other) misses it: count again, a few times at most, so a checkpoint whose snapshot failed costs no endless reads
        if (step != null && (c.step() == null || c.step() < step) && recounts++ < 10) timers.startSingleTimer("recount", new Recount(), TICK);
        checkpoints = c.count();
        history = c.history();
        if (step == null || c.step() != null && c.step() > step) step = c.step();
        report();
        return this;
    }

    private <T> void step(Supplier<T> work, java.util.function.BiFunction<T, Throwable, Msg> done) {
        getContext().pipeToSelf(CompletableFuture.supplyAsync(work, host.work().processes()), done::apply);
    }

    // ---- what the level hears ------------------------------------------------------------------------------------

    private void report() {
        if (current == null) return;
        JobSupervisor.Status s = status;
        String state;
        String why;
        if (s == null) {
            state = "Pending";
            why = lastError != null ? "retrying (" + failures + (failures == 1 ? " failure" : " failures") + "): " + lastError : "starting";
        } else {
            state = switch (s.state()) {
                case RUNNING -> "Running";
                case SUCCEEDED -> "Succeeded";
                case FAILED -> "Failed";
                case STOPPED -> "Stopped";
                default -> "Pending";
            };
            why = s.why();
            if (paused != null && s.pid() == 0) {
                state = "Pending";
                why = "stopped: " + paused + "; it resumes from its checkpoint once they are copied";
            }
            if (lastError != null) why = "retrying (" + failures + (failures == 1 ? " failure" : " failures") + "): " + lastError;
        }
        Report r = new Report(current.spec().name(), current.rev(), state, why, host.config().cluster().host(), host.gpus().held(key),
                s == null ? 0 : s.pid(), s == null ? 0 : s.started(), s == null ? 0 : s.restarts(), s == null ? null : s.lastExit(),
                s == null ? null : s.resumedAt(), step, metrics, checkpoints, s != null && s.recorded(), preemptions, preempted,
                s == null || s.weights() == null ? null : s.weights().label(), weightStops, weightStopped, history);
        if (r.equals(reported)) return;
        reported = r;
        level.tell(r);
    }

    // ---- stop ----------------------------------------------------------------------------------------------------

    private Behavior<Msg> onStop(Stop s) {
        stops.add(s.replyTo());
        timers.cancelAll();
        if (stops.underway() || supervising) return this; // the step in flight may be starting it: the stop follows
        return stopNow();
    }

    private Behavior<Msg> stopNow() {
        if (!stops.begin()) return this;
        JobSupervisor s = supervisor;
        current = null;
        if (s == null) return onStopDone(new StopDone(null));
        step(() -> {
            s.stop(STOP_GRACE);
            return null;
        }, (x, e) -> new StopDone(e));
        return this;
    }

    private Behavior<Msg> onStopDone(StopDone d) {
        String job = key == null ? "" : key.job();
        if (restartAnswer != null) restartAnswer.tell(new ServiceActor.Restarted("job." + job, false, "stopped before it ran again"));
        if (pendingRestart != null) pendingRestart.replyTo().tell(new ServiceActor.Restarted("job." + job, false, "stopped before it ran again"));
        restartAnswer = null;
        pendingRestart = null;
        if (d.error() != null) getContext().getLog().warn("job {}: stopping failed: {}", job, d.error().toString());
        status = null;
        reported = null;
        watchedPid = 0;
        signalledPid = 0;
        stops.done("job." + job);
        return stash.unstashAll(this);
    }
}
