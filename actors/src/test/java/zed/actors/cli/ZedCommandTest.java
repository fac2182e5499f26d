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
}
