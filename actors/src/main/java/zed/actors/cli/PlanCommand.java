package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.LevelSpec;
import zed.config.ZedfileException;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;
import zed.reconciler.dataset.Convergence;
import zed.reconciler.dataset.Plan;
import zed.reconciler.dataset.Planner;
import zed.reconciler.dataset.Stamp;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Observation;
import zed.reconciler.store.ProcessCommand;
import zed.reconciler.store.Store;
import zed.reconciler.store.StoreError;
import zed.reconciler.store.ZfsStore;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "plan", description = {"Shows what converging the datasets of DIR's leaf level would change on this host. Changes nothing.",
        "Uses the level's pool (ZFS), else the dir store under $ZED_HOME/store."})
final class PlanCommand implements Callable<Integer> {
    enum Format { table, json }

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "where the chain ends (default: the working directory)")
    Path dir = Path.of("");

    @Option(names = "--pool", paramLabel = "NAME", description = "plan against this ZFS dataset instead of the level's pool")
    String pool;

    @Option(names = "--dir-store", paramLabel = "PATH", description = "plan against a dir store at PATH")
    Path dirStore;

    @Option(names = "--format", paramLabel = "FORMAT", description = "table (default) or json")
    Format format = Format.table;

    /** How zfs is run: a process each (tests record the calls instead). */
    zed.reconciler.store.Command zfs = new ProcessCommand();

    @Override
    public Integer call() {
        if (pool != null && dirStore != null) {
            System.err.println("zed plan: give --pool or --dir-store, not both");
            return 2;
        }
        Path home = ZedCommand.zedHome();
        try {
            List<Chain.Link> chain = Chain.discover(dir, home, Path.of("").toAbsolutePath());
            ChainEvaluator.Result r = ChainEvaluator.evaluate(chain, EvalInputs.local(home, new PortTable(home).load()));
            if (!r.ok()) {
                for (Diagnostic d : r.errors()) System.err.println(d.render());
                return 1;
            }
            LevelSpec leaf = r.leaf();
            Store store;
            String root;
            if (dirStore != null || (pool == null && leaf.pool() == null)) {
                store = new DirStore(dirStore != null ? dirStore : home.resolve("store"));
                root = "";
            } else {
                root = pool != null ? pool : leaf.pool();
                // a plan only reads, and the read is the same on every zfs: no probe, one zfs process in all
                store = ZfsStore.unprobed(zfs);
            }
            Map<String, Observation> seen = Convergence.observe(store, root, leaf);
            long rev = 1;
            for (Observation o : seen.values()) {
                String own = leaf.id().equals(o.own(Planner.LEVEL)) ? o.own(Planner.REV) : null;
                if (own != null && own.matches("\\d{1,18}")) rev = Math.max(rev, Long.parseLong(own) + 1);
            }
            Plan plan = Planner.plan(leaf, store.kind(), root, seen, Stamp.now(rev));
            System.out.print(format == Format.json ? plan.toJson() + "\n" : plan.table());
            return 0;
        } catch (ZedfileException e) {
            for (Diagnostic d : e.diagnostics()) System.err.println(d.render());
            return 1;
        } catch (StoreError e) {
            System.err.println("zed plan: " + e.getMessage());
            return 1;
        }
    }
}
