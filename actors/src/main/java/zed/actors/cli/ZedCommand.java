package zed.actors.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The {@code zed} command. Its subcommands are added when the command line is built, not declared in the annotation:
 * picocli reads every declared subcommand by reflection before it parses anything, and a command that talks to the
 * node should pay for its own class alone (see {@link #commandLine(String...)}).
 */
// INHERIT: every subcommand takes --help (and --version) too, as an operator expects of `zed up --help`
@Command(name = "zed", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT, versionProvider = ZedCommand.Version.class,
        description = "Keeps hosts in the state their Zedfiles declare.")
public final class ZedCommand implements Runnable {
    /** The subcommands, in the order the help lists them. */
    static final List<String> COMMANDS = List.of("agent", "up", "status", "down", "rollback", "events", "sudo", "plan", "get", "validate", "inventory", "hosts", "jobs", "job", "cluster", "move", "failover", "promote", "secrets", "ops", "token", "ui", "version", "completion");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** The whole command line: every subcommand and {@code help}. */
    public static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The command line for these arguments: when the first names a subcommand, with that subcommand alone (its usage
     * and errors read the same); else (no command, an option, a typo, {@code help}) with all of them, for the help and
     * the suggestions.
     */
    public static CommandLine commandLine(String... args) {
        return commandLine(System.getenv(), args);
    }

    /** The same, reading ZED_HOME, ZED_NODE, ZED_URL and ZED_TOKEN from {@code env} where it talks to a node (a test's environment). */
    static CommandLine commandLine(Map<String, String> env, String... args) {
        CommandLine cl = new CommandLine(new ZedCommand());
        Object only = args.length > 0 ? subcommand(args[0]) : null;
        if (only != null) {
            cl.addSubcommand(args[0], only);
        } else {
            for (String name : COMMANDS) cl.addSubcommand(name, subcommand(name));
            cl.addSubcommand(new CommandLine.HelpCommand());
        }
        withEnv(cl, env);
        // after the subcommands: picocli hands this setting down only to those already added
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        // an operator's mistake (an unsafe token file, say) is one line that says how to fix it, not a stack trace
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (!(e instanceof IllegalStateException)) throw e;
            cmd.getErr().println("zed: " + e.getMessage());
            return 1;
        });
        return cl;
    }

    /** Hands {@code env} to the node options of every subcommand, those of a group ({@code zed job rollback}) too. */
    private static void withEnv(CommandLine cl, Map<String, String> env) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            for (CommandLine.Model.CommandSpec m : sub.getCommandSpec().mixins().values()) {
                if (m.userObject() instanceof NodeOptions n) n.env = env;
                if (m.userObject() instanceof SecretsPlace p) p.env = env;
                if (m.userObject() instanceof TokenCommand.Place p) p.env = env;
            }
            withEnv(sub, env);
        }
    }

    /** A new subcommand by its name, null for none; a switch, so that naming one loads no other's class. */
    private static Object subcommand(String name) {
        return switch (name) {
            case "agent" -> new AgentCommand();
            case "up" -> new UpCommand();
            case "status" -> new StatusCommand();
            case "down" -> new DownCommand();
            case "rollback" -> new RollbackCommand();
            case "events" -> new EventsCommand();
            case "sudo" -> new SudoCommand();
            case "plan" -> new PlanCommand();
            case "get" -> new GetCommand();
            case "validate" -> new ValidateCommand();
            case "inventory" -> new InventoryCommand();
            case "cluster" -> new ClusterCommand();
            case "hosts" -> new HostsCommand();
            case "jobs" -> new JobsCommand();
            case "job" -> new JobCommand();
            case "move" -> new MoveCommand();
            case "failover" -> new FailoverCommand();
            case "promote" -> new PromoteCommand();
            case "secrets" -> new SecretsCommand();
            case "ops" -> new OpsCommand();
            case "token" -> new TokenCommand();
            case "ui" -> new UiCommand();
            case "version" -> new VersionCommand();
            case "completion" -> new CompletionCommand();
            case "warden" -> new WardenCommand(); // hidden: the agent starts it, see WardenCommand
            default -> null;
        };
    }

    /** {@code $ZED_HOME}, default {@code ~/.zed}. */
    static Path zedHome() {
        return zedHome(System.getenv());
    }

    /** {@code $ZED_HOME} of {@code env}, default {@code ~/.zed}. */
    static Path zedHome(Map<String, String> env) {
        String h = env.get("ZED_HOME");
        if (h != null && !h.isEmpty()) return Path.of(h).toAbsolutePath();
        return Path.of(System.getProperty("user.home"), ".zed");
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[]{Build.current().line()};
        }
    }
}
