package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import zed.actors.resource.DatasetActor;
import zed.actors.resource.DatasetFence;
import zed.actors.resource.JailActor;
import zed.actors.resource.LevelDatasets;
import zed.actors.resource.PoolObserver;
import zed.actors.resource.ServiceActor;
import zed.actors.telemetry.ResourceKind;
import zed.config.LevelSpec;
import zed.reconciler.service.ServiceRun;
import zed.reconciler.service.StartOrder;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The resource actors of one level and what they said last: one {@link LevelDatasets} for the level-wide dataset
 * operations, one {@link DatasetActor} per dataset and one {@link JailActor} per jail once a revision's datasets
 * converged, one {@link ServiceActor} per service. It hands a revision to the services in the order
 * {@link StartOrder} decides ({@code runtime.after}, {@code update.max_parallel}).
 */
final class LevelResources {
    private final ActorContext<LevelCommand> ctx;
    private final String level;
    private final LevelHost host;
    /** Keeps the per-dataset reconciles out of the level-wide operations' way. */
    final DatasetFence fence = new DatasetFence();
    private final Map<String, ActorRef<ServiceActor.Msg>> services = new LinkedHashMap<>();
    private final Map<String, ServiceActor.Report> reports = new LinkedHashMap<>();
    /** What each service actor was last told to run (its spec without positions): telling it another one restarts it. */
    private final Map<String, String> running = new HashMap<>();
    /** One actor per job, by name, and what each said last. */
    private final Map<String, ActorRef<zed.actors.job.JobActor.Msg>> jobs = new LinkedHashMap<>();
    private final Map<String, zed.actors.job.JobActor.Report> jobReports = new LinkedHashMap<>();
    /** The revision the jobs were last handed: the one whose jobs read the models' datasets now. */
    private LevelSpec jobsSpec;
    private final ResourceChildren<DatasetActor.Msg, DatasetActor.Report> datasetActors;
    private final ResourceChildren<JailActor.Msg, JailActor.Report> jailActors;
    private ActorRef<LevelDatasets.Msg> datasets;
    /** The pool the dataset actors were started for ("" the dir store). */
    private String datasetsPool;
    /** Spawned children get a fresh name each: one stopped a moment ago may not be gone yet. */
    private long spawned;

    /** The revision whose services are being handed out, and to whom it went so far. */
    private LevelSpec order;
    private long orderRev;
    private long orderGeneration;
    private final Map<String, Boolean> restarts = new HashMap<>();
    private final Set<String> told = new HashSet<>();
    private Instant convergeStarted = Instant.now();

    LevelResources(ActorContext<LevelCommand> ctx, String level, LevelHost host) {
        this.ctx = ctx;
        this.level = level;
        this.host = host;
        this.datasetActors = new ResourceChildren<>(ctx, "dataset");
        this.jailActors = new ResourceChildren<>(ctx, "jail");
    }

    Instant convergeStarted() {
        return convergeStarted;
    }

    // ---- datasets ------------------------------------------------------------------------------------------------

    /**
     * The first converge of a revision: the deploy snapshot if asked (marked with {@code holds}, the revision the
     * datasets hold now; 0: not known), then every dataset, parents first.
     */
    void convergeDatasets(LevelSpec spec, long rev, boolean snapshot, boolean resumed, long holds) {
        reports.keySet().retainAll(services.keySet());
        convergeStarted = Instant.now();
        fence.bump(); // a dataset tick planned for the revision before must not write now
        datasets().tell(new LevelDatasets.Apply(rev, spec, snapshot, resumed, holds, weightsReaders()));
    }

    /** How long a job has to stop before its model's weights are copied: its stop's grace, and a step in flight. */
    static final java.time.Duration PAUSE_WAIT = zed.actors.job.JobActor.STOP_GRACE.plusSeconds(20);

    /**
     * Stops the jobs of the revision they run now (not the one converging) that read a model's dataset, as they are
     * now: called off the level's thread, while the level's datasets converge. Each answers once its process stopped.
     */
    private LevelDatasets.WeightsReaders weightsReaders() {
        LevelSpec running = jobsSpec;
        Map<String, ActorRef<zed.actors.job.JobActor.Msg>> actors = Map.copyOf(jobs);
        org.apache.pekko.actor.typed.Scheduler scheduler = ctx.getSystem().scheduler();
        return (modelDataset, why) -> {
            List<java.util.concurrent.CompletableFuture<zed.actors.job.JobActor.Paused>> asked = new ArrayList<>();
            for (String job : zed.reconciler.job.JobWeights.using(running, modelDataset)) {
                ActorRef<zed.actors.job.JobActor.Msg> a = actors.get(job);
                if (a == null) continue;
                asked.add(org.apache.pekko.actor.typed.javadsl.AskPattern.<zed.actors.job.JobActor.Msg, zed.actors.job.JobActor.Paused>ask(a,
                        r -> new zed.actors.job.JobActor.Pause(why, r), PAUSE_WAIT, scheduler).toCompletableFuture());
            }
            java.util.concurrent.CompletableFuture.allOf(asked.toArray(new java.util.concurrent.CompletableFuture[0])).join();
            for (var f : asked) {
                zed.actors.job.JobActor.Paused p = f.join();
                if (p.error() != null) throw new IllegalStateException("job " + p.job() + ": " + p.error());
            }
        };
    }

