package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code zed job}: what an operator does to one job (docs/gpu.md). */
@Command(name = "job", description = "Acts on one job: rolls it back to a checkpoint, moves it to another host (docs/gpu.md).",
        subcommands = {JobRollbackCommand.class, JobMoveCommand.class})
final class JobCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: zed job rollback JOB @ckpt-N, or zed job move JOB --to HOST");
    }
}
