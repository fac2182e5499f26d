package zed.reconciler.service;

import zed.reconciler.process.CannotStart;
import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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
        Subprocess.Result r;
        try {
            r = Subprocess.of(argv, timeout).withEnvironment(env).withDirectory(dir).run();
        } catch (CannotStart e) {
            throw new ServiceError(service, e.getMessage(), e);
        } catch (IOException e) {
            throw new ServiceError(service, "reading the output of " + argv.get(0) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ServiceError(service, "interrupted while running " + argv.get(0));
        }
        if (r.timedOut()) throw new ServiceError(service, redact(String.join(" ", argv)) + " did not finish within " + timeout.toSeconds() + "s");
        return new Result(r.exit(), r.stdout(), r.stderr());
    }

    /** {@code https://user:token@host/x} shows as {@code https://***@host/x}: a password in a url never reaches a log. */
    static String redact(String text) {
        return USER_INFO.matcher(text).replaceAll("$1***@");
    }
}
