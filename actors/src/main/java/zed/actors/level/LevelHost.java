package zed.actors.level;

import zed.actors.node.NodeConfig;
import zed.config.LevelSpec;
import zed.reconciler.jail.JailDriver;
import zed.reconciler.jail.Jails;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.Secrets;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.Store;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * What a node's level entities share of the host: the state directory, the stores (one per pool, probed once),
 * the launcher, secrets, jails, and the executor that blocking driver calls run on (never the actors' dispatcher).
 */
public final class LevelHost {
    /** The node-wide limit on ZFS writes: enough for a 200-dataset deploy in seconds, not a storm. */
    static final double WRITES_PER_SECOND = 50;
    static final int WRITE_BURST = 200;

    private final NodeConfig config;
    private final Work work;
    private final Map<String, Store> stores = new ConcurrentHashMap<>();
    private final Map<String, zed.reconciler.replica.Replicas> replicas = new ConcurrentHashMap<>();
    /** Services start in this process, or through zed ops as their users (--ops-socket). */
    private final Launcher launcher;
    private final java.util.Set<String> withStandby = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile JailDriver jails;
    private final Map<String, org.apache.pekko.actor.typed.ActorRef<zed.actors.resource.PoolObserver.Msg>> observers = new ConcurrentHashMap<>();

    private final zed.actors.telemetry.ZedMetrics metrics;
    private final KnownLevels levels;
    private final StatusBoard board = new StatusBoard();
    private volatile zed.actors.job.NodeCheckpoints nodeCheckpoints;
    /** Where levels with a standby report their Converged; null until the node has started it. */
    private volatile org.apache.pekko.actor.typed.ActorRef<zed.actors.replica.ReplicaSender.Msg> replication;
    /** This host's GPUs and the jobs' holds on them; the node gives it its inventory ({@link #gpus(zed.actors.job.JobGpus)}). */
    private volatile zed.actors.job.JobGpus gpus = new zed.actors.job.JobGpus(() -> {
        throw new IllegalStateException("this node takes no GPU inventory");
    });
    /** Where jobs' checkpoints are posted; null until the node has one (a job then waits, and says why). */
    private volatile zed.actors.job.CheckpointEndpoint checkpoints;

    /**
     * The bounded executors that blocking driver calls run on, one per kind of work, so that a slow one never starves
     * another: a go build that takes minutes cannot hold the thread a probe needs (and fail a gate that was healthy).
     *
     * @param builds    preparing what services run: git, go build, unpacking releases
     * @param zfs       the state store: pool sweeps, dataset converges, snapshots, rollbacks
     * @param probes    health checks
     * @param processes starting, adopting and stopping processes, jails, sudo hooks, evaluating Zedfiles
     */
    public record Work(Executor builds, Executor zfs, Executor probes, Executor processes) {
        /** Everything on one executor: for tests of one actor. */
        public static Work on(Executor one) {
            return new Work(one, one, one, one);
        }
    }

    public LevelHost(NodeConfig config, Work work, zed.actors.telemetry.ZedMetrics metrics) {
        this.launcher = config.opsSocket() != null ? new Launcher(new zed.reconciler.ops.OpsProcesses(config.opsSocket())) : new Launcher();
        this.config = config;
        this.work = work;
        this.metrics = metrics;
        this.levels = new KnownLevels(config.cluster().host());
    }

    /** The node's checkpoint endpoint (its route answers the POSTs); null until the node has made it. */
    public zed.actors.job.NodeCheckpoints nodeCheckpoints() {
        return nodeCheckpoints;
    }

    public void nodeCheckpoints(zed.actors.job.NodeCheckpoints endpoint) {
        this.nodeCheckpoints = endpoint;
    }

    public zed.actors.telemetry.ZedMetrics metrics() {
        return metrics;
    }

    public org.apache.pekko.actor.typed.ActorRef<zed.actors.replica.ReplicaSender.Msg> replication() {
        return replication;
    }

    public void replication(org.apache.pekko.actor.typed.ActorRef<zed.actors.replica.ReplicaSender.Msg> sender) {
        this.replication = sender;
    }

    public zed.actors.job.JobGpus gpus() {
        return gpus;
    }

    public void gpus(zed.actors.job.JobGpus gpus) {
        this.gpus = gpus;
    }

    /**
     * Where a job of {@code level} opens its checkpoint URLs: the endpoint set with {@link #checkpoints}, else the node's,
     * snapshotting in the level's store; null while there is none (a job then waits, and says why).
     */
    public zed.actors.job.CheckpointEndpoint checkpointsFor(LevelSpec level) {
        zed.actors.job.CheckpointEndpoint set = checkpoints;
        if (set != null) return set;
        zed.actors.job.NodeCheckpoints node = nodeCheckpoints;
        return node == null ? null : node.in(store(level));
    }

    /** An endpoint of its own for every job of this node, in place of the node's (tests of one actor). */
    public void checkpoints(zed.actors.job.CheckpointEndpoint endpoint) {
        this.checkpoints = endpoint;
    }

    /** The levels on this node whose revision names a standby: what a downed node stops ({@link zed.actors.replica.Fencing}). */
    public java.util.Set<String> withStandby() {
        return withStandby;
    }

    /** The last status of each level, for when a level cannot answer itself. */
    public StatusBoard board() {
        return board;
    }

    /** The levels of the cluster and their hosts, as this node knows them. */
    public KnownLevels levels() {
        return levels;
    }

    public NodeConfig config() {
        return config;
    }

    public Work work() {
        return work;
    }

    /** The store a level's datasets live in: its pool (ZFS), else the node's dir store. */
    public Store store(LevelSpec spec) {
        return store(spec.pool());
    }

    /** The store of a pool (null: the node's dir store), shared by everything on the node that writes to it. */
    public Store store(String pool) {
        if (pool == null) return stores.computeIfAbsent("", k -> new DirStore(config.stateDir().resolve("store")));
        // every level of the node shares the pool's store, and so its write limit
        // with an ops socket the node is unprivileged and zed ops runs zfs for it (docs/security.md)
        return stores.computeIfAbsent(pool, p -> new zed.reconciler.store.RateLimitedStore(zfs(config, p), WRITES_PER_SECOND, WRITE_BURST));
    }

    /** A pool's ZFS store as this node reaches it: through zed ops with an ops socket, else zfs in this process. */
    public static Store zfs(NodeConfig config, String pool) {
        return config.opsSocket() != null ? new zed.reconciler.ops.OpsStore(config.opsSocket(), pool) : ZfsStore.probe(new ProcessCommand(), pool);
    }

    /**
     * Replication on a pool (sends, receives, failovers, fencing, a model's receive): through zed ops with an ops
     * socket, as the pool's store is, else zfs in this process.
     */
    public zed.reconciler.replica.Replicas replicas(String pool) {
        return replicas.computeIfAbsent(pool, p -> config.opsSocket() != null ? new zed.reconciler.ops.OpsReplicas(config.opsSocket())
                : new zed.reconciler.store.ZfsReplicas(ZfsStore.probe(new ProcessCommand(), p), zed.actors.replica.ReplicaSender.TRANSFER));
    }

    /**
     * The observer of the level's pool (or of the dir store): one per pool on the node, whatever the number of levels
     * and datasets, started when first needed.
     */
    public org.apache.pekko.actor.typed.ActorRef<zed.actors.resource.PoolObserver.Msg> observer(org.apache.pekko.actor.typed.ActorSystem<?> system, LevelSpec spec) {
        String key = spec.pool() == null ? "" : spec.pool();
        return observers.computeIfAbsent(key, k -> system.systemActorOf(
                zed.actors.resource.PoolObserver.create(store(spec), root(spec), work.zfs(), zed.actors.resource.PoolObserver.INTERVAL, metrics),
                "pool-observer-" + (k.isEmpty() ? "dir" : java.net.URLEncoder.encode(k, java.nio.charset.StandardCharsets.UTF_8)),
                org.apache.pekko.actor.typed.Props.empty()));
    }

    public String root(LevelSpec spec) {
        return spec.pool() == null ? "" : spec.pool();
    }

    public Launcher launcher() {
        return launcher;
    }

    /** Whom a service runs as when its Zedfile names no user (the agent's {@code --service-user}). */
    public String serviceUser() {
        return config.serviceUser();
    }

    /** The host's encrypted secrets (docs/secrets.md): the node's pool's {@code zed/secrets}, the key in the state directory. */
    public Secrets secrets() {
        // an unprivileged agent holds no key: its values are marks that zed ops fills at a start
        if (config.opsSocket() != null) return new zed.reconciler.ops.MarkedSecrets(config.opsSocket());
        return new zed.reconciler.secret.StoredSecrets(() -> new zed.reconciler.secret.SecretStore(store(config.pool()), config.pool(),
                zed.reconciler.secret.KeyFile.load(zed.reconciler.secret.KeyFile.located(System.getenv(), config.stateDir())), java.time.Clock.systemUTC()));
    }

    /** fs::state() of the level, as the evaluator resolved it. */
    public Path levelState(LevelSpec spec) {
        return zed.config.eval.LevelPlaces.state(config.stateDir(), spec.name(), Path.of(spec.dir()));
    }

    public JailDriver jails() {
        if (jails == null) {
            // through zed ops (--ops-socket): ops lays the jails out and wraps their commands, as root
            jails = config.opsSocket() != null && System.getProperty("os.name").equalsIgnoreCase("linux")
                    ? new zed.reconciler.ops.OpsJails(config.opsSocket(), new zed.reconciler.jail.BwrapJail(new ProcessCommand(), config.stateDir().resolve("jails")))
                    : Jails.forThisHost(new ProcessCommand(), Jails.Settings.of(config.stateDir().resolve("jails")));
        }
        return jails;
    }

}
