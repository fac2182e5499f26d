package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** What every {@code zed secrets} command has: where the secrets are ({@link SecretsPlace}) and its own spec. */
abstract class SecretsAction implements Callable<Integer> {
    @Mixin
    SecretsPlace place;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
