package zed.actors.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.apache.pekko.Done;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.persistence.jdbc.testkit.javadsl.SchemaUtils;
import zed.actors.http.ApiToken;
import zed.actors.http.HttpApi;
import zed.actors.level.LevelEntity;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One Zed node: a Pekko cluster of one by default (Artery on loopback), levels as sharded event-sourced entities
 * journaled through pekko-persistence-jdbc (an H2 file in the state directory unless configured otherwise), and
 * the HTTP API. Stopping the node stops the API and the entities; services keep running.
 */
public final class ZedNode implements AutoCloseable {
    private final ActorSystem<Void> system;
    private final ServerBinding binding;
    private final NodeConfig config;
    private final zed.actors.telemetry.Telemetry telemetry;

    private final java.util.concurrent.atomic.AtomicReference<String> stopped;

    private final zed.actors.level.LevelHost host;
    private final StandDown standDown;

    private ZedNode(ActorSystem<Void> system, ServerBinding binding, NodeConfig config, zed.actors.telemetry.Telemetry telemetry,
                    java.util.concurrent.atomic.AtomicReference<String> stopped, zed.actors.level.LevelHost host, StandDown standDown) {
        this.host = host;
        this.standDown = standDown;
        this.stopped = stopped;
        this.system = system;
        this.binding = binding;
        this.config = config;
        this.telemetry = telemetry;
    }

