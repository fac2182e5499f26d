package zed.actors;

import picocli.CommandLine;
import zed.actors.cli.ZedCommand;

/** The {@code zed} command. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        // picocli otherwise looks for groovy.lang.Closure on the class path, which makes zed-cli.jar open zed.jar
        System.setProperty("picocli.disable.closures", "true");
        System.exit(run(args));
    }

    /** Runs the command line and returns its exit code (0 ok, 1 invalid input or failure, 2 usage). */
    public static int run(String... args) {
        return ZedCommand.commandLine(args).execute(args);
    }
}
