package zed.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One level, fully resolved: every expression evaluated, every default applied, every reference checked. Immutable,
 * and Jackson writes it to JSON and reads it back to an equal value ({@link SpecJson}).
 *
 * @param id     the level id: its ancestors' names and its own, joined by "/"
 * @param parent the parent level's id, or null for the root of the chain
 * @param pool   the ZFS dataset its datasets live under; null means the dir store
 * @param hash     the drift hash (ZEDFILE.md, Federation)
 * @param failover where its datasets are replicated to ({@code failover { standby = ... }}), null for nowhere
 */
public record LevelSpec(String id, String name, String parent, String file, String dir, String host, String pool,
                        List<String> sysenv, SnapshotPolicy snapshots, UpdatePolicy update, List<DatasetSpec> datasets,
                        List<JailSpec> jails, List<ServiceSpec> services, List<ModelSpec> models, List<JobSpec> jobs,
                        String hash, Pos pos, FailoverPolicy failover) {
    /** A level without a standby: what every level was before failover, and still most are. */
    public LevelSpec(String id, String name, String parent, String file, String dir, String host, String pool,
                     List<String> sysenv, SnapshotPolicy snapshots, UpdatePolicy update, List<DatasetSpec> datasets,
                     List<JailSpec> jails, List<ServiceSpec> services, List<ModelSpec> models, List<JobSpec> jobs,
                     String hash, Pos pos) {
        this(id, name, parent, file, dir, host, pool, sysenv, snapshots, update, datasets, jails, services, models, jobs, hash, pos, null);
    }

    public LevelSpec {
        sysenv = List.copyOf(sysenv);
        datasets = List.copyOf(datasets);
        jails = List.copyOf(jails);
        services = List.copyOf(services);
        models = List.copyOf(models);
        jobs = List.copyOf(jobs);
    }

    public ServiceSpec service(String kind, String name) {
        return services.stream().filter(s -> s.kind().equals(kind) && s.name().equals(name)).findFirst().orElse(null);
    }

    public DatasetSpec dataset(String name) {
        return datasets.stream().filter(d -> d.name().equals(name)).findFirst().orElse(null);
    }

    public record SnapshotPolicy(boolean beforeDeploy, int keep) {
        public static final SnapshotPolicy DEFAULT = new SnapshotPolicy(true, 5);
    }

    /**
     * How a revision is taken: each instance's gate (min_healthy_time, healthy_deadline, auto_revert) and, for a level
     * with {@code hosts = [...]}, its rollout across them (strategy, max_parallel, canary, auto_promote,
     * progress_deadline). The rollout's settings are left out of the spec's JSON while they have their defaults, so
     * that a spec journaled before they existed reads back (and hashes) unchanged.
     *
     * @param strategy         "coordinated" or "rolling"; null: coordinated
     * @param progressDeadline how long one host may take to pass its gate in a rollout; null: 10 minutes
     */
    public record UpdatePolicy(Duration minHealthyTime, Duration healthyDeadline, boolean autoRevert, int maxParallel,
                               @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String strategy,
                               @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT) int canary,
                               @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_DEFAULT) boolean autoPromote,
                               @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) Duration progressDeadline) {
        /** With snapshots before each deploy, as by default; without them auto_revert defaults to false. */
        public static final UpdatePolicy DEFAULT = new UpdatePolicy(Duration.ofSeconds(5), Duration.ofMinutes(2), true, 1);
        public static final Duration PROGRESS_DEADLINE = Duration.ofMinutes(10);

        /** An instance's gate, with the rollout's defaults. */
        public UpdatePolicy(Duration minHealthyTime, Duration healthyDeadline, boolean autoRevert, int maxParallel) {
            this(minHealthyTime, healthyDeadline, autoRevert, maxParallel, null, 0, false, null);
        }
    }

    /**
     * @param standby the host whose pool receives the level's datasets
     * @param every   how often an increment is sent, besides after each Converged
     * @param auto    whether the level moves to the standby by itself when its host is downed
     */
    public record FailoverPolicy(String standby, Duration every, boolean auto, Pos pos) {
        public static final Duration DEFAULT_EVERY = Duration.ofSeconds(30);
    }

    /** @param mountpoint resolved: the declared one, or the default under the pool or the dir store */
    public record DatasetSpec(String name, String mountpoint, Map<String, String> properties, Pos pos) {
        public DatasetSpec {
            properties = Map.copyOf(properties);
        }
    }

    public record JailSpec(String name, String dataset, String hostname, String ip4, String ip6, boolean vnet,
                           Map<String, Value> params, List<Mount> mounts, Pos pos) {
        public JailSpec {
            params = Map.copyOf(params);
            mounts = List.copyOf(mounts);
        }
    }

    public record Mount(String path, String dataset, String mode, Pos pos) {
    }

    /**
     * @param env   values are strings, or {@link Value.Secret}s resolved on the host at start time
     * @param dir   the service's home: its dataset's mountpoint, else {@code fs::var()}
     * @param user  the account it runs as; null when the Zedfile names none (the node's default). Left out of the JSON
     *              when null, as {@code group}: a service that names neither hashes as before they existed, and is not
     *              restarted by an upgrade
     */
    public record ServiceSpec(String kind, String name, String dataset, String jail, String version,
                              Map<String, Value> vars, Map<String, Value> env, List<FileSpec> files, Runtime runtime,
                              RestartPolicy restart, List<HealthCheck> health, String print, List<SudoHook> sudo,
                              String release, String jar, GitSource git, SrcSource src, String dir,
                              @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String user,
                              @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String group,
                              Pos pos) {
        public ServiceSpec {
            vars = Map.copyOf(vars);
            env = Map.copyOf(env);
            files = List.copyOf(files);
            health = List.copyOf(health);
            sudo = List.copyOf(sudo);
        }

        /** A service that declares no {@code user} or {@code group}: it runs as the default user. */
        public ServiceSpec(String kind, String name, String dataset, String jail, String version, Map<String, Value> vars,
                           Map<String, Value> env, List<FileSpec> files, Runtime runtime, RestartPolicy restart, List<HealthCheck> health,
                           String print, List<SudoHook> sudo, String release, String jar, GitSource git, SrcSource src, String dir, Pos pos) {
            this(kind, name, dataset, jail, version, vars, env, files, runtime, restart, health, print, sudo, release, jar, git, src, dir,
                    null, null, pos);
        }

        /** The operator's name for it, as in references: {@code service.exec.web}. */
        public String ref() {
            return "service." + kind + "." + name;
        }
    }

    /** @param body a string, or a {@link Value.Secret} */
    public record FileSpec(String name, String path, Value body, String mode, Pos pos) {
    }

    /** @param after services to wait for, as "kind.name" */
    public record Runtime(List<String> cmd, List<String> after) {
        public Runtime {
            cmd = List.copyOf(cmd);
            after = List.copyOf(after);
        }

        public static final Runtime NONE = new Runtime(List.of(), List.of());
    }

    public record RestartPolicy(int attempts, Duration interval, Duration delay, Duration maxDelay) {
        public static final RestartPolicy DEFAULT = new RestartPolicy(10, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** One health check; fields that its kind does not use are null. */
    public record HealthCheck(String kind, String url, Integer expect, String bodyContains, String host, Integer port,
                              List<String> command, Duration initialDelay, Duration interval, Duration timeout,
                              int successThreshold, int failureThreshold, Pos pos) {
    }

    public record SudoHook(String name, String check, String apply, String verify, Pos pos) {
    }

    public record GitSource(String url, String tag, String branch, String rev) {
    }

    public record SrcSource(String path, String exe) {
    }

    /**
     * A model: the dataset that holds its weights, what a job that uses it needs, and where the weights come from.
     *
     * @param source null: the weights are put into the dataset some other way
     */
    public record ModelSpec(String name, String dataset, Requires requires, ModelSource source, Pos pos) {
    }

    /**
     * What a job of a model needs: {@code gpus} whole GPUs on one host, each with {@code vramMb} MiB free (per GPU, so
     * that a model split over two GPUs says how much it puts on each).
     *
     * @param vramMb MiB per GPU; null: each GPU whole, with nothing else placed on it
     */
    public record Requires(Long vramMb, int gpus) {
        public static final Requires DEFAULT = new Requires(null, 1);
    }

    /**
     * Where a model's weights come from, copied into its dataset once: a file or directory ({@code path}, absolute),
     * or a snapshot of another host's dataset ({@code host} and {@code snapshot}, "dataset@name" as that host's level
     * names it) received with {@code zfs send -p}. Exactly one of the two.
     *
     * @param pos the {@code source} block, where a source the node cannot read is refused at the push
     */
    public record ModelSource(String path, String host, String snapshot, Pos pos) {
    }

    /**
     * A job: a process that runs to completion on the GPUs its model needs, checkpointing into its dataset.
     *
     * @param model           the model's name, declared in the same level
     * @param dataset         where it writes and checkpoints (each checkpoint a snapshot of it); declared in the level
     * @param env             as a service's: strings or {@link Value.Secret}s; never one of {@link #SET_BY_ZED}
     * @param checkpointEvery how often Zed asks for a checkpoint (SIGUSR1); null: only when the job takes one
     * @param keep            how many checkpoints are kept, the newest by step
     * @param restart         restarts after a failure; a job that succeeded is never restarted
     */
    /**
     * @param user  the account it runs as; null when the Zedfile names none (the node's default, as a service's).
     *              Left out of the JSON when null, as {@code group}: a job that names neither hashes as before they
     *              existed, and is not restarted by an upgrade
     */
    public record JobSpec(String name, String model, String dataset, Map<String, Value> env, Runtime runtime,
                          Duration checkpointEvery, int keep, RestartPolicy restart,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String user,
                          @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL) String group,
                          Pos pos) {
        public static final int KEEP = 5;
        /** What Zed gives the job itself: its GPUs (placement), its checkpoint endpoint, where it resumes. */
        public static final List<String> SET_BY_ZED = List.of("ZED_GPU_UUIDS", "CUDA_VISIBLE_DEVICES", "ZED_VULKAN_DEVICE",
                "ZED_CHECKPOINT_URL", "ZED_RESUME_STEP");

        public JobSpec {
            env = Map.copyOf(env);
        }

        /** A job that declares no {@code user} or {@code group}: it runs as the node's default user. */
        public JobSpec(String name, String model, String dataset, Map<String, Value> env, Runtime runtime,
                       Duration checkpointEvery, int keep, RestartPolicy restart, Pos pos) {
            this(name, model, dataset, env, runtime, checkpointEvery, keep, restart, null, null, pos);
        }
    }
}
