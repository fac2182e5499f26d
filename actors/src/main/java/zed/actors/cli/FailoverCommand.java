package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "failover", description = {"Runs LEVEL on HOST from the replicas there, after its own host was lost (the cluster downed it):",
        "what was written after the last replication round may be lost, and the answer says how much. The old host stops",
        "the level's services when it comes back and becomes its standby. See docs/cluster.md, Failing over."})
final class FailoverCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "LEVEL", description = "the level's id, e.g. web or shop/web")
    String level;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "the host that holds its replicas (its standby)")
    String to;

    @Option(names = "--force", description = {"take it even from a host that left the cluster (its agent stopped, its services left running)",
            "or of which the cluster kept no record: you say that host and its services are down"})
    boolean force;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeClient node = nodeOptions.client();
        NodeClient.Answer a = node.sendOrSay("POST", NodeClient.level(level) + "/failover", force ? Map.of("to", to, "force", true) : Map.of("to", to), err);
        if (a == null) return 1;
        var b = a.body();
        String from = b.path("from").asText();
        out.println(level + ": failed over from " + from + " to " + b.path("to").asText() + (b.path("stopped").asBoolean()
                ? " (stopped, as it was: zed up with host = \"" + b.path("to").asText() + "\" starts it there)"
                : " (revision " + b.path("revision").asLong() + " converging there)") + ", its data at " + b.path("snapshot").asText());
        long lost = b.path("lostWindowSeconds").asLong(-1);
        out.println("  what " + from + " wrote after that snapshot is lost" + (lost >= 0 ? ": up to the last " + lost + " s before the failover" : ""));
        if (!b.path("consistent").asBoolean(true)) out.println("  its datasets came back at different replication rounds: " + from + " was lost during one");
        if (b.path("missing").size() > 0) {
            StringBuilder m = new StringBuilder();
            b.path("missing").forEach(n -> m.append(m.length() == 0 ? "" : ", ").append(n.asText()));
            out.println("  never replicated, so they start empty: " + m);
        }
        if (b.path("stopped").asBoolean()) {
            out.flush();
            return 0;
        }
        out.println(MoveCommand.nowReads(b));
        out.flush();
        return 0;
    }
}
