package zed.reconciler.ops;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import zed.reconciler.store.StoreError;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The allow list's lines, the digest an operator computes, and what ops takes of a sudoApply request: no I/O. */
class SudoAllowedTest {
    /** sha256("abc"), the FIPS 180-2 example. */
    static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    @Test
    void theDigestIsSha256sumsOfTheTextAsIs() {
        assertEquals(ABC, SudoAllowed.digest("abc"));
        assertFalse(SudoAllowed.digest("abc\n").equals(ABC), "a trailing newline is another text");
        assertEquals(ABC + "  shop/service.exec.web/resolver", SudoAllowed.line(ABC, "shop/service.exec.web/resolver"));
    }

    @Test
    void linesCommentsAndBlankLinesParse() {
        String other = "0".repeat(64);
        SudoAllowed a = SudoAllowed.parse("""
                # resolver of the shop, allowed 2026-12-06 by ops@
                %s  shop/service.exec.web/resolver

                   %s\tno name is needed
                %s
                """.formatted(ABC.toUpperCase(), other, "1".repeat(64)), "sudo-allowed");
        assertTrue(a.allows(ABC), "upper-case hex is the same digest");
        assertTrue(a.allows(other) && a.allows("1".repeat(64)));
        assertEquals("shop/service.exec.web/resolver", a.names().get(ABC));
        assertFalse(a.allows(SudoAllowed.digest("rm -rf /")));
        assertTrue(SudoAllowed.parse("", "empty").names().isEmpty());
    }

    @Test
    void aBrokenLineIsNamedByItsFileAndLine() {
        for (String broken : new String[]{"echo hi", ABC.substring(1) + "  short", ABC + "x  glued", "sha256:" + ABC}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SudoAllowed.parse("# fine\n" + ABC + "  ok\n" + broken + "\n", "/etc/zed/sudo-allowed"), broken);
            assertTrue(e.getMessage().startsWith("/etc/zed/sudo-allowed:3: not \"SHA256HEX  name\""), e.getMessage());
        }
    }

    @Test
    void aRequestsNamesAndTextAreCheckedAsOpsOtherRulesCheckTheirs() {
        SudoRequest ok = SudoRequest.of(new SudoRequest("shop/eu", "service.exec.web", "resolver conf", "echo x > /etc/x").json());
        assertEquals("shop/eu/service.exec.web/resolver conf", ok.name());
        assertEquals(SudoAllowed.digest("echo x > /etc/x"), ok.digest());
        Map<String, ObjectNode> bad = Map.of(
                "a level with ..", new SudoRequest("../etc", "service.exec.web", "r", "true").json(),
                "a service with ..", new SudoRequest("shop", "service/../x", "r", "true").json(),
                "a hook with a quote", new SudoRequest("shop", "service.exec.web", "it's", "true").json(),
                "a hook with a slash", new SudoRequest("shop", "service.exec.web", "a/b", "true").json(),
                "a NUL in the text", new SudoRequest("shop", "service.exec.web", "r", "true\0rm -rf /").json(),
                "an oversized text", new SudoRequest("shop", "service.exec.web", "r", "x".repeat(ServiceRules.MAX_TEXT + 1)).json(),
                "an empty text", new SudoRequest("shop", "service.exec.web", "r", "  ").json(),
                "no text", (ObjectNode) new SudoRequest("shop", "service.exec.web", "r", "true").json().without("command"));
        bad.forEach((what, req) -> {
            StoreError e = assertThrows(StoreError.class, () -> SudoRequest.of(req), what);
            assertEquals(StoreError.Kind.INVALID_NAME, e.kind(), what + ": " + e.getMessage());
        });
    }

    @Test
    void theAuditRecordsTheTextsDigestAndNames() {
        ObjectNode recorded = SudoRequest.recorded(new SudoRequest("shop", "service.exec.web", "r", "abc").json());
        assertEquals(ABC, recorded.get("sha256").asText());
        assertFalse(recorded.has("command"));
        assertEquals("r", recorded.get("hook").asText());
    }

    @Test
    void theApplySeesRootsEnvironmentAndNothingOfOps() {
        assertEquals(Map.of("PATH", "/usr/bin:/bin", "HOME", "/root", "LANG", "C.UTF-8"),
                SudoApply.environment(Map.of("PATH", "/usr/bin:/bin", "HOME", "/home/zed", "LANG", "C.UTF-8", "LD_PRELOAD", "/tmp/x.so", "ZED_TOKEN", "t")));
        assertEquals("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", SudoApply.environment(Map.of()).get("PATH"));
    }
}
