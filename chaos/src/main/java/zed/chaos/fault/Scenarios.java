package zed.chaos.fault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Each chaos scenario set up and torn down: its pool, its node, its level; run by the CI tests at small counts and by {@link Chaos} at full ones. */
public final class Scenarios {
    private Scenarios() {
    }

    /** Scenario 1: {@code rounds} kills of the node at random points of a deploy of a level of {@code datasets} datasets. */
    public static Outcome killDuringDeploy(Path bin, int rounds, int datasets, long seed) throws Exception {
        Path home = Files.createTempDirectory("zed-chaos-kill");
        try (ChaosPool pool = ChaosPool.fresh("kill"); AgentNode node = new AgentNode(bin, home.resolve("home"), List.of("--pool", pool.root())).start()) {
            KillDuringDeploy k = new KillDuringDeploy(node, pool.root(), home.resolve("level"), datasets, seed);
            Outcome o = k.run(rounds);
            List<String> ports = k.ports();
            node.send("DELETE", AgentNode.level(KillDuringDeploy.LEVEL), null);
            for (String port : ports) o.check(HostFacts.processes("http.server", port).isEmpty(), "a process on port " + port + " outlived zed down");
            return o;
        }
    }

    /** Scenario 2: {@code runs} deploys that fill the pool (a quota) half-way, each on a fresh dataset. */
    public static Outcome poolFull(Path bin, int runs) throws Exception {
        Outcome o = new Outcome("the pool fills during a deploy", "a ConvergeFailed naming the dataset and NO_SPACE; reverted to the stable "
                + "revision; no dataset half-stamped; the node healthy; the same revision deploys once space is freed");
        Path home = Files.createTempDirectory("zed-chaos-full");
        for (int i = 0; i < runs; i++) {
            try (ChaosPool pool = ChaosPool.fresh("full"); AgentNode node = new AgentNode(bin, home.resolve("home-" + i), List.of("--pool", pool.root())).start()) {
                new PoolFull(node, pool.root(), home.resolve("level-" + i), o).run();
            }
        }
        return o;
    }

    /** Scenario 4: {@code runs} kills and restarts of the zfs-fuse daemon under a converged level. */
    public static Outcome zfsRestart(Path bin, int runs) throws Exception {
        Outcome o = new Outcome("zfs-fuse killed and started again", "the status and an event say the pool is unavailable, the node answers; "
                + "once back, every dataset converged again with an event, the services' pids unchanged");
        Path home = Files.createTempDirectory("zed-chaos-zfs");
        Path repo = bin.toAbsolutePath().getParent().getParent();
        for (int i = 0; i < runs; i++) {
            try (ChaosPool pool = ChaosPool.fresh("zfs"); AgentNode node = new AgentNode(bin, home.resolve("home-" + i), List.of("--pool", pool.root())).start()) {
                new ZfsRestart(node, repo, home.resolve("level-" + i), o).run();
            }
        }
        return o;
    }

    /**
     * Scenario 6, the soak: a level of {@code datasets} datasets and {@code services} services, one drift a second for
     * {@code minutes}; the level keeps the node's default events-kept (1000).
     */
    public static Outcome soak(Path bin, int minutes, int datasets, int services, long seed) throws Exception {
        return soak(bin, minutes, datasets, services, seed, 1000);
    }

    /** The soak with the node's {@code --events-kept}: small enough, the journal's retention runs within a short soak too. */
    public static Outcome soak(Path bin, int minutes, int datasets, int services, long seed, int eventsKept) throws Exception {
        Outcome o = new Outcome("soak: " + datasets + " datasets, " + services + " services, a drift a second for " + minutes + " min",
                "every drift corrected within " + Soak.DEADLINE.toSeconds() + " s as the host shows it, with a DriftCorrected event; heap after GC "
                        + "and threads flat; the level's events under the retention bound; the drift metric as the events; one process per service; "
                        + "none after DELETE");
        Path home = Files.createTempDirectory("zed-chaos-soak");
        int metrics;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            metrics = s.getLocalPort();
        }
        ChaosPool pool = ChaosPool.fresh("soak");
        try (AgentNode node = new AgentNode(bin, home.resolve("home"), List.of("--pool", pool.root(), "--metrics", "127.0.0.1:" + metrics,
                "--events-kept", String.valueOf(eventsKept))).start()) {
            new Soak(node, pool.root(), home.resolve("level"), datasets, services, seed, eventsKept, metrics, o).run(Duration.ofMinutes(minutes));
        } finally {
            try {
                pool.close();
            } catch (java.io.IOException e) {
                // what the soak measured stands; the dataset it leaves is said
                o.note("the scenario's dataset " + pool.root() + " was left behind: " + e.getMessage());
            }
        }
        return o;
    }

    /** Scenario 3: {@code runs} journal outages of {@code seconds} each, mid-deploy and in steady state, on PostgreSQL behind a proxy. */
    public static Outcome journalOutage(Path bin, int runs, int seconds) throws Exception {
        Outcome o = new Outcome("the journal (PostgreSQL) gone for " + seconds + " s, mid-deploy and in steady state",
                "every status read answered; no Converged shown that the journal lacks; the deploy converges once it is back; "
                        + "no accepted revision lost; persisting resumes");
        Path home = Files.createTempDirectory("zed-chaos-journal");
        for (int i = 0; i < runs; i++) {
            try (ChaosDatabase db = ChaosDatabase.fresh(); JournalProxy proxy = new JournalProxy(db.server().getHost(),
                    db.server().getPort() < 0 ? 5432 : db.server().getPort()); ChaosPool pool = ChaosPool.fresh("journal");
                 AgentNode node = new AgentNode(bin, home.resolve("home-" + i), List.of("--pool", pool.root(), "--journal", db.url("127.0.0.1", proxy.port())))
                         .start()) {
                new JournalOutage(node, proxy, db, home.resolve("level-" + i), java.time.Duration.ofSeconds(seconds), o).run();
            }
        }
        return o;
    }
}
