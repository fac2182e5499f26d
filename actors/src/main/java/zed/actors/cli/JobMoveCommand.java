package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code zed job move}: issue 12 names it; until it is built it is refused, never half done. */
@Command(name = "move", description = "Not built yet: moving a job's checkpoint to another host and resuming it there.")
final class JobMoveCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "JOB")
    String job;

    @CommandLine.Option(names = "--to", paramLabel = "HOST")
    String to;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("zed: job move is not built yet: a job runs on its level's host; to run it elsewhere, move its level "
                + "(zed move LEVEL --to HOST), and it resumes there from its newest checkpoint");
        spec.commandLine().getErr().flush();
        return 1;
    }
}
