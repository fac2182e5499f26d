package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code zed cluster}: what sets up a cluster of hosts. */
@Command(name = "cluster", description = "Sets up a cluster of hosts (docs/cluster.md).", subcommands = ClusterInitCommand.class)
final class ClusterCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required: zed cluster init --host NAME=HOST:PORT ...");
    }
}
