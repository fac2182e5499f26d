package zed.reconciler.host;

/**
 * One command of a sudo hook (check, apply or verify) as it ended: its exit and the last lines of its stderr, or why
 * it did not run to an exit (it could not start, timed out, or zed ops refused it).
 *
 * @param name    check, apply or verify
 * @param exit    the exit status; meaningless when {@code failure} is set
 * @param failure set when the command did not run to an exit of its own; said to the operator as it is
 */
public record HookStep(String name, int exit, String stderrTail, String failure) {
    public static HookStep exited(String name, int exit, String stderrTail) {
        return new HookStep(name, exit, stderrTail, null);
    }

    public static HookStep failed(String name, String why) {
        return new HookStep(name, -1, "", why);
    }

    public boolean passed() {
        return failure == null && exit == 0;
    }

    /** @param when said right after what happened: "verify exited 1 after apply: ..." */
    public String why(String when) {
        if (failure != null) return failure;
        return name + " exited " + exit + when + (stderrTail.isEmpty() ? ", no stderr" : ": " + stderrTail);
    }
}
