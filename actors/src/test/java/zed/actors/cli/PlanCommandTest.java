package zed.actors.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.Chain;
import zed.config.LevelSpec;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.store.Command;
import zed.reconciler.store.ZfsStore;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code zed plan} against a pool reads it with one {@code zfs get} and probes nothing; the plan is what a probed store gives. */
class PlanCommandTest {
    @TempDir
    Path tmp;

    /** zfs-fuse as it answers: its usage text, a {@code zpool get} it does not understand, and the tree. */
    static final class FakeZfs implements Command {
        final List<List<String>> calls = new ArrayList<>();

        @Override
        public Result run(List<String> argv, Duration timeout, String subject) {
            calls.add(List.copyOf(argv));
            if (argv.equals(List.of("zfs"))) return new Result(2, "", "usage: zfs command args ...\n\tset <property=value> <filesystem|volume|snapshot> ...\n");
            if (argv.get(0).equals("zpool")) return new Result(2, "", "bad property list: invalid property '-H'\n");
            if (argv.size() > 2 && argv.get(0).equals("zfs") && argv.get(1).equals("get")) {
                return new Result(0, """
                        tank/shop\tmounted\tyes\t-
                        tank/shop\tmountpoint\t/tank/shop\tdefault
                        tank/shop/db\tmounted\tyes\t-
                        tank/shop/db\tmountpoint\t/tank/shop/db\tdefault
                        tank/shop/db\tcompression\toff\tdefault
                        """, "");
            }
            return new Result(1, "", "unexpected: " + argv);
        }
    }

    @Test
    void planOfAPoolRunsOneZfsGetAndNoProbeAndPlansAsAProbedStore() throws Exception {
        Path shop = Files.createDirectories(tmp.resolve("shop"));
        Files.writeString(shop.resolve("Zedfile"), """
                level "shop" {}
                dataset "apps/web" {
                  properties = { compression = "on", quota = "1G" }
                }
                dataset "db" {}
                """);
        PlanCommand plan = new PlanCommand();
        FakeZfs zfs = new FakeZfs();
        plan.zfs = zfs;
        plan.dir = shop;
        plan.pool = "tank/shop";
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream stdout = System.out;
        int exit;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        try {
            exit = plan.call();
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, exit, out.toString(StandardCharsets.UTF_8));
        assertEquals(1, zfs.calls.size(), "one call, the read: " + zfs.calls);
        assertEquals(List.of("zfs", "get", "-H", "-p", "-r"), zfs.calls.get(0).subList(0, 5));

        // the same plan as from a store that probed zfs first (as plan did before)
        Path home = ZedCommand.zedHome();
        LevelSpec leaf = ChainEvaluator.evaluate(Chain.discover(shop, home, Path.of("").toAbsolutePath()),
                EvalInputs.local(home, new PortTable(home).load())).leaf();
        FakeZfs probed = new FakeZfs();
        ZfsStore store = ZfsStore.probe(probed, "tank/shop");
        String expected = Planner.plan(leaf, store.kind(), "tank/shop", Convergence.observe(store, "tank/shop", leaf), Stamp.now(1)).table();
        assertEquals(List.of("zfs"), probed.calls.get(0), "the probed store's first call is the probe");
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
        assertEquals(List.of(
                "level shop  zfs tank/shop  revision 1",
                "  + tank/shop/apps      create (container)",
                "  + tank/shop/apps/web  create  compression=on quota=1G",
                "  ! tank/shop/db        refused: exists and is not managed by Zed (com.zed:managed is not set on it); Zed never modifies such a dataset"),
                expected.lines().toList().subList(0, 4));
    }
}
