package zed.actors.cli;

import zed.reconciler.process.HostUsers;
import zed.reconciler.process.Launcher;

/** The agent's {@code --service-user}, checked at its start rather than at each service's. */
final class ServiceUser {
    private ServiceUser() {
    }

    /**
     * What is wrong with it, or null: a user this host has, and one this agent can start processes as. The default,
     * root, needs no check: it means "as the node itself" (a node that is not root runs its services as its own user,
     * as the single-process mode always has), and looking it up would load the C library binding at every start.
     */
    static String problem(String user, String agentUser) {
        return problem(user, agentUser, false);
    }

    /** @param throughOps the agent starts its processes through zed ops, which starts them as the users it allows */
    static String problem(String user, String agentUser, boolean throughOps) {
        if (user == null || user.isBlank()) return "--service-user takes a user's name";
        if (user.equals(zed.reconciler.service.ServiceRun.DEFAULT_USER)) return null;
        try {
            HostUsers.lookup("--service-user", user, null);
        } catch (Launcher.LaunchError e) {
            return "--service-user: there is no user " + user + " on this host (zed agent install makes zed-svc)";
        }
        if (!throughOps && !"root".equals(agentUser) && !user.equals(agentUser)) {
            return "--service-user " + user + ": this agent runs as " + agentUser + ", which can start processes only as itself; run it as root, or drop --service-user";
        }
        return null;
    }
}
