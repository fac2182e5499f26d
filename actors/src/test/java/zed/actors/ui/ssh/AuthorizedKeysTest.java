package zed.actors.ui.ssh;

import org.junit.jupiter.api.Test;
import zed.actors.http.Scope;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** authorized_keys lines as OpenSSH writes them (keys made by ssh-keygen): which may log in, and why the others may not. */
class AuthorizedKeysTest {
    static final String ED25519 = "AAAAC3NzaC1lZDI1NTE5AAAAIKX1AZOkiKA11jav2q10FSktEu0ysNX2a4mwHx34qUg3";
    static final String ECDSA = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBBLb2byZLOxN6gM9X7zoF0OaPWLgPkgJTouQ3OruKftS1jpiitxbbjolFyrA4e+/"
            + "G4JNAiBGl9xqOtKrDhYZPYE=";
    static final String RSA_1024 = "AAAAB3NzaC1yc2EAAAADAQABAAAAgQC1WGsRx5sPEfkELnvgcbODmMHxehwlCZDOsmkWXRMdikr1oaX7COBN4QQVa1Y8sC1LSCXqy8Pd9+GdzI2y508BB"
            + "OR5wKLtSqmevYoeKw+I576gk7UYKbORmYKahSAuRpL2wbqNP1a15BrgDUtX4TVkZCOuWIeUOWJp/BVZabEA1w==";

    @Test
    void keysWithOptionsAndCommentsAreListedAndOtherLinesSkippedWithTheirReason() {
        AuthorizedKeys k = AuthorizedKeys.parse(String.join("\n", List.of(
                "# the operators",
                "",
                "ssh-ed25519 " + ED25519 + " ann@laptop (work)",
                "restrict,command=\"echo hi, there\" ssh-ed25519 " + ED25519,
                "from=\"10.0.0.0/8\" ssh-ed25519 " + ED25519 + " limited",
                "ecdsa-sha2-nistp256 " + ECDSA + " carl",
                "ssh-rsa " + RSA_1024 + " old",
                "ssh-rsa " + ED25519 + " mislabelled",
                "ssh-ed25519 not*base64",
                "cert-authority ssh-ed25519 " + ED25519)));
        assertEquals(List.of(3, 4), k.keys().stream().map(AuthorizedKeys.Listed::line).toList());
        assertEquals("ann@laptop (work)", k.keys().get(0).comment());
        assertEquals("", k.keys().get(1).comment());
        assertEquals("SHA256:v2XGz8PTeOsIPrlqT0HwTX1ev54dfzleTMJb7SEhwHs", k.keys().get(0).key().fingerprint(), "as ssh-keygen -l prints it");
        assertEquals(List.of(5, 6, 7, 8, 9, 10), k.skipped().stream().map(AuthorizedKeys.Skipped::line).toList());
        List<String> why = k.skipped().stream().map(AuthorizedKeys.Skipped::why).toList();
        assertTrue(why.get(0).contains("from=") && why.get(0).contains("not used"), why.get(0));
        assertTrue(why.get(1).contains("ecdsa-sha2-nistp256") && why.get(1).contains("ssh-ed25519 and ssh-rsa"), why.get(1));
        assertTrue(why.get(2).contains("1024 bits"), why.get(2));
        assertTrue(why.get(3).contains("but its key is ssh-ed25519"), why.get(3));
        assertTrue(why.get(4).contains("not base64"), why.get(4));
        assertTrue(why.get(5).contains("cert-authority"), why.get(5));
    }

    @Test
    void zedScopeNarrowsAKeysSessionsAndAKeyWithoutItIsAdmin() {
        AuthorizedKeys k = AuthorizedKeys.parse(String.join("\n", List.of(
                "ssh-ed25519 " + ED25519 + " root-like",
                "zed-scope=\"read\" ssh-ed25519 " + ED25519 + " viewer",
                "restrict,zed-scope=deploy ssh-ed25519 " + ED25519 + " ci",
                "zed-scope=\"root\" ssh-ed25519 " + ED25519 + " typo",
                "zed-scope=read,zed-scope=admin ssh-ed25519 " + ED25519 + " twice")));
        assertEquals(List.of(Scope.ADMIN, Scope.READ, Scope.DEPLOY), k.keys().stream().map(AuthorizedKeys.Listed::scope).toList());
        assertEquals(List.of(4, 5), k.skipped().stream().map(AuthorizedKeys.Skipped::line).toList(), "never more than meant: the line is not used");
        assertTrue(k.skipped().get(0).why().contains("read, deploy or admin"), k.skipped().get(0).why());
        assertTrue(k.skipped().get(1).why().contains("twice"), k.skipped().get(1).why());
    }
}
