package zed.chaos;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs {@code bin/zed} as a user does: a separate process, its own working directory and environment. */
public final class ZedProcess {
    public record Outcome(int exit, String out, String err) {
        public List<String> outLines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }

        public List<String> errLines() {
            return err.isEmpty() ? List.of() : List.of(err.split("\n"));
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout ---\n" + out + "--- stderr ---\n" + err;
        }
    }

    public static Path bin() {
        String b = System.getProperty("zed.bin");
        if (b != null) return Path.of(b);
        return Path.of(System.getenv().getOrDefault("ZED_REPO", "..")).resolve("bin/zed").toAbsolutePath().normalize();
    }

    /**
     * A {@code $ZED_HOME} whose node, the one {@code zed up} starts when none answers, exports its metrics on a free
     * loopback port ({@code agent.conf}): on the default, 9095, two such tests side by side (chaos/pom.xml) would
     * collide, and a developer's node would be in the way.
     */
    public static Path homeOfUp(Path home) throws IOException {
        Files.createDirectories(home);
        int metrics;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            metrics = s.getLocalPort();
        }
        Files.writeString(home.resolve("agent.conf"), "metrics = 127.0.0.1:" + metrics + "\n");
        return home;
    }

    public static Outcome run(Path cwd, Map<String, String> env, String... args) throws IOException, InterruptedException {
        return run(bin(), cwd, env, Duration.ofSeconds(120), args);
    }

    /** The same, with {@code stdin} on its standard input (a secret's value, as an operator pipes it in). */
    public static Outcome runWithInput(Path cwd, Map<String, String> env, byte[] stdin, String... args) throws IOException, InterruptedException {
        Path in = Files.createTempFile("zed-in", ".txt");
        try {
            Files.write(in, stdin);
            return run(bin(), cwd, env, Duration.ofSeconds(120), in.toFile(), args);
        } finally {
            Files.deleteIfExists(in);
        }
    }

    /** {@code zed} as found at {@code bin} (a copy of the repository's, a symlink), allowed {@code limit} to finish. */
    public static Outcome run(Path bin, Path cwd, Map<String, String> env, Duration limit, String... args) throws IOException, InterruptedException {
        return run(bin, cwd, env, limit, new java.io.File("/dev/null"), args);
    }

    private static Outcome run(Path bin, Path cwd, Map<String, String> env, Duration limit, java.io.File stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(bin.toString());
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd.toFile());
        // the node and the token are the test's: an operator's ZED_NODE or ZED_TOKEN would win over its ZED_URL and token file
        pb.environment().keySet().removeAll(List.of("ZED_NODE", "ZED_URL", "ZED_TOKEN"));
        pb.environment().putAll(env);
        Path out = Files.createTempFile("zed-out", ".txt");
        Path err = Files.createTempFile("zed-err", ".txt");
        try {
            pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(stdin));
            Process p = pb.start();
            if (!p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("zed " + String.join(" ", args) + " did not finish within " + limit.toSeconds() + " s");
            }
            return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
