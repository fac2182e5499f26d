package zed.reconciler.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The processes of one launch, found by the {@link LaunchToken} in their environment: the process that was started
 * (the one whose parent carries no token) and whatever it started. How a process's environment is read is the
 * kernel's business: on Linux {@code /proc/<pid>/environ}; on FreeBSD and macOS {@code ps -E}/{@code ps e}, which print
 * it after the command (not run in CI); elsewhere nothing is found.
 */
public final class Launched {
    private Launched() {
    }

    /** The launched process: the one of the token whose parent is not of the token too; empty when none is alive. */
    public static Optional<ProcessHandle> leader(LaunchToken token) {
        return leaders(token).stream().findFirst();
    }

    /**
     * Each process of the token whose parent is not of the token too: one, unless someone else gave the token to a
     * process of theirs (zed ops takes only those of its service users).
     */
    public static List<ProcessHandle> leaders(LaunchToken token) {
        List<ProcessHandle> all = find(token);
        Set<Long> pids = all.stream().map(ProcessHandle::pid).collect(Collectors.toSet());
        return all.stream().filter(p -> p.parent().map(pp -> !pids.contains(pp.pid())).orElse(true)).toList();
    }

    /** Every live process that carries the token. */
    public static List<ProcessHandle> find(LaunchToken token) {
        return switch (HostOs.current()) {
            case LINUX -> linux(token);
            case FREEBSD, MACOS -> fromPs(token);
            default -> List.of();
        };
    }

    private static List<ProcessHandle> linux(LaunchToken token) {
        byte[] want = (token.assignment()).getBytes(StandardCharsets.UTF_8);
        List<ProcessHandle> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                byte[] env;
                try {
                    env = Files.readAllBytes(p.resolve("environ"));
                } catch (IOException gone) {
                    continue; // exited meanwhile, or not ours to read
                }
                if (holds(env, want)) ProcessHandle.of(Long.parseLong(p.getFileName().toString())).filter(ProcessHandle::isAlive).ifPresent(out::add);
            }
        } catch (IOException e) {
            return List.of();
        }
        return out;
    }

    /** Whether the NUL-separated environment holds exactly this entry. */
    static boolean holds(byte[] environ, byte[] entry) {
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == entry.length && java.util.Arrays.equals(environ, start, i, entry, 0, entry.length)) return true;
                start = i + 1;
            }
        }
        return false;
    }

    /** BSD ps: {@code -E} (FreeBSD) / {@code e} (macOS) print the environment after each command. */
    private static List<ProcessHandle> fromPs(LaunchToken token) {
        List<String> argv = HostOs.current() == HostOs.FREEBSD ? List.of("ps", "-axwwE", "-o", "pid=,command=") : List.of("ps", "-axwwe", "-o", "pid=,command=");
        try {
            Subprocess.Result r = Subprocess.of(argv, Duration.ofSeconds(30)).run();
            List<ProcessHandle> out = new ArrayList<>();
            for (String line : r.stdout().split("\n")) {
                String l = line.strip();
                int sp = l.indexOf(' ');
                if (sp < 0 || !(" " + l.substring(sp) + " ").contains(" " + token.assignment() + " ")) continue;
                ProcessHandle.of(Long.parseLong(l.substring(0, sp))).filter(ProcessHandle::isAlive).ifPresent(out::add);
            }
            return out;
        } catch (IOException | NumberFormatException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }
}
