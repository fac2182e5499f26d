package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;

@Command(name = "zed", mixinStandardHelpOptions = true, versionProvider = ZedCommand.Version.class,
        description = "Keeps hosts in the state their Zedfiles declare.",
        subcommands = {AgentCommand.class, UpCommand.class, StatusCommand.class, DownCommand.class, RollbackCommand.class, EventsCommand.class, SudoCommand.class, PlanCommand.class, GetCommand.class, ValidateCommand.class, InventoryCommand.class, CommandLine.HelpCommand.class})
public final class ZedCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new ZedCommand());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // an operator's mistake (an unsafe token file, say) is one line that says how to fix it, not a stack trace
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IllegalStateException)) throw e;
            cmd.getErr().println("zed: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /** {@code $ZED_HOME}, default {@code ~/.zed}. */
    static Path zedHome() {
        String h = System.getenv("ZED_HOME");
        if (h != null && !h.isEmpty()) return Path.of(h).toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".zed");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ZedCommand.class.getPackage().getImplementationVersion();
            return new String[]{"zed " + (v == null ? "dev" : v)};
        }
    }
}
