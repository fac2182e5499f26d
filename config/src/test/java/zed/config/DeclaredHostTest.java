package zed.config;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The host a Zedfile names, read before evaluation, at its position; an expression there is refused. */
class DeclaredHostTest {
    @Test
    void aQuotedHostNameIsReadWithItsPosition() {
        DeclaredHost d = DeclaredHost.of("Zedfile", "dataset \"d\" {}\nlevel \"web\" {\n  host = \"h2\"\n}\n");
        assertEquals("h2", d.host());
        assertEquals(new Pos("Zedfile", 3, 3), d.pos());
    }

    @Test
    void noHostOrNoLevelBlockIsNone() {
        assertEquals(DeclaredHost.NONE, DeclaredHost.of("Zedfile", "level \"web\" {}\n"));
        assertEquals(DeclaredHost.NONE, DeclaredHost.of("Zedfile", "dataset \"d\" {}\n"));
    }

    @Test
    void aZedfileThatDoesNotParseIsLeftToTheEvaluationToReport() {
        assertEquals(DeclaredHost.NONE, DeclaredHost.of("Zedfile", "level \"web\" {\n  host = \n"));
    }

    @Test
    void anExpressionOrABadNameIsRefusedAtItsPosition() {
        for (String value : new String[]{"os::env(\"H\")", "\"${host::name()}\"", "\"h 2\"", "[\"h1\"]", "\"\""}) {
            ZedfileException e = assertThrows(ZedfileException.class, () -> DeclaredHost.of("Zedfile", "level \"web\" {\n  host = " + value + "\n}\n"), value);
            assertEquals("Zedfile:2:3: level.host must be a host name in quotes, e.g. host = \"h2\" (it is read before anything is evaluated)",
                    e.diagnostics().get(0).render(), value);
        }
    }

    @Test
    void aStandbyIsReadLikeAHostAndRefusedLikeOne() {
        DeclaredHost d = DeclaredHost.standby("Zedfile", "level \"web\" { host = \"h1\" }\nfailover {\n  standby = \"h3\"\n}\n");
        assertEquals(new DeclaredHost("h3", new Pos("Zedfile", 3, 3)), d);
        assertEquals(DeclaredHost.NONE, DeclaredHost.standby("Zedfile", "level \"web\" { host = \"h1\" }\n"));
        ZedfileException e = assertThrows(ZedfileException.class, () -> DeclaredHost.standby("Zedfile", "failover {\n  standby = os::env(\"S\")\n}\n"));
        assertEquals("Zedfile:2:3: failover.standby must be a host name in quotes, e.g. standby = \"h2\" (it is read before anything is evaluated)",
                e.diagnostics().get(0).render());
    }

    @Test
    void aModelsSourceHostIsReadWithItsPositionAndRefusedUnquoted() {
        String file = "dataset \"m\" {}\nmodel \"a\" {\n  dataset = \"m\"\n  source {\n    host     = \"h1\"\n    snapshot = \"models/base@v1\"\n  }\n}\n"
                + "model \"b\" {\n  dataset = \"m\"\n  source { path = \"w\" }\n}\n";
        assertEquals(java.util.List.of(new DeclaredHost("h1", new Pos("Zedfile", 5, 5))), DeclaredHost.modelSources("Zedfile", file));
        assertEquals(java.util.List.of(), DeclaredHost.modelSources("Zedfile", "level \"web\" { host = \"h1\" }\n"));
        ZedfileException e = assertThrows(ZedfileException.class, () -> DeclaredHost.modelSources("Zedfile",
                "model \"a\" {\n  source { host = os::env(\"H\")\n snapshot = \"m@v1\" }\n}\n"));
        assertEquals("Zedfile:2:12: source.host must be a host name in quotes, e.g. host = \"h2\" (it is read before anything is evaluated)",
                e.diagnostics().get(0).render());
    }

    @Test
    void hostsAreReadInTheirOrderWithTheirPosition() {
        DeclaredHost d = DeclaredHost.of("Zedfile", "level \"web\" {\n  hosts = [\"h2\", \"h1\", \"h3\"]\n}\n");
        assertEquals(java.util.List.of("h2", "h1", "h3"), d.hosts());
        assertEquals(null, d.host());
        assertEquals(true, d.multi());
        assertEquals(new Pos("Zedfile", 2, 3), d.pos());
    }

    @Test
    void hostsThatAreNotQuotedNamesOrRepeatOneAreRefusedAtTheirPosition() {
        String shape = "Zedfile:2:3: level.hosts must be a list of host names in quotes, e.g. hosts = [\"h1\", \"h2\"] (it is read before anything is evaluated)";
        for (String value : new String[]{"[]", "\"h1\"", "[\"h1\", os::env(\"H\")]", "[\"${host::name()}\"]", "[\"h 1\"]"}) {
            ZedfileException e = assertThrows(ZedfileException.class, () -> DeclaredHost.of("Zedfile", "level \"web\" {\n  hosts = " + value + "\n}\n"), value);
            assertEquals(shape, e.diagnostics().get(0).render(), value);
        }
        ZedfileException twice = assertThrows(ZedfileException.class, () -> DeclaredHost.of("Zedfile", "level \"web\" {\n  hosts = [\"h1\", \"h1\"]\n}\n"));
        assertEquals("Zedfile:2:3: level.hosts names host \"h1\" twice", twice.diagnostics().get(0).render());
    }

    @Test
    void hostAndHostsTogetherAreRefused() {
        ZedfileException e = assertThrows(ZedfileException.class, () -> DeclaredHost.of("Zedfile", "level \"web\" {\n  host = \"h1\"\n  hosts = [\"h1\"]\n}\n"));
        assertEquals("Zedfile:3:3: a level has host = \"NAME\" (one instance) or hosts = [...] (one per host), not both", e.diagnostics().get(0).render());
    }
}
