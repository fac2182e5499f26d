package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import zed.config.eval.ChainEvaluator;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "sudo", description = {"Runs the sudo hooks of the leaf level's services on the node's host: check (unprivileged; passing skips the hook),",
        "apply as root (the privilege command, or zed ops where the node has --ops-socket: only what its --sudo-allowed lists), verify.",
        "Only this command runs them; a converge never does. Exits 1 if a hook failed."})
final class SudoCommand implements Callable<Integer> {
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
        NodeClient.Answer a = node.send("POST", NodeClient.level(local.leaf().id()) + "/sudo", Map.of());
        if (!a.ok()) {
            a.errors().forEach(System.err::println);
            return 1;
        }
        boolean ok = true;
        for (JsonNode h : a.body().get("hooks")) {
            System.out.println(h.get("service").asText() + " sudo \"" + h.get("hook").asText() + "\": " + h.get("outcome").asText() + " (" + h.get("detail").asText() + ")");
            ok &= !h.get("outcome").asText().equals("FAILED");
        }
        if (a.body().get("hooks").isEmpty()) System.out.println(local.leaf().id() + ": no sudo hooks");
        return ok ? 0 : 1;
    }
}