    /** The dispatchers of blocking driver calls, one per kind of work ({@link zed.actors.level.LevelHost.Work}). */
    static final String BUILDS = "zed.dispatchers.builds";
    static final String ZFS = "zed.dispatchers.zfs";
    static final String PROBES = "zed.dispatchers.probes";
    static final String PROCESSES = "zed.dispatchers.processes";

    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** @param tls the node's TLS material for Artery, null for none (as {@link #refuseUnsafeCluster} read it) */
    static Config config(NodeConfig c, zed.actors.cluster.ClusterTls tls) {
        String journal = quoted(c.journal());
        boolean h2 = c.journal().startsWith("jdbc:h2:");
        String conf = """
                pekko {
                  loglevel = "WARNING"
                  loggers = ["org.apache.pekko.event.slf4j.Slf4jLogger"]
                  logging-filter = "org.apache.pekko.event.slf4j.Slf4jLoggingFilter"
                  actor {
                    provider = cluster
                    serialization-bindings { "zed.actors.JsonEvent" = jackson-json }
                  }
                  remote.artery.canonical { hostname = "%s", port = %d }
                  cluster {
                    downing-provider-class = "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider"
                    split-brain-resolver.active-strategy = keep-majority
                    jmx.multi-mbeans-in-same-jvm = on
                    # the host's name travels with its membership: placements name hosts, and every node maps them to addresses
                    roles = ["host", "%s"]
                    # the first host in cluster.conf forms a new cluster when no other seed answers within this, so a
                    # restart of it while the others run must reach them first: Pekko's 5 s is less than a TLS
                    # handshake with a busy host can take (a loaded CI run saw 20 s), and an island shares the journal
                    seed-node-timeout = 30s
                  }
                  persistence {
                    journal.plugin = "jdbc-journal"
                    snapshot-store.plugin = "jdbc-snapshot-store"
                  }
                  # a request too malformed to reach the routes is answered in JSON too, and never with a 5xx
                  http.server.parsing.error-handler = "zed.actors.http.MalformedRequests"
                  # longer than the longest answer (a DELETE waits for its services, sudo hooks for themselves):
                  # pekko resets a connection that is quiet for this long, answer or not (60 s by default)
                  http.server.idle-timeout = %d s
                  coordinated-shutdown.exit-jvm = off
                  coordinated-shutdown.run-by-jvm-shutdown-hook = on
                }
                # bounded, one per kind of blocking work: a slow build never holds the thread a probe needs
                zed.dispatchers {
                  builds { type = Dispatcher, executor = "thread-pool-executor", thread-pool-executor.fixed-pool-size = 2, throughput = 1 }
                  zfs { type = Dispatcher, executor = "thread-pool-executor", thread-pool-executor.fixed-pool-size = 4, throughput = 1 }
                  probes { type = Dispatcher, executor = "thread-pool-executor", thread-pool-executor.fixed-pool-size = 8, throughput = 1 }
                  processes { type = Dispatcher, executor = "thread-pool-executor", thread-pool-executor.fixed-pool-size = 8, throughput = 1 }
                }
                # each level keeps at least this many events for /v1/events to resume from; older ones are deleted
                zed.journal.events-kept = %d
                jdbc-journal.use-shared-db = "zed"
                jdbc-snapshot-store.use-shared-db = "zed"
                jdbc-read-journal.use-shared-db = "zed"
                pekko-persistence-jdbc.shared-databases.zed {
                  profile = "%s"
                  db {
                    url = "%s"
                    driver = "%s"
                    user = "%s"
                    password = ""
                    # PostgreSQL is shared by every node of a cluster: two connections each at most, one at rest
                    # (50 hosts need more than its default max_connections: ServerConnections says so). One thread: the read journal polls twice a
                    # second, and with two threads each would keep a connection of its own busy (HikariCP hands a
                    # thread the connection it used last), so neither ever idled out; the second connection is for a
                    # stream (a replay) that holds one while the thread runs other work
                    numThreads = %d
                    maxConnections = %d
                    minConnections = 1
                    idleTimeout = 30000
                    # a journal that does not answer fails a write in 5 s (not HikariCP's 30): the level restarts and
                    # tries again sooner, and answers sooner once the journal is back
                    connectionTimeout = 5000
                  }
                }
                """.formatted(quoted(c.cluster().bind()), c.cluster().port(), quoted(zed.actors.cluster.ClusterConfig.HOST_ROLE + c.cluster().host()), HttpApi.LONGEST_ANSWER.plusMinutes(1).toSeconds(), c.eventsKept(), h2 ? "slick.jdbc.H2Profile$" : "slick.jdbc.PostgresProfile$", journal,
                h2 ? "org.h2.Driver" : "org.postgresql.Driver", h2 ? "sa" : System.getProperty("user.name"), h2 ? 4 : 1, h2 ? 4 : ServerConnections.PER_NODE);
        // split brain: on PostgreSQL (every node's journal) the side that holds the lease in it survives, whatever the
        // sizes, so that two hosts are a safe cluster; an H2 journal is one node's alone, which never splits
        // Artery over TLS with mutual authentication whenever the node has the material (zed cluster init)
        String transport = tls == null ? "" : tls.config();
        String sbr = h2 ? "" : zed.actors.cluster.PostgresLease.config(c.journal()) + """
                pekko.cluster.split-brain-resolver {
                  active-strategy = lease-majority
                  lease-majority.lease-implementation = "%s"
                  # the minority's wait for the lease, and the timing of downing: zed.actors.cluster.Downing
                }
                """.formatted(zed.actors.cluster.PostgresLease.CONFIG_PATH) + zed.actors.cluster.Downing.config(c.cluster().hostsListed());
        String bootstrap = c.cluster().bootstrap() == null ? "" : c.cluster().bootstrap().config();
        // -D settings win over the node's, as over any Pekko application's: an operator may tune (e.g. the failure
        // detector) in ZED_JAVA_OPTS, and the benchmarks run Pekko's own timing beside Zed's
        return ConfigFactory.systemProperties().withFallback(ConfigFactory.parseString(conf + transport + sbr + bootstrap + MIXED_VERSIONS
                + zed.actors.level.JournalMigration.config())).withFallback(ConfigFactory.load());
    }

    /**
     * pekko-discovery (Cluster Bootstrap's) is published up to 1.2.1, not for this Pekko: its sources are the same as
     * 1.7.0's, and every class and method it calls is in 1.7.0 (docs/cluster.md). Pekko refuses to start beside a
     * module of another version; the check is turned off here, and {@link #checkVersions} makes it again for every
     * other module. (zed.jar, one shaded jar, has no module manifests: neither check sees anything there.)
     */
    static final String MIXED_VERSIONS = "pekko.fail-mixed-versions = off\n";

