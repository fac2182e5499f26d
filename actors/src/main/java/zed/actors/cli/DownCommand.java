package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import zed.config.eval.ChainEvaluator;

import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "down", description = "Stops the leaf level of DIR's chain (its services stop; its datasets stay). Parents are shared and keep running.")
final class DownCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "where the chain ends (default: the working directory)")
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
        NodeClient.Answer a = node.send("DELETE", NodeClient.level(id), null);
        if (!a.ok()) {
            a.errors().forEach(System.err::println);
            return 1;
        }
        System.out.println(id + ": " + a.body().get("state").asText());
        return 0;
    }
}