    void rollBackDatasets(String id, String target, LevelSpec scope) {
        fence.bump(); // no dataset tick may write between here and the rollback
        datasets().tell(new LevelDatasets.Rollback(id, target, scope));
    }

    void snapshotForRollout(LevelSpec spec, long rollout, ActorRef<LevelDatasets.Snapshotted> replyTo) {
        datasets().tell(new LevelDatasets.SnapshotAll(rollout, spec, replyTo));
    }

    void prune(int keep) {
        if (datasets != null) datasets.tell(new LevelDatasets.Prune(keep));
    }

    void destroy(LevelSpec spec, ActorRef<LevelDatasets.Destroyed> replyTo) {
        stopKeepers();
        fence.bump();
        ActorRef<LevelDatasets.Msg> d = ctx.spawnAnonymous(LevelDatasets.create(host, fence, ctx.getSystem().ignoreRef()));
        d.tell(new LevelDatasets.Destroy(spec, replyTo));
    }

    /** The level's datasets actor, spawned when first needed. */
    private ActorRef<LevelDatasets.Msg> datasets() {
        if (datasets == null) {
            // a fresh name each time: the one stopped a moment ago (a DELETE during a revert) may not be gone yet
            datasets = ctx.spawn(LevelDatasets.create(host, fence, ctx.messageAdapter(LevelDatasets.Report.class, LevelCommand.FromDatasets::new)),
                    "datasets-" + (++spawned));
        }
        return datasets;
    }

    /**
     * After a revision's datasets converged: one {@link DatasetActor} per declared dataset keeps it so, fed by the
     * pool's observer, and one {@link JailActor} per jail (a jail's root is one of the datasets: after them). Those
     * no longer declared stop.
     */
    void keep(LevelSpec spec, long rev) {
        String pool = spec.pool() == null ? "" : spec.pool();
        if (!pool.equals(datasetsPool)) stopKeepers();
        datasetsPool = pool;
        ActorRef<PoolObserver.Msg> observer = host.observer(ctx.getSystem(), spec);
        ActorRef<DatasetActor.Report> replies = ctx.messageAdapter(DatasetActor.Report.class, LevelCommand.FromDataset::new);
        long epoch = fence.epoch();
        Map<String, LevelSpec.DatasetSpec> declared = new LinkedHashMap<>();
        for (LevelSpec.DatasetSpec d : spec.datasets()) declared.put(d.name(), d);
        for (String gone : datasetActors.keep(declared.keySet(),
                n -> DatasetActor.create(host.store(spec), host.root(spec), host.work().zfs(), observer, fence, replies, host.metrics()),
                (n, a) -> a.tell(new DatasetActor.Desired(rev, spec, declared.get(n), epoch)))) {
            host.metrics().resourceRemoved(level + "/dataset/" + gone);
        }
        Map<String, LevelSpec.JailSpec> jails = new LinkedHashMap<>();
        for (LevelSpec.JailSpec j : spec.jails()) jails.put(j.name(), j);
        for (String gone : jailActors.keep(jails.keySet(),
                n -> JailActor.create(host.jails(), host.work().processes(), JailActor.INTERVAL,
                        ctx.messageAdapter(JailActor.Report.class, LevelCommand.FromJail::new), host.metrics()),
                (n, a) -> a.tell(new JailActor.Desired(rev, spec, jails.get(n))))) {
            host.metrics().resourceRemoved(level + "/jail/" + gone);
        }
    }

    private void stopKeepers() {
        datasetActors.stopAll();
        jailActors.stopAll();
    }

    boolean datasetReport(DatasetActor.Report r) {
        return datasetActors.report(r.name(), r);
    }

    /** Why the pool does not answer, while it does not (null: it answers). In memory: a restarted level finds out again. */
    private String poolTrouble;

    String poolTrouble() {
        return poolTrouble;
    }

    void poolTrouble(String why) {
        poolTrouble = why;
    }

    /** Whether any dataset's last word is {@code state}. */
    boolean anyDataset(String state) {
        return datasetActors.reports().stream().anyMatch(r -> r.state().equals(state));
    }

