package zed.actors.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The command line is built with the subcommand it runs alone, or with all of them when it names none. */
class ZedCommandTest {
    @Test
    void everyCommandIsListedInTheHelpOrderAndBuildsAlone() {
        List<String> all = new ArrayList<>(ZedCommand.COMMANDS);
        all.add("help");
        assertEquals(all, List.copyOf(ZedCommand.commandLine().getSubcommands().keySet()));
        for (String name : ZedCommand.COMMANDS) {
            assertEquals(Set.of(name), ZedCommand.commandLine(name, "--help").getSubcommands().keySet(), name);
        }
        assertEquals(all, List.copyOf(ZedCommand.commandLine("--help").getSubcommands().keySet()));
        assertEquals(all, List.copyOf(ZedCommand.commandLine("stauts").getSubcommands().keySet()), "a typo gets the suggestions of all");
    }

    @Test
    void everyCommandAndEveryCommandOfAGroupAnswersHelpWithItsUsage() {
        for (String name : ZedCommand.COMMANDS) help(ZedCommand.commandLine(name, "--help"), List.of(name));
    }

    /** {@code zed <path> --help} and the same for each command below it: exit 0, its usage on stdout, nothing on stderr. */
    private static void help(picocli.CommandLine root, List<String> path) {
        java.io.StringWriter out = new java.io.StringWriter(), err = new java.io.StringWriter();
        root.setOut(new java.io.PrintWriter(out));
        root.setErr(new java.io.PrintWriter(err));
        List<String> args = new ArrayList<>(path);
        args.add("--help");
        assertEquals(0, root.execute(args.toArray(String[]::new)), path + ": " + err);
        assertEquals("", err.toString(), String.valueOf(path));
        org.junit.jupiter.api.Assertions.assertTrue(out.toString().startsWith("Usage: zed " + String.join(" ", path) + " "), path + ": " + out);
        picocli.CommandLine here = root;
        for (String p : path) here = here.getSubcommands().get(p);
        for (String sub : here.getSubcommands().keySet()) {
            List<String> deeper = new ArrayList<>(path);
            deeper.add(sub);
            help(ZedCommand.commandLine(deeper.get(0), "--help"), deeper);
        }
    }
}
