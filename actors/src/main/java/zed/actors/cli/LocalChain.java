package zed.actors.cli;

import zed.config.Chain;
import zed.config.Diagnostic;
import zed.config.ZedfileException;
import zed.config.eval.ChainEvaluator;
import zed.config.eval.EvalInputs;

import java.nio.file.Path;

/** The chain that ends at a directory, evaluated on this machine: what every command that names a level starts from. */
final class LocalChain {
    private LocalChain() {
    }

    /** The evaluated chain, or null after printing its errors as FILE:LINE:COL: message. */
    static ChainEvaluator.Result evaluate(Path dir, Path home) {
        try {
            ChainEvaluator.Result r = ChainEvaluator.evaluate(Chain.discover(dir, home, Path.of("").toAbsolutePath()),
                    EvalInputs.local(home, new PortTable(home).load()));
            if (r.ok()) return r;
            for (Diagnostic d : r.errors()) System.err.println(d.render());
        } catch (ZedfileException e) {
            e.diagnostics().forEach(d -> System.err.println(d.render()));
        }
        return null;
    }

    /** The node, when it answers; else null, after saying that none does. */
    static NodeClient answering(NodeClient node) {
        if (node.alive()) return node;
        System.err.println("zed: no node answers at " + node.base + (node.local() ? " (start one with zed agent, or zed up)" : ""));
        return null;
    }
}
