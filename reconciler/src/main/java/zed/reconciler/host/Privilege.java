package zed.reconciler.host;

import zed.config.LevelSpec.SudoHook;

/**
 * How a sudo hook's {@code apply} runs as root: through the host's privilege command ({@link PrivilegeCommand}, the
 * agent's own user asks sudo), or through zed ops, which runs only what its operator allowed
 * ({@code zed.reconciler.ops.OpsPrivilege}).
 */
public interface Privilege {
    /**
     * Runs {@code hook}'s apply to its end or its deadline.
     *
     * @param level   the level's id, and {@code service} the service's ref: with the hook's name, what an operator
     *                reads in a refusal and names in an allow list
     */
    HookStep apply(String level, String service, SudoHook hook) throws InterruptedException;
}