    /** Pekko's modules, as Pekko's own check lists them, but for pekko-discovery. */
    static final java.util.List<String> SAME_VERSION = java.util.List.of("pekko-actor", "pekko-actor-testkit-typed", "pekko-actor-typed",
            "pekko-cluster", "pekko-cluster-metrics", "pekko-cluster-sharding", "pekko-cluster-sharding-typed", "pekko-cluster-tools",
            "pekko-cluster-typed", "pekko-coordination", "pekko-distributed-data", "pekko-testkit", "pekko-multi-node-testkit", "pekko-osgi",
            "pekko-persistence", "pekko-persistence-query", "pekko-persistence-shared", "pekko-persistence-testkit", "pekko-persistence-typed",
            "pekko-pki", "pekko-protobuf", "pekko-protobuf-v3", "pekko-remote", "pekko-serialization-jackson", "pekko-slf4j", "pekko-stream",
            "pekko-stream-testkit", "pekko-stream-typed");

    /** @throws IllegalStateException when two of Pekko's modules (pekko-discovery aside) are of different versions */
    static void checkVersions(ActorSystem<?> system) {
        org.apache.pekko.util.ManifestInfo.get(system.classicSystem()).checkSameVersion("Apache Pekko",
                scala.jdk.javaapi.CollectionConverters.asScala(SAME_VERSION).toList(), false, true);
    }

