package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "move", description = {"Moves LEVEL to another host, planned: its services stop, its last increment goes to HOST (nothing is lost),",
        "and it converges there. The Zedfile's host = must then name HOST. See docs/cluster.md, Moving a level."})
final class MoveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LEVEL", description = "the level's id, e.g. web or shop/web")
    String level;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "the host it runs on from now on")
    String to;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeClient node = nodeOptions.client();
        NodeClient.Answer a = node.sendOrSay("POST", NodeClient.level(level) + "/move", Map.of("to", to), err);
        if (a == null) return 1;
        out.println(level + ": moved from " + a.body().path("from").asText() + " to " + a.body().path("to").asText()
                + " (revision " + a.body().path("revision").asLong() + " converging there" + (a.body().has("snapshot") ? ", its data at " + a.body().path("snapshot").asText() : "") + ")");
        // the level's revision on the new host says so; the operator's copy must too, or the next push is refused
        out.println(nowReads(a.body()));
        out.flush();
        return 0;
    }

    /** What the level's Zedfile reads now on its new host, which the operator's copy must say too. */
    static String nowReads(com.fasterxml.jackson.databind.JsonNode answer) {
        String from = answer.path("from").asText();
        return "  its Zedfile now reads host = \"" + answer.path("to").asText() + "\"" + (answer.path("source").asText().contains("standby = \"" + from + "\"")
                ? " and standby = \"" + from + "\"" : "") + ": write the same in yours before the next zed up";
    }
}
