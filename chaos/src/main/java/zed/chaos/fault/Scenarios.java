package zed.chaos.fault;

import java.nio.file.Files;
import java.nio.file.Path;
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