    boolean jailReport(JailActor.Report r) {
        return jailActors.report(r.name(), r);
    }

    // ---- services ------------------------------------------------------------------------------------------------

    /**
     * Hands revision {@code rev} to the services in order: those no longer declared stop now, the rest are told as
     * {@link #tellNext} allows. A service restarts when its actor runs another spec, or on a forced restart.
     */
    void beginServices(LevelSpec spec, long rev, long generation) {
        Set<String> wanted = new HashSet<>();
        for (LevelSpec.ServiceSpec svc : spec.services()) wanted.add(svc.ref());
        for (String ref : new ArrayList<>(services.keySet())) {
            if (!wanted.contains(ref)) {
                services.remove(ref).tell(new ServiceActor.Stop(ctx.getSystem().ignoreRef()));
                reports.remove(ref);
                running.remove(ref);
                host.metrics().resourceRemoved(level + "/" + ref);
            }
        }
        order = spec;
        boolean forced = generation != orderGeneration && orderRev > 0;
        orderRev = rev;
        orderGeneration = generation;
        restarts.clear();
        told.clear();
        beginJobs(spec, rev);
        for (LevelSpec.ServiceSpec svc : spec.services()) {
            String was = running.get(svc.ref());
            restarts.put(svc.ref(), was != null && (forced || !was.equals(ServiceRun.comparable(svc))));
        }
        tellNext();
    }

    /**
     * Hands the revision to its jobs, with the services (after the datasets: a job runs in its dataset). They do not
     * wait for the services, nor hold the level's gate: a job runs to its end, which a revision does not wait for.
     */
    private void beginJobs(LevelSpec spec, long rev) {
        jobsSpec = spec;
        Set<String> wanted = new HashSet<>();
        for (LevelSpec.JobSpec j : spec.jobs()) wanted.add(j.name());
        for (String name : new ArrayList<>(jobs.keySet())) {
            if (!wanted.contains(name)) {
                jobs.remove(name).tell(new zed.actors.job.JobActor.Stop(ctx.getSystem().ignoreRef()));
                jobReports.remove(name);
            }
        }
        for (LevelSpec.JobSpec j : spec.jobs()) {
            ActorRef<zed.actors.job.JobActor.Msg> a = jobs.computeIfAbsent(j.name(), n -> ctx.spawn(
                    zed.actors.job.JobActor.create(host, ctx.messageAdapter(zed.actors.job.JobActor.Report.class, LevelCommand.FromJob::new)),
                    "job-" + n + "-" + (++spawned)));
            a.tell(new zed.actors.job.JobActor.Run(rev, spec, j));
        }
    }

    /** Records a job's word; returns the report it replaced (null: none, or a job no longer of the level). */
    zed.actors.job.JobActor.Report jobReport(zed.actors.job.JobActor.Report r) {
        if (!jobs.containsKey(r.job())) return null;
        return jobReports.put(r.job(), r);
    }

    /** The actor of the job {@code name}; null: the level has no such job. */
    ActorRef<zed.actors.job.JobActor.Msg> job(String name) {
        return jobs.get(name);
    }

    java.util.Set<String> jobNames() {
        return java.util.Collections.unmodifiableSet(jobs.keySet());
    }

    boolean knowsJob(String name) {
        return jobs.containsKey(name);
    }

    /** Stops every job, each answering {@code replies} (as a service does); returns how many will answer. */
    private int stopJobs(ActorRef<ServiceActor.Stopped> replies) {
        for (ActorRef<zed.actors.job.JobActor.Msg> a : jobs.values()) a.tell(new zed.actors.job.JobActor.Stop(replies));
        return jobs.size();
    }

    /** Tells every service that may start now; returns whether some were told. */
    boolean tellNext() {
        if (order == null) return false;
        List<StartOrder.Service> all = new ArrayList<>();
        Map<String, StartOrder.Progress> progress = new HashMap<>();
        Map<String, LevelSpec.ServiceSpec> byKey = new HashMap<>();
        for (LevelSpec.ServiceSpec svc : order.services()) {
            String key = svc.kind() + "." + svc.name();
            byKey.put(key, svc);
            all.add(new StartOrder.Service(key, svc.runtime() == null ? List.of() : svc.runtime().after(), restarts.getOrDefault(svc.ref(), false)));
            if (told.contains(svc.ref())) progress.put(key, progress(reports.get(svc.ref())));
        }
        List<String> now = StartOrder.next(all, progress, order.update().maxParallel());
        for (String key : now) tell(byKey.get(key));
        return !now.isEmpty();
    }

