package zed.actors.http;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scope table: every level action has its entry, and what no entry names needs admin. */
class RouteScopesTest {
    @Test
    void everyActionOfALevelHasItsScope() {
        assertEquals(LevelPath.ACTIONS, RouteScopes.ACTIONS.keySet(), "an action the API serves with no scope here would need admin");
    }

    @Test
    void aRequestNeedsTheScopeOfItsRoute() {
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels")));
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels", "")));
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels", "shop", "web")));
        assertEquals(Scope.DEPLOY, RouteScopes.needed("PUT", List.of("v1", "levels", "shop", "web")));
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels", "shop", "plan")));
        // reviewing a plan changes nothing: a read token may; applying it is a push or a rollback, deploy's
        assertEquals(Scope.READ, RouteScopes.needed("POST", List.of("v1", "levels", "shop", "push-plan")));
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels", "shop", "rollback-plan")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("GET", List.of("v1", "levels", "shop", "push-plan")), "no such route");
        // the kept revisions' Zedfiles: what the dashboard's Plan page edits, read-only
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels", "shop", "revisions")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("PUT", List.of("v1", "levels", "shop", "revisions")), "no such route");
        // the dashboard's Level page reads a level's snapshots with any session's scope
        assertEquals(Scope.READ, RouteScopes.needed("GET", List.of("v1", "levels", "infra/shop", "snapshots")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("POST", List.of("v1", "levels", "shop", "snapshots")), "no such route");
        // a level whose last name is an action word, addressed with its slash encoded, is the level
        assertEquals(Scope.DEPLOY, RouteScopes.needed("PUT", List.of("v1", "levels", "x/plan")));
        assertEquals(Scope.DEPLOY, RouteScopes.needed("POST", List.of("v1", "levels", "shop", "rollback")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("POST", List.of("v1", "levels", "shop", "sudo")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("POST", List.of("v1", "levels", "shop", "failover")));
        assertNull(RouteScopes.needed("GET", List.of("v1", "health")));
        assertTrue(RouteScopes.open("POST", List.of("v1", "checkpoints", "abc")));
        assertFalse(RouteScopes.open("GET", List.of("v1", "checkpoints", "abc")));
        assertFalse(RouteScopes.open("GET", List.of("v1", "health", "")), "only the health check itself is open");
        // the passkey login's two JSON calls are open; the SSH login's forms are the dashboard's (no token, no JSON rule)
        assertTrue(RouteScopes.open("POST", List.of("ui", "login", "passkey", "options")));
        assertTrue(RouteScopes.open("POST", List.of("ui", "login", "passkey")));
        assertFalse(RouteScopes.open("GET", List.of("ui", "login", "passkey", "options")));
        assertFalse(RouteScopes.open("POST", List.of("ui", "login", "passkey", "")));
        assertFalse(RouteScopes.open("POST", List.of("ui", "login/passkey")), "an encoded slash");
        assertFalse(RouteScopes.open("POST", List.of("ui", "login")));
        assertFalse(RouteScopes.open("POST", List.of("ui", "login", "ssh")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("POST", List.of("ui", "login", "passkey", "other")));
    }

    @Test
    void whatNoEntryNamesNeedsAdmin() {
        assertEquals(Scope.ADMIN, RouteScopes.needed("GET", List.of("v1", "secrets")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("POST", List.of("v1", "levels", "shop", "plan")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("PATCH", List.of("v1", "levels", "shop")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("GET", List.of("v1", "levels", "..")));
        assertEquals(Scope.ADMIN, RouteScopes.needed("GET", List.of()));
    }

    @Test
    void scopesAllowWhatTheScopesBelowThemAllow() {
        assertTrue(Scope.ADMIN.allows(Scope.DEPLOY) && Scope.DEPLOY.allows(Scope.READ) && Scope.READ.allows(Scope.READ));
        assertFalse(Scope.READ.allows(Scope.DEPLOY) || Scope.DEPLOY.allows(Scope.ADMIN));
        assertEquals(Scope.DEPLOY, Scope.of("deploy"));
    }
}
