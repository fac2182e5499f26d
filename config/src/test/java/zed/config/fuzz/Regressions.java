package zed.config.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every Zedfile input that ever failed the oracle, kept in the source tree ({@code
 * config/src/test/resources/fuzz-regressions}) and replayed by a plain test on every build: jqwik's own failure
 * database is per machine and forgets. A single file is {@code NNN.zed}; a chain is {@code NNN-1.zed},
 * {@code NNN-2.zed}, ... root first.
 */
public final class Regressions {
    private static final Pattern NAME = Pattern.compile("(\\d{3,})(?:-(\\d+))?\\.zed");

    private Regressions() {
    }

    /** The directory in the source tree: under $ZED_REPO (set by the build and by scripts/chaos.sh), else below the working directory. */
    public static Path dir() {
        String repo = System.getenv("ZED_REPO");
        Path rel = Path.of("config", "src", "test", "resources", "fuzz-regressions");
        if (repo != null) return Path.of(repo).resolve(rel);
        return Files.isDirectory(Path.of("src", "test", "resources")) ? Path.of("src", "test", "resources", "fuzz-regressions") : rel;
    }

    /** Keeps a failing input (once: an equal one already kept is not kept again); the path of its first file. */
    public static synchronized Path save(Path dir, ZedChain chain) {
        try {
            Files.createDirectories(dir);
            Map<String, ZedChain> kept = load(dir);
            for (Map.Entry<String, ZedChain> e : kept.entrySet()) if (e.getValue().equals(chain)) return dir.resolve(e.getKey() + (chain.size() == 1 ? ".zed" : "-1.zed"));
            int next = kept.keySet().stream().mapToInt(Integer::parseInt).max().orElse(0) + 1;
            String id = String.format("%03d", next);
            Path first = null;
            for (int i = 0; i < chain.size(); i++) {
                Path p = dir.resolve(chain.size() == 1 ? id + ".zed" : id + "-" + (i + 1) + ".zed");
                Files.write(p, chain.file(i).bytes());
                if (first == null) first = p;
            }
            return first;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The kept inputs by their number, in order. */
    public static Map<String, ZedChain> load(Path dir) {
        Map<String, TreeMap<Integer, Zedfile>> parts = new TreeMap<>();
        if (!Files.isDirectory(dir)) return new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.toList()) {
                Matcher m = NAME.matcher(p.getFileName().toString());
                if (!m.matches()) continue;
                int part = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
                parts.computeIfAbsent(m.group(1), k -> new TreeMap<>()).put(part, new Zedfile(Files.readAllBytes(p)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, ZedChain> out = new TreeMap<>();
        parts.forEach((id, files) -> out.put(id, new ZedChain(new ArrayList<>(files.values()))));
        return out;
    }

    public static List<String> ids(Path dir) {
        return new ArrayList<>(load(dir).keySet());
    }
}
