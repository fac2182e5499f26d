package zed.reconciler.jail;

import zed.reconciler.store.Command;
import zed.reconciler.store.StoreError;

import java.time.Duration;
import java.util.List;

/** Runs a jail tool through {@link Command} and turns every way it can fail into a {@link JailError} naming the jail. */
final class Run {
    private final Command command;

    Run(Command command) {
        this.command = command;
    }

    /** Runs argv and returns what it said, whatever its exit status. */
    Command.Result any(String jail, Duration timeout, List<String> argv) {
        try {
            return command.run(argv, timeout, "jail " + jail);
        } catch (StoreError e) {
            JailError.Kind k = switch (e.kind()) {
                case TIMEOUT -> JailError.Kind.TIMEOUT;
                default -> e.detail().startsWith("cannot run") ? JailError.Kind.MISSING : JailError.Kind.FAILED;
            };
            throw new JailError(jail, k, e.detail());
        }
    }

    /** Runs argv and insists on exit status 0. */
    Command.Result ok(String jail, Duration timeout, List<String> argv) {
        Command.Result r = any(jail, timeout, argv);
        if (!r.ok()) throw new JailError(jail, JailError.Kind.FAILED, String.join(" ", argv) + " exited " + r.exit() + ": " + said(r));
        return r;
    }

    static String said(Command.Result r) {
        String s = r.stderr().isBlank() ? r.stdout() : r.stderr();
        return s.strip();
    }
}
