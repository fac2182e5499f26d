package zed.reconciler.process;

import java.io.IOException;

/**
 * A command that could not be started at all: its program is missing or not executable, or there was no room for its
 * output. The message is the operator's line, {@code cannot run /usr/sbin/zfs: No such file or directory}.
 */
public final class CannotStart extends IOException {
    private final String reason;

    public CannotStart(String command, String reason, Throwable cause) {
        super("cannot run " + command + ": " + reason, cause);
        this.reason = reason;
    }

    /** From the JDK's "Cannot run program "x": error=2, No such file or directory", the part after the error number. */
    public static CannotStart of(String command, IOException e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        int code = m.indexOf("error=");
        int comma = code < 0 ? -1 : m.indexOf(", ", code);
        return new CannotStart(command, comma < 0 ? m : m.substring(comma + 2), e);
    }

    /** Why, without the command: "No such file or directory". */
    public String reason() {
        return reason;
    }
}
