package zed.actors.replica;

import zed.reconciler.job.JobSupervisor;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.StampedProcess;
import zed.reconciler.process.ServiceSupervisor;
import zed.reconciler.replica.Replicas;
import zed.reconciler.store.Observation;
import zed.reconciler.store.Store;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a host does first when it comes back after its levels failed over ({@code zed failover}): each dataset in its
 * pool of a level the placement table now puts on another host stops its service (the stamped process, checked by its
 * start time) and becomes a replica of that host, so that the level never runs on two hosts and the next increments
 * from its new host land here. A dataset already a replica (a planned move left it so) is left as it is, and so is
 * anything of a level the table does not know (destroyed, or never placed).
 */
public final class Fencing {
    /** How long a fenced service has between SIGTERM and SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private Fencing() {
    }

    /**
     * How long a downed node's services have between SIGTERM and SIGKILL. The standby may start them the removal margin,
     * {@code stable-after} (7 s for up to 5 hosts), after the other side downed this one, and this side stands down
     * within a look at the lease's row of that decision or at its own, if later ({@link zed.actors.cluster.Downing}):
     * every service stops within this grace, at once, so that even a slow one is gone with seconds to spare.
     */
    static final Duration STAND_DOWN_GRACE = Duration.ofSeconds(3);

    /**
     * What a node downed by the split-brain resolver does once its actors are gone: the services of its levels that
     * have a standby stop, since the standby may be given them ({@code zed failover}) while this host cannot hear of
     * it. The others keep running: no other host can take them, and their users keep what still works. All of them
     * stop at once (one thread each), so that the time this takes is one grace, not one per service.
     *
     * @return one line per service stopped, for the node's last words
     */
    public static List<String> standDown(String pool, java.util.Set<String> levels, Store store, Launcher launcher) {
        List<String> done = new ArrayList<>();
        if (pool == null || levels.isEmpty()) return done;
        List<java.util.concurrent.CompletableFuture<String>> stopping = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stand-down");
            t.setDaemon(true);
            return t;
        });
        try {
            for (Map.Entry<String, Map<String, String>> e : store.zedStates(pool).entrySet()) {
                String level = e.getValue().get(Observation.LEVEL);
                if (level == null || !levels.contains(level)) continue;
                String dataset = e.getKey();
                // a job's process too (its standby resumes the job from its checkpoint): its stamps are not among those
                // zedStates reads, so its own are read, beside the other stops rather than before them
                stopping.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    Map<String, String> own = store.zedState(dataset);
                    return jobStamped(own) && stopJob(own, launcher, STAND_DOWN_GRACE) ? "the job on " + dataset + " (level " + level + ", which has a standby)" : null;
                }, threads));
                if (!e.getValue().containsKey(ServiceSupervisor.PID) && !e.getValue().containsKey(ServiceSupervisor.LAUNCH)) continue;
                stopping.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                    new ServiceSupervisor(store, dataset, launcher, Clock.systemUTC()).stop(STAND_DOWN_GRACE);
                    return "the service on " + dataset + " (level " + level + ", which has a standby)";
                }, threads));
            }
            List<String> failed = new ArrayList<>();
            for (java.util.concurrent.CompletableFuture<String> f : stopping) {
                try {
                    String stopped = f.join();
                    if (stopped != null) done.add(stopped);
                } catch (java.util.concurrent.CompletionException e) {
                    failed.add(zed.actors.replica.ReplicaReceiver.cause(e));
                }
            }
            // the others are stopped: say which could not be, rather than hide them behind the first failure
            if (!failed.isEmpty()) throw new IllegalStateException(String.join("; ", failed) + (done.isEmpty() ? "" : " (stopped: " + String.join(", ", done) + ")"));
        } finally {
            threads.shutdown();
        }
        return done;
    }

    private static boolean jobStamped(Map<String, String> stamps) {
        return stamps.containsKey(JobSupervisor.PID) || stamps.containsKey(JobSupervisor.LAUNCH);
    }

    /** Stops the process a job's stamps point to (its pid and start time, or its launch token); whether one ran. */
    private static boolean stopJob(Map<String, String> stamps, Launcher launcher, Duration grace) {
        java.util.Optional<StampedProcess> p = StampedProcess.find(stamps.get(JobSupervisor.PID), stamps.get(JobSupervisor.STARTED_AT),
                stamps.get(JobSupervisor.LAUNCH), launcher);
        p.ifPresent(f -> launcher.stop(f.pid(), f.startTime(), grace));
        return p.isPresent();
    }

    /** Whether the stamped process still runs (the very one: same start time). */
    private static boolean runs(Map<String, String> stamps) {
        String pid = stamps.get(ServiceSupervisor.PID), started = stamps.get(ServiceSupervisor.STARTED_AT);
        return pid != null && started != null && pid.matches("\\d{1,10}") && zed.reconciler.process.StartTime.same(Long.parseLong(pid), started);
    }

    /**
     * @param placements the placement table: level → its host
     * @return one line per dataset fenced, for the log
     */
    public static List<String> run(String self, String pool, Map<String, String> placements, Store store, Replicas replicas, Launcher launcher) {
        List<String> done = new ArrayList<>();
        if (pool == null) return done; // the dir store holds no replicas, and nothing fails over from it
        for (Map.Entry<String, Map<String, String>> e : store.zedStates(pool).entrySet()) {
            String level = e.getValue().get(Observation.LEVEL);
            String placed = level == null ? null : placements.get(level);
            if (placed == null || placed.equals(self)) continue;
            String dataset = e.getKey();
            Map<String, String> own = store.zedState(dataset);
            if (own.get(Replicas.REPLICA_OF) != null) continue;
            boolean stamped = e.getValue().containsKey(ServiceSupervisor.PID) || e.getValue().containsKey(ServiceSupervisor.LAUNCH);
            boolean ran = stamped && runs(e.getValue());
            // stopped by its stamps even when no process is seen by them: the launch token finds one a killed node did not stamp
            if (stamped) new ServiceSupervisor(store, dataset, launcher, Clock.systemUTC()).stop(GRACE);
            // a job's process: before its stamps go with the others below, which would leave it running unrecorded
            boolean job = jobStamped(own) && stopJob(own, launcher, GRACE);
            replicas.demote(dataset, placed);
            for (String stamp : Replicas.RUNNING_STAMPS) if (own.containsKey(stamp)) store.inherit(dataset, stamp);
            done.add(dataset + " (level " + level + ", which runs on " + placed + " now): " + (ran ? "its service stopped, " : "") + (job ? "its job stopped, " : "") + "a replica of " + placed);
        }
        return done;
    }
}
