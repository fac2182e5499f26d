package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.Value;
import zed.config.ZedfileException;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "get", description = {"Evaluates an expression in the leaf level of DIR's chain, e.g. service.exec.web.vars.port.",
        "Prints strings raw and other values as JSON. Ports picked by net::pickport() are kept in $ZED_HOME/ports.json."})
final class GetCommand implements Callable<Integer> {
    @Option(names = "--dir", paramLabel = "DIR", description = "where the chain ends (default: the working directory)")
    Path dir = Path.of("");

    @Parameters(index = "0", paramLabel = "EXPR", description = "a reference expression")
    String expression;

    @Override
    public Integer call() throws IOException {
        Path home = ZedCommand.zedHome();
        PortTable table = new PortTable(home);
        try {
            List<Chain.Link> chain = Chain.discover(dir, home, Path.of("").toAbsolutePath());
            ChainEvaluator.Result r = ChainEvaluator.evaluate(chain, EvalInputs.local(home, table.load()));
            if (!r.ok()) {
                for (Diagnostic d : r.errors()) System.err.println(d.render());
                return 1;
            }
            Value v = r.get(expression);
            table.save(r.ports());
            System.out.println(render(v));
            return 0;
        } catch (ZedfileException e) {
            for (Diagnostic d : e.diagnostics()) System.err.println(d.render());
            return 1;
        }
    }

    /** Strings raw; a secret as its references (never a value); anything else as JSON. */
    static String render(Value v) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Secret s) return s.redacted();
        return v.toJson();
    }
}
