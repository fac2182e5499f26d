package zed.actors.cli;

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

@Command(name = "rollback", description = {"Rolls JOB back to one of its checkpoints (the \"bad run\" case): its process, if one runs, stops;",
        "its dataset goes back to CHECKPOINT with zfs rollback -r, which DESTROYS every newer snapshot of it, newer checkpoints",
        "included; and the job runs again from it, with ZED_RESUME_STEP its step, whether it was running, succeeded or failed."})
final class JobRollbackCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "JOB", description = "the job's name")
    String job;

    @Parameters(index = "1", paramLabel = "CHECKPOINT", description = "one of its checkpoints, e.g. @ckpt-500 (zed jobs shows the newest)")
    String checkpoint;

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
        String ckpt = checkpoint.startsWith("@") ? checkpoint.substring(1) : checkpoint;
        NodeClient.Answer a = node.sendOrSay("POST", NodeClient.level(id) + "/job-rollback", Map.of("job", job, "checkpoint", ckpt), err);
        if (a == null) return 1;
        List<String> destroyed = new ArrayList<>();
        a.body().path("destroyed").forEach(d -> destroyed.add(d.asText()));
        long step = a.body().path("step").asLong();
        out.println(id + " " + job + ": rolled back to " + a.body().path("checkpoint").asText() + " (step " + step + "); "
                + (destroyed.isEmpty() ? "no newer snapshot to destroy" : "destroyed with it: " + String.join(", ", destroyed)));
        out.println("  the job runs again from it with ZED_RESUME_STEP=" + step + " (zed jobs shows it)");
        out.flush();
        return 0;
    }
}
