package zed.reconciler.store;

import zed.reconciler.process.CannotStart;
import zed.reconciler.process.Subprocess;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/** Runs a command as a child process ({@link Subprocess}), killing it and what it started at its deadline. */
public final class ProcessCommand implements Command {
    @Override
    public Result run(List<String> argv, Duration timeout, String subject) {
        Subprocess.Result r;
        try {
            r = Subprocess.of(argv, timeout).run();
        } catch (CannotStart e) {
            throw new StoreError(StoreError.Kind.OTHER, subject, e.getMessage());
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, subject, "reading output: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreError(StoreError.Kind.OTHER, subject, "interrupted");
        }
        if (r.timedOut()) throw new StoreError(StoreError.Kind.TIMEOUT, subject, String.join(" ", argv) + " did not finish within " + timeout.toSeconds() + "s");
        return new Result(r.exit(), r.stdout(), r.stderr());
    }
}