    private StartOrder.Progress progress(ServiceActor.Report r) {
        if (r == null || r.rev() != orderRev) return StartOrder.Progress.STARTED;
        return switch (r.gate()) {
            case "passed" -> StartOrder.Progress.PASSED;
            case "failed" -> StartOrder.Progress.FAILED;
            default -> "Healthy".equals(r.health()) ? StartOrder.Progress.HEALTHY : StartOrder.Progress.STARTED;
        };
    }

    private void tell(LevelSpec.ServiceSpec svc) {
        ActorRef<ServiceActor.Msg> a = services.computeIfAbsent(svc.ref(), n -> ctx.spawn(
                ServiceActor.create(host, ctx.messageAdapter(ServiceActor.Report.class, LevelCommand.FromService::new)),
                "service-" + svc.kind() + "." + svc.name() + "-" + (++spawned)));
        a.tell(new ServiceActor.Run(orderRev, order, svc, orderGeneration));
        told.add(svc.ref());
        running.put(svc.ref(), ServiceRun.comparable(svc));
    }

    /** The actor of the service {@code ref} ({@code service.exec.web}) once it was told a revision; null: none. */
    ActorRef<ServiceActor.Msg> service(String ref) {
        return told.contains(ref) ? services.get(ref) : null;
    }

    /** Whether the service is one of the level's now (one stopped meanwhile may still report). */
    boolean knows(String ref) {
        return services.containsKey(ref);
    }

    /** Records a service's word; returns the report it replaced (null: none). */
    ServiceActor.Report serviceReport(ServiceActor.Report r) {
        return reports.put(r.ref(), r);
    }

    /**
     * The entity restarted in place after a journal failure: its children are gone, and so is everything known of
     * them. The recovery that follows starts them again (running services are adopted).
     */
    void forget() {
        services.clear();
        reports.clear();
        jobs.clear();
        jobReports.clear();
        jobsSpec = null;
        running.clear();
        told.clear();
        restarts.clear();
        order = null;
        datasets = null;
        datasetsPool = null;
        datasetActors.forget();
        jailActors.forget();
        poolTrouble = null;
    }

    /** Whether every service of the revision has passed its gate at it. */
    boolean allPassed(LevelSpec spec, long rev) {
        return spec.services().stream().allMatch(svc -> {
            ServiceActor.Report rep = reports.get(svc.ref());
            return told.contains(svc.ref()) && rep != null && rep.rev() == rev && rep.gate().equals("passed");
        });
    }

    /**
     * Stops every service, each answering {@code replies}; returns how many will answer. Their actors stay, to run
     * the next revision they are told.
     */
    int stopServices(ActorRef<ServiceActor.Stopped> replies) {
        order = null;
        told.clear();
        running.clear();
        reports.clear();
        for (ActorRef<ServiceActor.Msg> a : services.values()) a.tell(new ServiceActor.Stop(replies));
        jobReports.clear();
        return services.size() + stopJobs(replies);
    }

    /**
     * The level stops: services stop, each answering {@code replies}, every other resource actor too; status keeps the
     * services' last word. Returns how many will answer.
     */
    int stopAll(ActorRef<ServiceActor.Stopped> replies) {
        order = null;
        told.clear();
        running.clear();
        for (ActorRef<ServiceActor.Msg> a : services.values()) a.tell(new ServiceActor.Stop(replies));
        reports.replaceAll((k, r) -> new ServiceActor.Report(r.ref(), r.rev(), "stopped", null, "STOPPED", 0, r.print(), "Unhealthy", 0, null));
        int jobsStopping = stopJobs(replies);
        jobReports.replaceAll((k, r) -> r.state().equals("Succeeded") || r.state().equals("Failed") ? r
                : new zed.actors.job.JobActor.Report(r.job(), r.rev(), "Stopped", null, r.host(), List.of(), 0, r.started(), r.restarts(), r.lastExit(),
                null, r.step(), r.metrics(), r.checkpoints(), r.recorded(), r.preemptions(), r.preempted(), null, r.stops(), r.stopped(), r.history()));
        if (datasets != null) ctx.stop(datasets);
        datasets = null;
        stopKeepers();
        return services.size() + jobsStopping;
    }

    /** What status shows of the resources. */
    LevelCommand.Status status(RevisionLog st, String waiting) {
        return new LevelCommand.Status(st, new ArrayList<>(reports.values()), datasetActors.reports(), jailActors.reports(), waiting, poolTrouble, null,
                new ArrayList<>(jobReports.values()));
    }

    void metricsFor(LevelSpec spec, zed.actors.telemetry.ResourceState state) {
        for (LevelSpec.DatasetSpec d : spec.datasets()) host.metrics().resourceState(level + "/dataset/" + d.name(), ResourceKind.DATASET, state);
    }
}
