package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.LevelSpec;
import zed.config.ZedfileException;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "validate", description = {"Checks Zedfiles: a file of any name, or a directory (the chain that ends there).",
        "Prints one line per level; on errors prints FILE:LINE:COL: message and exits 1."})
final class ValidateCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "PATH", description = "Zedfiles or directories")
    List<Path> paths;

    @Override
    public Integer call() {
        Path home = ZedCommand.zedHome();
        Path cwd = Path.of("").toAbsolutePath();
        EvalInputs inputs = EvalInputs.local(home, new PortTable(home).load());
        boolean ok = true;
        for (Path p : paths) {
            try {
                List<Chain.Link> chain = Chain.discover(p, home, cwd);
                ChainEvaluator.Result r = ChainEvaluator.evaluate(chain, inputs);
                if (!r.ok()) {
                    ok = false;
                    for (Diagnostic d : r.errors()) System.err.println(d.render());
                    continue;
                }
                for (int i = 0; i < r.levels().size(); i++) System.out.println(summary(r.levels().get(i), chain.get(i).display()));
            } catch (ZedfileException e) {
                ok = false;
                for (Diagnostic d : e.diagnostics()) System.err.println(d.render());
            }
        }
        return ok ? 0 : 1;
    }

    static String summary(LevelSpec l, String file) {
        return "ok  " + l.id() + "  " + file + "  " + count(l.datasets().size(), "dataset") + ", " + count(l.jails().size(), "jail") + ", "
                + count(l.services().size(), "service") + (l.models().isEmpty() ? "" : ", " + count(l.models().size(), "model"))
                + (l.jobs().isEmpty() ? "" : ", " + count(l.jobs().size(), "job")) + "  hash " + l.hash();
    }

    private static String count(int n, String what) {
        return n + " " + what + (n == 1 ? "" : "s");
    }
}
