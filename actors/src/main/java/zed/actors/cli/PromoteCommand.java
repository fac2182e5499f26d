package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "promote", description = {"Promotes the canaries of LEVEL's rollout: the revision goes on to every other host.",
        "With --abort, the rollout ends instead and every host it changed goes back to the stable revision. See docs/cluster.md, Rolling out a revision."})
final class PromoteCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LEVEL", description = "the level's id, e.g. web or shop/web")
    String level;

    @Option(names = "--abort", description = "end the rollout and revert the hosts it changed")
    boolean abort;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeClient node = nodeOptions.client();
        NodeClient.Answer a = node.sendOrSay("POST", NodeClient.level(level) + "/promote", abort ? Map.of("abort", true) : Map.of(), err);
        if (a == null) return 1;
        out.println(level + ": rollout " + a.body().path("rollout").asLong() + (abort ? " aborted: the hosts it changed go back to the stable revision"
                : " promoted: the revision goes on to every host") + " (" + a.body().path("state").asText() + "; zed status shows each host)");
        out.flush();
        return 0;
    }
}
