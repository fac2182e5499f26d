package zed.reconciler.host;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A second process in a lock test: it says "locked" on stdout once it holds the lock, and holds it until its stdin
 * is closed ({@link #release()}).
 */
final class Child implements AutoCloseable {
    private final Process process;
    private final BufferedReader out;

    private Child(List<String> argv) throws IOException {
        process = new ProcessBuilder(argv).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    }

    /** A JVM running {@link LockHolder} on {@code file}: another zed process. */
    static Child jvm(String mode, Path file) throws IOException {
        List<String> argv = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), LockHolder.class.getName(), mode, file.toString()));
        return new Child(argv);
    }

    /** flock(1) from util-linux holding {@code file} exclusively. */
    static Child flockTool(Path file) throws IOException {
        return new Child(List.of("flock", "--exclusive", file.toString(), "/bin/sh", "-c", "echo locked; exec cat >/dev/null"));
    }

    long pid() {
        return process.pid();
    }

    /** Waits for the child to print {@code line}; fails if it prints something else, exits or takes too long. */
    void awaitLine(String line) throws Exception {
        String got = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        if (!line.equals(got)) throw new AssertionError("the child said " + got + ", not " + line);
    }

    /** Tells the child to let go: it unlocks when its stdin ends. */
    void release() throws IOException {
        process.getOutputStream().close();
    }

    void kill() {
        process.destroyForcibly();
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)) throw new AssertionError("the child did not exit");
        return process.exitValue();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
