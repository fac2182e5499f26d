package zed.reconciler.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** What Linux's /proc says about a process: its group, its parent, its argv, whether it is a zombie. */
final class Proc {
    private Proc() {
    }

    static boolean linux() {
        return HostOs.current() == HostOs.LINUX;
    }

    /** Field {@code n} of /proc/PID/stat, numbered as in proc(5) from 3 (the state); empty when the process is gone. */
    static Optional<String> stat(long pid, int n) {
        try {
            String s = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // the command name (field 2) may hold spaces and parentheses: fields are counted after the last ')'
            return Optional.of(s.substring(s.lastIndexOf(')') + 2).split(" ")[n - 3]);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static long parent(long pid) {
        return Long.parseLong(stat(pid, 4).orElseThrow());
    }

    static long group(long pid) {
        return Long.parseLong(stat(pid, 5).orElseThrow());
    }

    static boolean zombie(long pid) {
        return stat(pid, 3).map("Z"::equals).orElse(false);
    }

    /** Gone, or ended and waiting to be reaped by a parent that is not us: either way it no longer runs. */
    static boolean gone(long pid) {
        return stat(pid, 3).map(s -> s.equals("Z") || s.equals("X")).orElse(true);
    }

    static List<String> argv(long pid) {
        try {
            String s = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")), StandardCharsets.UTF_8);
            return s.isEmpty() ? List.of() : Arrays.asList(s.substring(0, s.length() - 1).split("\0", -1));
        } catch (IOException e) {
            return List.of();
        }
    }
}
