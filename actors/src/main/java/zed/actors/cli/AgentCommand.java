package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;

import java.util.concurrent.Callable;

@Command(name = "agent", defaultValueProvider = AgentConf.class, subcommands = AgentInstallCommand.class,
        description = {"Runs the Zed node in the foreground: the HTTP API, the level entities, the journal.",
        "State lives in $ZED_HOME (the journal in $ZED_HOME/journal). Stop it with Ctrl-C or SIGTERM.",
        "Every flag can also be a line of $ZED_HOME/agent.conf ($ZED_AGENT_CONF): name = value (e.g. seed = 10.0.0.1:25520); a flag given here wins.",
        "zed agent install sets the host up to run it at boot."})
final class AgentCommand implements Callable<Integer> {
    /** How long the agent waits for its actor system to end once its shutdown has begun, before it exits without it. */
    static final java.time.Duration END_WAIT = java.time.Duration.ofSeconds(30);

    /** How long a downed node's services have to stop: each its grace, and SIGKILL's wait, at once. */
    static final java.time.Duration STAND_DOWN_WAIT = java.time.Duration.ofSeconds(30);
    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "where the API listens (default 127.0.0.1:7700); beyond loopback over HTTPS, with the certificate in $ZED_HOME/tls (zed cluster init) or --api-keystore; every call but GET /v1/health needs a token (docs/security.md)")
    String listen = "127.0.0.1:7700";

    @Option(names = "--pool", paramLabel = "DATASET", description = "the ZFS dataset for levels that name no pool (default: the dir store)")
    String pool;

    @Option(names = "--journal", paramLabel = "JDBC_URL", description = "the journal database (default: an H2 file in $ZED_HOME/journal)")
    String journal;

    @Option(names = "--metrics", paramLabel = "HOST:PORT", description = "where Prometheus scrapes the metrics (default 127.0.0.1:9095)")
    String metrics = "127.0.0.1:9095";

    @Option(names = "--no-metrics", description = "export no metrics")
    boolean noMetrics;

    @Option(names = "--host", paramLabel = "NAME", description = "this host's name in the cluster (default: the machine's short host name)")
    String hostName;

    @Option(names = "--cluster", paramLabel = "HOST:PORT", description = "Artery's canonical address, where other nodes reach this one (default: a free port on 127.0.0.1)")
    String cluster;

    @Option(names = "--seed", paramLabel = "HOST:PORT", split = ",", description = {"a node of the cluster to join (repeatable); without it the node forms through",
            "Cluster Bootstrap with the hosts of $ZED_HOME/cluster.conf, or, without that file, is a cluster of its own"})
    java.util.List<String> seeds = new java.util.ArrayList<>();

    @Option(names = "--events-kept", paramLabel = "N", description = "how many events each level keeps at least, for /v1/events to resume from (default 1000)")
    int eventsKept = NodeConfig.EVENTS_KEPT;

    @Option(names = "--ops-socket", paramLabel = "PATH", description = {"zed ops's socket (e.g. /run/zed/ops.sock): the levels' datasets are made, changed, snapshotted, replicated",
            "and destroyed through it, so that the agent need not be root; without it, the single-process mode (everything as root)"})
    java.nio.file.Path opsSocket;

    @Option(names = "--api-keystore", paramLabel = "FILE.p12", description = {"your own certificate for the API (a PKCS12 keystore: one private key and its chain),",
            "served over HTTPS wherever the API listens, instead of the one of zed cluster init"})
    java.nio.file.Path apiKeystore;

    @Option(names = "--api-keystore-password-file", paramLabel = "FILE", description = "the file that holds --api-keystore's password (mode 0600; default: an empty password)")
    java.nio.file.Path apiKeystorePasswordFile;

    @Option(names = "--service-user", paramLabel = "USER", description = {"whom a service runs as when its Zedfile names no user (default root, as the single-process",
            "mode runs everything; zed agent install's agent.conf says zed-svc); it must exist on this host"})
    String serviceUser = zed.reconciler.service.ServiceRun.DEFAULT_USER;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        String conf = new AgentConf().problem(spec);
        if (conf != null) {
            System.err.println("zed agent: " + conf);
            return 2;
        }
        int colon = listen.lastIndexOf(':');
        if (colon <= 0) {
            System.err.println("zed agent: --listen takes HOST:PORT, e.g. 127.0.0.1:7700");
            return 2;
        }
        String host = listen.substring(0, colon);
        int port = Integer.parseInt(listen.substring(colon + 1));
        zed.actors.telemetry.TelemetryConfig t = zed.actors.telemetry.TelemetryConfig.disabled();
        if (!noMetrics) {
            int mc = metrics.lastIndexOf(':');
            t = zed.actors.telemetry.TelemetryConfig.defaults().withEndpoint(metrics.substring(0, mc), Integer.parseInt(metrics.substring(mc + 1)));
        }
        zed.actors.cluster.ClusterConfig cc;
        try {
            cc = zed.actors.cluster.ClusterConfig.alone().withSeeds(seeds);
            if (hostName != null) cc = cc.withHost(hostName);
            if (cluster != null) cc = cc.withAddress(cluster);
            // the cluster's file (zed cluster init) completes what the flags leave out: this host's address, how it forms
            java.nio.file.Path file = ZedCommand.zedHome().resolve(zed.actors.cluster.ClusterFile.NAME);
            if (java.nio.file.Files.exists(file)) {
                cc = zed.actors.cluster.ClusterFile.parse(java.nio.file.Files.readString(file)).complete(cc, hostName != null, cluster != null, !seeds.isEmpty());
            }
        } catch (IllegalArgumentException e) {
            System.err.println("zed agent: " + e.getMessage());
            return 2;
        }
        if (opsSocket != null && !java.nio.file.Files.exists(opsSocket)) {
            System.err.println("zed agent: there is no zed ops socket at " + opsSocket + " (--ops-socket): start zed ops first");
            return 1;
        }
        if (opsSocket != null && !System.getProperty("os.name", "").equalsIgnoreCase("linux")) {
            // jail(8) and Bastille need root, and zed ops lays out only bubblewrap jails: refused rather than failing at a jail's start
            System.err.println("zed agent: --ops-socket works on Linux only: on " + System.getProperty("os.name")
                    + " the jails (jail(8), Bastille) do not go through zed ops; run the agent as root without --ops-socket (docs/install.md)");
            return 2;
        }
        if (apiKeystorePasswordFile != null && apiKeystore == null) {
            System.err.println("zed agent: --api-keystore-password-file is the password of --api-keystore, which is not given");
            return 2;
        }
        String serviceUserProblem = ServiceUser.problem(serviceUser, System.getProperty("user.name"), opsSocket != null);
        if (serviceUserProblem != null) {
            System.err.println("zed agent: " + serviceUserProblem);
            return 2;
        }
        NodeConfig c = new NodeConfig(host, port, cc, ZedCommand.zedHome(), journal, pool, t, eventsKept, opsSocket,
                apiKeystore == null ? null : new zed.actors.node.ApiKeystore(apiKeystore.toAbsolutePath(),
                        apiKeystorePasswordFile == null ? null : apiKeystorePasswordFile.toAbsolutePath()), serviceUser);
        System.err.println("zed agent: " + (opsSocket == null
                ? "single-process mode: ZFS, replication, services, jails and sudo hooks run as this process's user (root, to manage a pool)"
                : "privilege boundary: the levels' datasets, replication, fencing, services, their files and jails (started, written and wrapped by zed ops, as their users) through zed ops at " + opsSocket
                        + "; sudo hooks' applies run by zed ops where its --sudo-allowed lists them (docs/security.md)")
                + "; a service whose Zedfile names no user runs as " + (opsSocket != null ? serviceUser + " where zed ops allows it (its --service-user)"
                        : !serviceUser.equals("root") ? serviceUser
                        : "root".equals(System.getProperty("user.name")) ? "root (--service-user)" : "this process's user (--service-user)"));
        zed.actors.warden.WardenFiles warden = zed.actors.warden.WardenFiles.of(c.stateDir());
        for (String line : zed.actors.warden.WardenLaunch.lastStandDown(warden)) System.err.println("zed agent: while the agent was away, its warden " + line);
        // a node of a cluster has a warden (a lone node's levels have no standby to fail over to): the heartbeat
        // beats from now, so that a warden whose agent died waits while this one starts
        zed.actors.warden.Heartbeat beat = cc.shared() ? zed.actors.warden.Heartbeat.start(warden) : null;
        ZedNode node = ZedNode.start(c);
        System.err.println("zed: node listening on " + (node.https() ? "https://" : "http://") + host + ":" + node.httpPort() + " (host " + cc.host() + ", state in " + c.stateDir()
                + (cc.bootstrap() == null ? "" : ", formed through Cluster Bootstrap on " + cc.bootstrap().host() + ":" + cc.bootstrap().port()) + ")");
        if (beat != null) {
            // only now a clean exit marks itself: an agent that failed to start leaves a dead one's warden watching
            beat.follow(node::standbyLevels);
            try {
                System.err.println("zed agent: " + zed.actors.warden.WardenLaunch.ensure(c.stateDir(), zed.actors.warden.WardenLaunch.after(node.system().settings().config()), opsSocket));
            } catch (java.io.IOException e) {
                System.err.println("zed agent: could not start the warden (" + e.getMessage() + "): if this agent dies without a word, "
                        + "the services of its levels with a standby run on while the standby starts them");
            }
        }
        java.util.concurrent.CompletableFuture<?> ended = node.system().getWhenTerminated().toCompletableFuture();
        // the node runs until its shutdown begins: SIGTERM, the cluster downing it, its host name taken by another
        java.util.concurrent.CompletableFuture.anyOf(ended, node.standingDown().shutdownBegun()).join();
        boolean stoodDown = !node.downed() || StandingDown.standDown(node);
        if (!stoodDown && beat != null) beat.leaveToWarden();
        try {
            ended.get(END_WAIT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            // a loaded host's actor system may never end (seen in CI): what matters was done above; the agent goes
            System.err.println("zed agent: the node's actor system did not end within " + END_WAIT.toSeconds() + " s of its shutdown; the agent exits without it"
                    + (node.stoppedBecause() == null ? "" : ". " + node.stoppedBecause()));
            if (beat != null) beat.stopped();
            System.err.flush();
            // not System.exit: Pekko's shutdown hook would wait for the same shutdown again
            Runtime.getRuntime().halt(1);
        }
        if (node.stoppedBecause() != null) {
            System.err.println("zed agent: " + node.stoppedBecause());
            return 1;
        }
        return 0;
    }

    /**
     * Waits for a downed node's stand-down ({@link zed.actors.node.StandDown}) and says what it stopped; false when it failed.
     * In a class of its own: picocli reads AgentCommand's methods for every command line that lists it (--help, zed
     * completion), and a method that names ZedNode would load the node's class with them.
     */
    private static final class StandingDown {
        private StandingDown() {
        }

        private static boolean standDown(ZedNode node) {
            node.standingDown().begin(); // begun at the shutdown's first phase already; here in case that phase never ran
            try {
                for (String line : node.standingDown().await(STAND_DOWN_WAIT.toSeconds())) System.err.println("zed agent: stopped " + line);
                return true;
            } catch (java.util.concurrent.TimeoutException e) {
                System.err.println("zed agent: the services of the levels with a standby did not all stop within " + STAND_DOWN_WAIT.toSeconds()
                        + " s; the warden tries again once this agent is gone");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                System.err.println("zed agent: could not stop the services of the levels with a standby: " + e.getMessage()
                        + "; the warden tries again once this agent is gone");
            }
            return false;
        }
    }
}
