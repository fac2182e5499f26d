package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import zed.config.eval.ChainEvaluator;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "rollback", description = {"Rolls the leaf level of DIR's chain back: its services stop, its datasets go back to TARGET",
        "(data and state together), and the revision they carry converges again. TARGET: @latest, @rev:N, or a snapshot name."})
final class RollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "TARGET")
    String target;

    @Parameters(index = "1", arity = "0..1", paramLabel = "DIR", description = "where the chain ends (default: the working directory)")
    Path dir = Path.of("");

    @Mixin
    NodeOptions nodeOptions;

    @Override
    public Integer call() throws Exception {
        Path home = nodeOptions.home();
        ChainEvaluator.Result local = LocalChain.evaluate(dir, home);
        if (local == null) return 1;
        NodeClient node = LocalChain.answering(nodeOptions.client());
        if (node == null) return 1;
        String id = local.leaf().id();
        NodeClient.Answer a = node.send("POST", NodeClient.level(id) + "/rollback", Map.of("target", target));
        if (!a.ok()) {
            a.errors().forEach(System.err::println);
            return 1;
        }
        System.out.println(id + ": rolling back to " + target + " (rollback " + a.body().path("rollback").asText() + ", from revision "
                + a.body().path("from").asText() + ")");
        return new UpCommand().followAny(node, id, home) ? 0 : 1;
    }
}
