package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * When a process started, as a stable token. Adoption compares the token stamped at start with the live process's,
 * so that a reused pid is never taken for the service. Which source, by the operating system's name:
 * <ul>
 * <li>Linux: {@code ticks:N}, the start in clock ticks since boot, field 22 of {@code /proc/<pid>/stat}; exact, and
 *     unique per boot (the JDK's instant is derived from it and the boot time, and can move by a millisecond);
 * <li>FreeBSD, illumos, macOS and the rest: {@code instant:MILLIS}, the JDK's start instant, which there is read from
 *     the kernel's own record (kinfo_proc, psinfo) and so exact.
 * </ul>
 * The token formats are those of earlier versions, so that stamps they wrote still compare.
 */
public final class StartTime {
    private StartTime() {
    }

    public static Optional<String> of(long pid) {
        return of(pid, HostOs.current());
    }

    /** On {@code os}'s terms, whatever this host is: the JDK's instant is available on Linux too, which tests use. */
    static Optional<String> of(long pid, HostOs os) {
        return os == HostOs.LINUX ? ticks(pid) : instant(pid);
    }

    private static Optional<String> ticks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Optional.of("ticks:" + f[19]);
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // gone, or gone meanwhile
        }
    }

    private static Optional<String> instant(long pid) {
        return ProcessHandle.of(pid).flatMap(h -> h.info().startInstant()).map(i -> "instant:" + i.toEpochMilli());
    }

    /** Whether {@code pid} is alive and is the very process that was started at {@code token}. */
    public static boolean same(long pid, String token) {
        if (pid <= 1 || token == null) return false;
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).isPresent() && of(pid).map(token::equals).orElse(false);
    }
}
