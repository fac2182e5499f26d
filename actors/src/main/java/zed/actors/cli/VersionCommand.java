package zed.actors.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

@Command(name = "version", description = {"Prints this zed's version, and the git commit it was built from when the build knew it.",
        "The same as zed --version."})
final class VersionCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        System.out.println(Build.current().line());
        return 0;
    }
}
