package zed.reconciler.host;

import zed.config.LevelSpec.SudoHook;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A hook's apply run through the host's privilege command ({@code sudo /bin/sh -c} by default), the apply text its
 * last argument: what the agent's user may run as root is the host's sudoers' to decide.
 *
 * @param prefix      the argv that runs its last argument as root
 * @param environment what it sees: only {@link SudoHooks#ENVIRONMENT} of what is given
 */
public record PrivilegeCommand(List<String> prefix, Duration timeout, Map<String, String> environment) implements Privilege {
    public PrivilegeCommand {
        if (prefix.isEmpty()) throw new IllegalArgumentException("the privilege command is empty");
        prefix = List.copyOf(prefix);
        environment = SudoHooks.kept(environment);
    }

    @Override
    public HookStep apply(String level, String service, SudoHook hook) throws InterruptedException {
        List<String> argv = new ArrayList<>(prefix);
        argv.add(hook.apply());
        return ShellCommand.step("apply", argv, environment, timeout);
    }
}
