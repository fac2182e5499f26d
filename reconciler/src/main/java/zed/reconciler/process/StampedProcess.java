package zed.reconciler.process;

import java.util.Optional;

/**
 * The process a dataset's stamps point to, if it still runs: the stamped pid, alive and the very process (same start
 * time); else, when a node was killed after a start and before it stamped the pid, the process that carries the last
 * launch's token. How a restarted node finds what an earlier one started (services and jobs alike), never a twin.
 *
 * @param byToken found by its launch token: its pid and start time were never stamped
 */
public record StampedProcess(long pid, String startTime, boolean byToken) {
    /**
     * @param pid, startedAt, launch the stamps as read (null where absent)
     * @param launcher               who finds a launch token's process (this process, or zed ops)
     */
    public static Optional<StampedProcess> find(String pid, String startedAt, String launch, Launcher launcher) {
        if (pid != null && startedAt != null && pid.matches("\\d{1,10}") && StartTime.same(Long.parseLong(pid), startedAt)) {
            return Optional.of(new StampedProcess(Long.parseLong(pid), startedAt, false));
        }
        LaunchToken token = LaunchToken.parse(launch);
        if (token == null) return Optional.empty();
        return launcher.leader(token);
    }
}
