package zed.reconciler.service;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Runs one of the tools that prepare a service (tar, git, go) from an argv list, never through a shell. */
final class Run {
    private static final Pattern USER_INFO = Pattern.compile("(://)[^/\\s@]+@");

    record Result(int exit, String out, String err) {
        boolean ok() {
            return exit == 0;
        }

        /** What the tool said about its failure: the end of stderr, else of stdout. */
        String said() {
            String s = err.isBlank() ? out : err;
            List<String> lines = s.strip().lines().toList();
            return redact(String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size())));
        }
    }

    private Run() {
    }

    /**
     * @param env the whole environment of the tool: the host's, with a few of our own on top
     * @throws ServiceError when the tool cannot start or outlives {@code timeout} (it is killed, children too)
     */
    static Result run(String service, List<String> argv, Path dir, Map<String, String> env, Duration timeout) {
        ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        if (dir != null) pb.directory(dir.toFile());
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ServiceError(service, "cannot run " + argv.get(0) + ": " + e.getMessage(), e);
        }
        // both pipes drain while we wait, or a chatty tool would block on a full pipe and never finish; on threads of
        // their own, so that no shared pool can run short of readers
        FutureTask<String> out = drain(p.getInputStream());
        FutureTask<String> err = drain(p.getErrorStream());
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new ServiceError(service, redact(String.join(" ", argv)) + " did not finish within " + timeout.toSeconds() + "s");
            }
            return new Result(p.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new ServiceError(service, "interrupted while running " + argv.get(0));
        } catch (ExecutionException e) {
            throw new ServiceError(service, "reading the output of " + argv.get(0) + ": " + e.getCause(), e);
        }
    }

    /** {@code https://user:token@host/x} shows as {@code https://***@host/x}: a password in a url never reaches a log. */
    static String redact(String text) {
        return USER_INFO.matcher(text).replaceAll("$1***@");
    }

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
    }

    private static FutureTask<String> drain(InputStream in) {
        FutureTask<String> task = new FutureTask<>(() -> read(in));
        Thread t = new Thread(task, "zed-service-tool-output");
        t.setDaemon(true);
        t.start();
        return task;
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
