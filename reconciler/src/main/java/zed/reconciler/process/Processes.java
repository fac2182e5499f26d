package zed.reconciler.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Where a node's services and jobs are started, stopped and found: in its own process ({@link LocalProcesses}, the
 * single-process mode, root) or through {@code zed ops} (an unprivileged agent: ops starts them as their users and
 * is their parent). The {@link Launcher} in front of either adds the stand-down gate.
 */
public interface Processes {
    /** Starts one launch; its exit future completes when the process exits (never, where that cannot be known). */
    Launcher.Started start(Launch launch);

    /** SIGTERM to its group and descendants, {@code grace}, then SIGKILL; whether they went on SIGTERM. */
    boolean stop(long pid, String startTime, Duration grace);

    /** SIGUSR1 to the process alone (a job asked to checkpoint); false when it is gone. */
    boolean usr1(long pid, String startTime);

    /** The live process a launch token was given to, where a node was killed before it stamped the pid. */
    Optional<StampedProcess> leader(LaunchToken token);

    /**
     * Gives a service's or a job's home, {@code dataset}'s mountpoint {@code home}, to the user it runs as (the
     * directory alone), before it starts.
     */
    void giveHome(String ref, String dataset, Path home, RunAs as);

    /** Where the launch's stdout.log and stderr.log are. */
    Path logDir(Launch launch);

    /** Rotates its logs past {@code cap} bytes, keeping {@code keep} old ones; a failure is no reason to stop it. */
    void rotateLogs(Launch launch, long cap, int keep);
}