    /** Starts a node and returns once its API answers. */
    public static ZedNode start(NodeConfig c) {
        zed.actors.cluster.ClusterTls tls = refuseUnsafeCluster(c);
        // the API's certificate: the operator's own, opened and checked now, else the host's from zed cluster init
        javax.net.ssl.SSLContext apiTls = c.apiKeystore() != null ? c.apiKeystore().open(java.time.Instant.now(), NodeNames.of(c)) : tls == null ? null : tls.sslContext();
        // the state directory holds the journal, the token and the services' secrets: the node's alone
        StateDir.secure(c.stateDir(), c.journal().startsWith("jdbc:h2:"));
        // checked before anything starts: a token file others can read is refused, with how to fix it
        ApiToken token = ApiToken.ensure(c.stateDir());
        // metrics first, so that a taken metrics port fails the start before anything else runs
        zed.actors.telemetry.Telemetry telemetry = zed.actors.telemetry.Telemetry.start(c.telemetry());
        ActorSystem<Void> system;
        try {
            system = ActorSystem.create(Behaviors.empty(), "zed", config(c, tls));
        } catch (RuntimeException e) {
            telemetry.close();
            throw e;
        }
        system.getWhenTerminated().thenRun(telemetry::close);
        try {
            checkVersions(system);
            Cluster cluster = Cluster.get(system);
            // a second node calling itself by a name that is taken stops (HostNameGuard)
            java.util.concurrent.atomic.AtomicReference<String> stopped = new java.util.concurrent.atomic.AtomicReference<>();
            system.systemActorOf(zed.actors.cluster.HostNameGuard.create(c.cluster().host(), why -> {
                if (!stopped.compareAndSet(null, why)) return;
                system.log().error(why);
                system.terminate();
            }), "host-name-guard", org.apache.pekko.actor.typed.Props.empty());
            if (c.cluster().bootstrap() != null) {
                // cluster.conf's hosts, through Cluster Bootstrap: joins the cluster one of them reports, or forms it
                zed.actors.cluster.BootstrapEndpoint.start(system, c.cluster().bootstrap(), tls);
            } else if (c.cluster().seeds().isEmpty()) {
                cluster.manager().tell(Join.create(cluster.selfMember().address())); // a cluster of its own joins itself
            } else {
                cluster.manager().tell(new org.apache.pekko.cluster.typed.JoinSeedNodes(c.cluster().seeds().stream()
                        .map(ZedNode::seedAddress).toList()));
            }
            SchemaUtils.createIfNotExists(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
            if (c.journal().startsWith("jdbc:postgresql:")) warnIfShortOfConnections(system, c.cluster().hostsListed());
            // driver calls (zfs, processes, probes, jails) block: they run on their own dispatcher, never the actors'
            java.util.function.Function<String, java.util.concurrent.Executor> pool = name ->
                    system.dispatchers().lookup(org.apache.pekko.actor.typed.DispatcherSelector.fromConfig(name));
            zed.actors.level.LevelHost host = new zed.actors.level.LevelHost(c,
                    new zed.actors.level.LevelHost.Work(pool.apply(BUILDS), pool.apply(ZFS), pool.apply(PROBES), pool.apply(PROCESSES)), telemetry.metrics());
            // jobs' checkpoints: URLs handed to each run, snapshots on the ZFS executor, JobCheckpointed journaled by the
            // job's level; the URLs name the API once it is bound (below)
            host.nodeCheckpoints(new zed.actors.job.NodeCheckpoints(host.work().zfs(), (level, job, step, snapshot, metrics) -> ClusterSharding.get(system)
                    .entityRefFor(LevelEntity.KEY, level).tell(new zed.actors.level.LevelCommand.JobCheckpointed(job, step, snapshot, metrics)), telemetry.metrics()));
            // before any level starts a service: downed from here on, the node stands down at once
            StandDown standDown = StandDown.register(system, () -> downed(system, stopped), host.launcher(), () -> standDown(c, host));
            // host facts on <pool>/zed (the dir store's "zed" without a pool) and one actor per GPU: docs/gpu.md
            // and the host's journal of its GPUs (found, lost, driver changed), which /v1/events streams
            var gpuJournal = system.systemActorOf(zed.actors.host.HostEntity.create(c.cluster().host(), LevelEntity.eventsKept(system.settings().config())),
                    "host-events", org.apache.pekko.actor.typed.Props.empty());
            var inventory = system.systemActorOf(zed.actors.host.HostInventoryActor.create(zed.reconciler.gpu.HostInventory.local(c.cluster().host()),
                    java.util.List.of(zed.actors.host.HostInventoryActor.Pool.of(c.pool() == null ? "" : c.pool(), () -> host.store(c.pool()))),
                    host.work().processes(), zed.actors.host.HostInventoryActor.Settings.of(system.settings().config()),
                    gpus -> gpuJournal.tell(new zed.actors.host.HostEntity.Seen(gpus))), "host-inventory", org.apache.pekko.actor.typed.Props.empty());
            // jobs are placed on this host's GPUs as its inventory last saw them
            host.gpus(new zed.actors.job.JobGpus(() -> askInventory(system, inventory)));
            // what zed hosts shows of this host, to whichever node asks
            system.systemActorOf(zed.actors.host.HostCard.create(c.cluster().host(), c.pool(), inventory, host.work().processes(),
                            uuid -> host.gpus().heldMb(uuid), p -> zed.actors.host.HostCard.free(host.store(p), p)), "host-card",
                    org.apache.pekko.actor.typed.Props.empty());
            // replication to a standby: this node receives replicas into its pool, and sends its levels' to their standbys
            java.util.function.Function<String, zed.reconciler.replica.Replicas> replicasOf = host::replicas;
            system.systemActorOf(zed.actors.replica.ReplicaReceiver.create(c.pool(), () -> replicasOf.apply(c.pool()), host.work().zfs()), "replica-receiver",
                    org.apache.pekko.actor.typed.Props.empty());
            host.replication(system.systemActorOf(zed.actors.replica.ReplicaSender.create(c.cluster().host(), replicasOf, host.work().zfs()), "replica-sender",
                    org.apache.pekko.actor.typed.Props.empty()));
            ClusterSharding.get(system).init(zed.actors.level.Placement.entity(system, host));
            ClusterSharding.get(system).init(zed.actors.rollout.RolloutEntity.entity(system));
            var table = org.apache.pekko.cluster.typed.ClusterSingleton.get(system).init(org.apache.pekko.cluster.typed.SingletonActor.of(
                    zed.actors.cluster.PlacementTable.create(), zed.actors.cluster.PlacementTable.NAME));
            host.levels().attach(system, table);
            wakeLevels(system, host, replicasOf, table, c.cluster().host());
            system.systemActorOf(zed.actors.level.Wakeup.create(host.levels(), table, zed.actors.level.Wakeup.EVERY,
                            moved -> java.util.concurrent.CompletableFuture.runAsync(() -> fence(system, host, replicasOf, c.cluster().host(), moved), host.work().zfs())), "wakeup",
                    org.apache.pekko.actor.typed.Props.empty());
            HttpApi api = new HttpApi(system, c, token, host.levels(), host.board(), table, host.nodeCheckpoints());
            system.systemActorOf(zed.actors.cluster.AutoFailover.create(c.cluster().host(), table, api::failOver, api.failoverTries()), "auto-failover",
                    org.apache.pekko.actor.typed.Props.empty());
            ServerBinding b;
            if (!https(c)) {
                b = Http.get(system).newServerAt(c.httpHost(), c.httpPort()).bind(api.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
                host.nodeCheckpoints().bound(c.httpHost(), b.localAddress().getPort());
            } else {
                // HTTPS with the operator's certificate, or beyond loopback the host's (refuseUnsafeCluster saw one is there);
                // this host's jobs post their checkpoints to the same API on loopback, in plain HTTP that they need no CA for
                b = Http.get(system).newServerAt(c.httpHost(), c.httpPort()).enableHttps(org.apache.pekko.http.javadsl.ConnectionContext.httpsServer(apiTls))
                        .bind(api.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
                ServerBinding jobs = Http.get(system).newServerAt("127.0.0.1", 0).bind(api.route()).toCompletableFuture().get(30, TimeUnit.SECONDS);
                host.nodeCheckpoints().bound("127.0.0.1", jobs.localAddress().getPort());
            }
            system.getWhenTerminated(); // the node lives until close()
            return new ZedNode(system, b, c, telemetry, stopped, host, standDown);
        } catch (Exception e) {
            system.terminate();
            telemetry.close();
            throw new IllegalStateException("the node did not start: " + e.getMessage(), e);
        }
    }

    /** The host's latest inventory (the first one, once taken); blocking, so never called on an actor's thread. */
    private static zed.reconciler.gpu.Inventory askInventory(ActorSystem<?> system, org.apache.pekko.actor.typed.ActorRef<zed.actors.host.HostInventoryActor.Msg> inventory) {
        try {
            return org.apache.pekko.actor.typed.javadsl.AskPattern.<zed.actors.host.HostInventoryActor.Msg, zed.reconciler.gpu.Inventory>ask(inventory,
                    zed.actors.host.HostInventoryActor.Get::new, Duration.ofSeconds(30), system.scheduler()).toCompletableFuture().get(40, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("no inventory of this host's GPUs within 30 s: " + e, e);
        }
    }

    /** A server whose max_connections cannot hold every host's journal pool is said once, at start, on every node. */
    private static void warnIfShortOfConnections(ActorSystem<Void> system, int hosts) {
        try {
            JournalDatabase.ConnectionLimits limits = JournalDatabase.connectionLimits(system);
            ServerConnections.shortfall(hosts, limits.max(), limits.reserved()).ifPresent(why -> system.log().warn(why));
        } catch (java.sql.SQLException e) {
            system.log().debug("could not read the journal server's connection limits: {}", e.getMessage());
        }
    }

    /**
     * At start the node learns every placement, and wakes the levels of its own host, so that their resources are
     * supervised again without waiting for a request. Levels in the journal with no placement (journaled before
     * there was a placement table) are placed on the first node that finds them: on a node of its own, this one.
     */
    private static void wakeLevels(ActorSystem<Void> system, zed.actors.level.LevelHost host,
                                   java.util.function.Function<String, zed.reconciler.replica.Replicas> replicasOf,
                                   org.apache.pekko.actor.typed.ActorRef<zed.actors.cluster.PlacementTable.Command> table, String self) throws Exception {
        var ids = LevelEntity.ids(system).toCompletableFuture().get(60, TimeUnit.SECONDS);
        // the table is a singleton on the cluster's oldest node: asked until the cluster has formed and it answers
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(JOIN_WAIT.toSeconds());
        zed.actors.cluster.PlacementTable.Placements placements = null;
        while (placements == null) {
            try {
                placements = org.apache.pekko.actor.typed.javadsl.AskPattern.<zed.actors.cluster.PlacementTable.Command, zed.actors.cluster.PlacementTable.Placements>ask(table,
                        reply -> new zed.actors.cluster.PlacementTable.Adopt(ids, self, reply), Duration.ofSeconds(5), system.scheduler()).toCompletableFuture().get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // no answer in time (the ask's own timeout, or, on a starved machine, not even that within 10 s): asked again
                if (System.nanoTime() > deadline) throw new IllegalStateException("no answer from the cluster's placement table in "
                        + JOIN_WAIT.toSeconds() + " s: has this node joined the cluster? (" + (host.config().cluster().bootstrap() != null
                        ? "through Cluster Bootstrap: a new cluster forms once every host in cluster.conf answers; are they up, do their "
                        + "certificates come from this cluster's CA, and do they share its journal?)"
                        : "its seeds: are they up, and do they share its journal?)"));
            }
        }
        zed.actors.level.KnownLevels levels = host.levels();
        levels.replace(placements.levels());
        // before anything runs here: the levels that failed over from this host while it was away stop here
        fence(system, host, replicasOf, self, placements.levels());
        ClusterSharding sharding = ClusterSharding.get(system);
        for (String id : levels.on(self)) sharding.entityRefFor(LevelEntity.KEY, id).tell(new zed.actors.level.LevelCommand.Wake());
    }

    /**
     * The levels of this host's pool that the placement table puts on another host now (failed over while this host
     * was away, or while its agent restarted) stop here and become replicas ({@link zed.actors.replica.Fencing}): at
     * start before anything runs, and at any wake that finds a level of this host placed elsewhere.
     */
    private static void fence(ActorSystem<Void> system, zed.actors.level.LevelHost host, java.util.function.Function<String, zed.reconciler.replica.Replicas> replicasOf,
                              String self, java.util.Map<String, String> placements) {
        String pool = host.config().pool();
        if (pool == null) return;
        try {
            for (String fenced : zed.actors.replica.Fencing.run(self, pool, placements, host.store(pool), replicasOf.apply(pool), host.launcher())) {
                system.log().warn("fenced {}", fenced);
            }
        } catch (RuntimeException e) {
            // the pool does not answer (not imported yet): its levels say so as they start; nothing of theirs runs from it
            system.log().error("could not fence the levels that failed over from this host: {}", e.getMessage());
        }
    }

    /** How long a starting node waits to join its cluster and hear from the placement table. */
    static final Duration JOIN_WAIT = Duration.ofSeconds(90);

    private static org.apache.pekko.actor.Address seedAddress(String hostPort) {
        zed.actors.cluster.ClusterConfig.Address a = zed.actors.cluster.ClusterConfig.Address.parse(hostPort, "--seed");
        return new org.apache.pekko.actor.Address("pekko", "zed", a.host(), a.port());
    }

    /**
     * A cluster of several nodes needs one journal they all share, and Artery and the API beyond loopback need TLS:
     * refused at start, before anything runs, with what to do instead.
     *
     * @return the node's TLS material ({@code $ZED_HOME/tls}), null when it has none: read here once per start, and
     *         handed to Artery's settings and Cluster Bootstrap's endpoint (incomplete material is refused here too)
     */
    static zed.actors.cluster.ClusterTls refuseUnsafeCluster(NodeConfig c) {
        if (c.cluster().shared() && c.h2()) {
            throw new IllegalStateException("a node that joins others (--seed, or the hosts of cluster.conf) needs the journal they share, on PostgreSQL "
                    + "(--journal jdbc:postgresql://HOST:5432/zed?user=...); an H2 journal is this node's file alone, and two nodes on "
                    + "their own journals would each run every level");
        }
        zed.actors.cluster.ClusterTls tls = zed.actors.cluster.ClusterTls.in(c.stateDir());
        if (!loopback(c.cluster().bind()) && tls == null) {
            throw new IllegalStateException("--cluster " + c.cluster().bind() + ":" + c.cluster().port() + " binds the cluster beyond loopback, "
                    + "where Artery must use TLS with mutual authentication, and " + c.stateDir().resolve(zed.actors.cluster.ClusterTls.DIR)
                    + " holds no TLS material: make it with zed cluster init, and copy that host's directory into $ZED_HOME");
        }
        if (!loopback(c.httpHost(), "--listen") && tls == null && c.apiKeystore() == null) {
            throw new IllegalStateException("--listen " + c.httpHost() + ":" + c.httpPort() + " binds the API beyond loopback, where it must use HTTPS "
                    + "(its tokens would cross the network in the clear), and " + c.stateDir().resolve(zed.actors.cluster.ClusterTls.DIR)
                    + " holds no certificate: make it with zed cluster init and copy that host's directory into $ZED_HOME, "
                    + "or name your own with --api-keystore FILE.p12, or listen on 127.0.0.1 and reach the node over SSH");
        }
        zed.actors.cluster.Bootstrap b = c.cluster().bootstrap();
        if (b != null && !loopback(b.host()) && tls == null) {
            throw new IllegalStateException("Cluster Bootstrap's endpoint " + b.host() + ":" + b.port() + " listens beyond loopback, where it must use TLS "
                    + "with mutual authentication, and " + c.stateDir().resolve(zed.actors.cluster.ClusterTls.DIR)
                    + " holds no TLS material: make it with zed cluster init, and copy that host's directory into $ZED_HOME");
        }
        return tls;
    }

    private static boolean loopback(String host) {
        return loopback(host, "--cluster");
    }

    private static boolean loopback(String host, String flag) {
        try {
            return java.net.InetAddress.getByName(host).isLoopbackAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(flag + ": unknown host " + host);
        }
    }

    /** Whether the API speaks HTTPS: it does beyond loopback, and wherever it listens with the operator's keystore. */
    public boolean https() {
        return https(config);
    }

    private static boolean https(NodeConfig c) {
        return c.apiKeystore() != null || !loopback(c.httpHost(), "--listen");
    }

    /** What the node's levels run on: its stores, GPUs and checkpoint endpoint (a test puts stand-ins for the last two). */
    public zed.actors.level.LevelHost host() {
        return host;
    }

    public int httpPort() {
        InetSocketAddress a = binding.localAddress();
        return a.getPort();
    }

    /** The node's checkpoint endpoint: {@code checkpoints().in(store)} is what a job's run opens its URL with. */
    public zed.actors.job.NodeCheckpoints checkpoints() {
        return host.nodeCheckpoints();
    }

    public zed.actors.telemetry.Telemetry telemetry() {
        return telemetry;
    }

    public ActorSystem<Void> system() {
        return system;
    }

    public NodeConfig config() {
        return config;
    }

    /**
     * Why the node stopped by itself, null when it did not (it was closed): its host name was taken by another node,
     * or the cluster downed it (the split-brain resolver, when it was on the side without the lease, or it could not
     * reach the lease's database).
     */
    public String stoppedBecause() {
        if (stopped.get() != null) return stopped.get();
        if (downed()) {
            return "the cluster downed this node (" + config.cluster().host() + "): it was cut off from the others, and the split-brain resolver "
                    + "kept the side that holds the lease in the journal's database (or it held that lease and was cut off from the database "
                    + "for the lease's heartbeat-timeout); its services are left running, but for those of levels with "
                    + "a standby (they may be failed over to it). Start it again once the network is back: it joins, and its levels converge, "
                    + "adopting what runs (a level failed over meanwhile stops here and this host becomes its standby)";
        }
        return null;
    }

    /** Whether the split-brain resolver downed this node (rather than it being closed, or stopping by itself). */
    public boolean downed() {
        return downed(system, stopped);
    }

    private static boolean downed(ActorSystem<?> system, java.util.concurrent.atomic.AtomicReference<String> stopped) {
        var reason = org.apache.pekko.actor.CoordinatedShutdown.get(system).getShutdownReason();
        return stopped.get() == null && reason.isPresent() && reason.get() instanceof org.apache.pekko.actor.CoordinatedShutdown.ClusterDowningReason$;
    }

    /**
     * A downed node's stand-down: the services of its levels with a standby stop ({@link zed.actors.replica.Fencing#standDown}),
     * begun as soon as the cluster downs it, and its launcher starts nothing more ({@link StandDown}).
     */
    public StandDown standingDown() {
        return standDown;
    }

    private static java.util.List<String> standDown(NodeConfig c, zed.actors.level.LevelHost host) {
        String pool = c.pool();
        if (pool == null) return java.util.List.of();
        return zed.actors.replica.Fencing.standDown(pool, java.util.Set.copyOf(host.withStandby()), host.store(pool), host.launcher());
    }

    /** The levels that {@link #standingDown} would stop the services of now, and the pool: what the warden is told. */
    public zed.actors.warden.StandbyLevels standbyLevels() {
        return new zed.actors.warden.StandbyLevels(config.pool(), java.util.Set.copyOf(host.withStandby()));
    }

    /** Stops the API, then the actor system (entities passivate; services are left running). */
    @Override
    public void close() {
        CompletionStage<Done> unbound = binding.terminate(Duration.ofSeconds(5)).thenApply(t -> Done.getInstance());
        try {
            unbound.toCompletableFuture().get(10, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the system's termination below closes it anyway
        }
        system.terminate();
        try {
            system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("the node did not stop within 30s", e);
        } finally {
            telemetry.close();
        }
    }
}
