package zed.reconciler.service;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real commands for the tests: the tools that make fixtures (git, tar), and the commands that prepare returns. */
final class Processes {
    private Processes() {
    }

    /** Runs to the end and returns stdout; a failure fails the test with what the command said. */
    static String ok(Path dir, String... argv) {
        return ok(dir, Map.of(), List.of(argv));
    }

    static String ok(Path dir, Map<String, String> env, List<String> argv) {
        try {
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().putAll(env);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(2, TimeUnit.MINUTES), argv + " did not finish");
            assertEquals(0, p.exitValue(), argv + " failed:\n" + out);
            return out;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A long-running command, and the first line it prints (reading it is the wait: no sleeping). */
    record Started(Process process, String firstLine) implements AutoCloseable {
        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static Started start(List<String> argv, Path dir) throws IOException {
        Process p = new ProcessBuilder(argv).directory(dir.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        return new Started(p, r.readLine());
    }
}
