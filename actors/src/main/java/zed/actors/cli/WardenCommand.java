package zed.actors.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import zed.actors.warden.Warden;
import zed.actors.warden.WardenFiles;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/** The agent starts it ({@link zed.actors.warden.WardenLaunch}); hidden from the help, since no operator needs to. */
@Command(name = "warden", hidden = true,
        description = "Watches a clustered agent's heartbeat; if it dies without a word, stops the services of its levels with a standby.")
final class WardenCommand implements Callable<Integer> {
    @Option(names = "--home", required = true, paramLabel = "DIR", description = "the agent's ZED_HOME")
    Path home;

    @Option(names = "--after-ms", required = true, paramLabel = "MS", description = "how long a silent heartbeat means a dead agent")
    long afterMs;

    @Option(names = "--ops-socket", paramLabel = "PATH", description = "the agent's zed ops socket: the warden reads and stamps the pool through it, as the agent does")
    Path opsSocket;

    @Override
    public Integer call() throws Exception {
        return Warden.run(WardenFiles.of(home), Duration.ofMillis(afterMs), opsSocket);
    }
}
