package zed.actors.cli;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

@Command(name = "completion", description = {"Prints the shell completion script for zed (picocli's), of every command and option.",
        "Load it with: source <(zed completion bash), or save it as /etc/bash_completion.d/zed (the tarball has it in share/zed/completion/)."})
final class CompletionCommand implements Callable<Integer> {
    /** The shells picocli writes a script for; bash's alone (zsh reads it through bashcompinit, untested here). */
    enum Shell { bash }

    @Parameters(paramLabel = "SHELL", description = "bash")
    Shell shell;

    @Override
    public Integer call() {
        // the whole command line: the script completes every subcommand, not just this one
        System.out.print(AutoComplete.bash("zed", ZedCommand.commandLine()));
        return 0;
    }
}
