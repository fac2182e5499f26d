package zed.actors.http;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.ui.Authority;
import zed.actors.ui.ssh.SshKeygen;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a session or passkey stands on, against the real files: a scoped token stands until revoked (and a token made
 * again under its name is another), the node's own by its hash; an SSH key while its authorized_keys line grants the
 * scope, not once narrowed, removed, or the file made writable by others.
 */
class AuthorityCheckTest {
    @TempDir
    Path home;
    @TempDir
    Path operator;

    @Test
    void aTokenStandsUntilRevokedAndTheNodesByItsHash() throws Exception {
        ApiToken node = ApiToken.ensure(home);
        AuthorityCheck check = new AuthorityCheck(new TokenCheck(node, home, Clock.systemUTC()), home);
        String ci = ApiTokens.create(home, "ci", Scope.DEPLOY, Instant.now());
        Authority.Token stands = new Authority.Token("ci", ApiTokens.sha256(ci));
        assertNull(check.fallen(stands, Scope.DEPLOY));
        ApiTokens.revoke(home, "ci");
        assertTrue(check.fallen(stands, Scope.DEPLOY).contains("the token ci was revoked"));
        ApiTokens.create(home, "ci", Scope.DEPLOY, Instant.now());
        assertNotNull(check.fallen(stands, Scope.DEPLOY), "another token of the same name");
        assertNull(check.fallen(new Authority.Token(ApiTokens.NODE, ApiTokens.sha256(ApiToken.read(ApiToken.file(home)))), Scope.ADMIN));
        assertNotNull(check.fallen(new Authority.Token(ApiTokens.NODE, ApiTokens.sha256("an older node token")), Scope.ADMIN));
    }

    @Test
    void anSshKeyStandsWhileItsLineGrantsTheScope() throws Exception {
        SshKeygen keygen = new SshKeygen(operator);
        Path key = keygen.key("id_ed25519", "ed25519", 0, "ann@laptop");
        Path listed = home.resolve("authorized_keys");
        Files.writeString(listed, SshKeygen.publicLine(key) + "\n");
        Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rw-------"));
        AuthorityCheck check = new AuthorityCheck(new TokenCheck(ApiToken.ensure(home), home, Clock.systemUTC()), home);
        Authority.SshKey ann = new Authority.SshKey(keygen.fingerprint(key));
        assertNull(check.fallen(ann, Scope.ADMIN));
        Files.writeString(listed, "zed-scope=\"read\" " + SshKeygen.publicLine(key) + "\n");
        assertTrue(check.fallen(ann, Scope.ADMIN).contains("no longer in"), "narrowed below the session's scope");
        assertNull(check.fallen(ann, Scope.READ));
        Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertTrue(check.fallen(ann, Scope.READ).contains("unusable"), "a file others may write stands for nothing");
        Files.setPosixFilePermissions(listed, PosixFilePermissions.fromString("rw-------"));
        Files.writeString(listed, "# nobody\n");
        assertNotNull(check.fallen(ann, Scope.READ), "removed");
    }
}
