package zed.actors.ui;

import zed.actors.http.Scope;

/**
 * What a dashboard session may do: the scope of the API token that asked for its login link, and that token's name
 * (for the audit). A link asked for with a {@code read} token opens a read-only session.
 */
public record Grant(String token, Scope scope) {
    public boolean mayDeploy() {
        return scope.allows(Scope.DEPLOY);
    }
}
