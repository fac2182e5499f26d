package zed.chaos.fault;

import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** What the host says, read the way an operator would: {@code zfs get}, and the processes in {@code /proc}. */
public final class HostFacts {
    private HostFacts() {
    }

    /** {@code zfs ...}; its stdout, or an exception with what it said. */
    public static String zfs(String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of("zfs"));
        argv.addAll(List.of(args));
        Subprocess.Result r = Subprocess.of(argv, Duration.ofMinutes(2)).mergingErrors().run();
        if (r.exit() != 0 || r.timedOut()) throw new IOException(String.join(" ", argv) + ": " + r.stdout().strip());
        return r.stdout();
    }

    /** Each dataset under {@code root} with the values of {@code properties} it holds itself (its own, not inherited). */
    static Map<String, Map<String, String>> own(String root, String properties) throws IOException, InterruptedException {
        Map<String, Map<String, String>> out = new TreeMap<>();
        for (String line : zfs("get", "-H", "-r", "-o", "name,property,value,source", properties, root).split("\n")) {
            String[] f = line.split("\t");
            if (f.length < 4 || f[0].contains("@")) continue;
            out.computeIfAbsent(f[0], k -> new TreeMap<>());
            if (f[3].equals("local") || f[3].equals("received")) out.get(f[0]).put(f[1], f[2]);
        }
        return out;
    }

    /** The pids whose command line holds every one of {@code words} (as whole arguments). */
    static List<Long> processes(String... words) {
        List<Long> out = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : procs.filter(p -> p.getFileName().toString().chars().allMatch(Character::isDigit)).toList()) {
                List<String> args;
                try {
                    args = List.of(new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8).split("\0"));
                } catch (IOException gone) {
                    continue;
                }
                if (args.containsAll(List.of(words))) out.add(Long.parseLong(p.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out;
    }
}
