package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code zed ui}: the node's web dashboard (docs/ui.md). */
@Command(name = "ui", description = "The node's web dashboard at /ui (docs/ui.md): zed ui login prints a one-time link that logs a browser in.",
        subcommands = {UiLoginCommand.class})
final class UiCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: zed ui login");
    }
}
