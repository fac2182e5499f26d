package zed.actors.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The agent's --service-user at its start: a user the host has, and one the agent can start processes as. */
class ServiceUserTest {
    @Test
    void theDefaultIsTheNodesOwnUserWhoeverRunsIt() {
        assertNull(ServiceUser.problem("root", "root"));
        assertNull(ServiceUser.problem("root", "alice"), "a developer's node runs its services as the developer, as it always has");
    }

    @Test
    void anotherUserMustExistAndTheAgentMustBeRootToStartProcessesAsIt() {
        assertNull(ServiceUser.problem("nobody", "root"));
        assertNull(ServiceUser.problem("nobody", "nobody"));
        assertEquals("--service-user: there is no user zed-nosuchuser on this host (zed agent install makes zed-svc)", ServiceUser.problem("zed-nosuchuser", "root"));
        assertEquals("--service-user nobody: this agent runs as alice, which can start processes only as itself; run it as root, or drop --service-user",
                ServiceUser.problem("nobody", "alice"));
        assertNull(ServiceUser.problem("nobody", "alice", true), "through zed ops: ops starts it as the users it allows (the installed agent, zed, with zed-svc)");
        assertEquals("--service-user takes a user's name", ServiceUser.problem(" ", "root"));
    }
}
