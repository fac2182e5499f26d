package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * When a process started, as a stable token: on Linux the start time in clock ticks since boot (field 22 of
 * {@code /proc/<pid>/stat}), exact and unique per boot; elsewhere the JDK's start instant. Adoption compares the
 * token stamped at start with the live process's, so that a reused pid is never taken for the service.
 */
public final class StartTime {
    private StartTime() {
    }

    public static Optional<String> of(long pid) {
        Path stat = Path.of("/proc", String.valueOf(pid), "stat");
        if (Files.isReadable(stat)) {
            try {
                String s = Files.readString(stat);
                // the command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'
                String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
                return Optional.of("ticks:" + f[19]);
            } catch (IOException | RuntimeException e) {
                return Optional.empty(); // gone meanwhile
            }
        }
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(i -> "instant:" + i.toEpochMilli());
    }

    /** Whether {@code pid} is alive and is the very process that was started at {@code token}. */
    public static boolean same(long pid, String token) {
        if (pid <= 1 || token == null) return false;
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() && of(pid).map(token::equals).orElse(false);
    }
}
