package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "move", description = {"Moves JOB to HOST with its level (a job runs on its level's host): the level stops, its last increment goes to",
        "HOST, which must be its failover standby, and the job resumes there from its newest checkpoint (ZED_RESUME_STEP); work after",
        "that checkpoint is done again, a job without one starts from zero, and a job that succeeded stays so. See docs/gpu.md."})
final class JobMoveCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "the job's name")
    String job;

    @Option(names = "--to", required = true, paramLabel = "HOST", description = "the host it runs on from now on")
    String to;

    @Option(names = "--level", paramLabel = "LEVEL", description = "the job's level, where jobs of several levels have this name")
    String level;

    @Mixin
    NodeOptions nodeOptions;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        NodeClient node = nodeOptions.client();
        String id = level != null ? level : JobsCommand.levelOf(node, job, err);
        if (id == null) return 1;
        NodeClient.Answer a = node.sendOrSay("POST", NodeClient.level(id) + "/job-move", Map.of("job", job, "to", to), err);
        if (a == null) return 1;
        JsonNode b = a.body();
        List<String> others = new ArrayList<>();
        b.path("jobs").forEach(j -> {
            if (!j.asText().equals(job)) others.add(j.asText());
        });
        out.println(id + " " + job + ": moved from " + b.path("from").asText() + " to " + b.path("to").asText() + " with its level " + id
                + (others.isEmpty() ? "" : " (its other jobs move too: " + String.join(", ", others) + ")"));
        out.println("  " + whatBecomes(b.path("state").asText(), b.path("step").isNumber() ? b.path("step").asLong() : null) + " (zed jobs shows it)");
        out.println(MoveCommand.nowReads(b));
        out.flush();
        return 0;
    }

    /** What the job does on its new host, as it was when it stopped. */
    static String whatBecomes(String state, Long step) {
        if (state.equals("Succeeded") || state.equals("Failed")) return "it had " + state.toLowerCase(java.util.Locale.ROOT) + ": it stays so there, not run again";
        if (step == null) return "it had no checkpoint: it starts from zero there";
        // the job ran on while its level was told to move: a checkpoint it took before it stopped travels too, and wins
        return "it resumes there from its newest checkpoint, ckpt-" + step + " or one it took before it stopped, with ZED_RESUME_STEP its step; "
                + "what it did after that checkpoint is done again";
    }
}
