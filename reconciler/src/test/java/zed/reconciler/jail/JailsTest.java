package zed.reconciler.jail;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The driver for each OS, drift, and how a jail block is resolved against its level. Nothing runs. */
class JailsTest {
    final RecordingCommand none = new RecordingCommand(argv -> {
        throw new AssertionError("nothing may run: " + argv);
    });
    final Jails.Settings settings = Jails.Settings.of(Path.of("/var/db/zed/jails"));

    @Test
    void linuxGetsBubblewrapAndFreeBsdGetsJailUnlessBastilleIsConfigured() {
        assertInstanceOf(BwrapJail.class, Jails.forOs("Linux", none, settings));
        assertInstanceOf(FreeBsdJail.class, Jails.forOs("FreeBSD", none, settings));
        Jails.Settings withBastille = new Jails.Settings(settings.stateDir(), settings.freeBsdConfDir(), new Jails.Bastille("14.2-RELEASE", null));
        assertInstanceOf(BastilleJail.class, Jails.forOs("FreeBSD", none, withBastille));
        assertInstanceOf(BwrapJail.class, Jails.forOs("Linux", none, withBastille), "Bastille is FreeBSD's");
        assertEquals(Path.of("/etc/jail.conf.d"), settings.freeBsdConfDir());
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> Jails.forOs("Mac OS X", none, settings));
        assertTrue(e.getMessage().contains("Mac OS X"));
    }

    @Test
    void driftMeansNotRunningOrAnotherConfiguration() {
        assertFalse(Jails.drift(new JailState("web", true, "0123456789abcdef"), "0123456789abcdef"));
        assertTrue(Jails.drift(new JailState("web", true, "0123456789abcdef"), "fedcba9876543210"), "another configuration");
        assertTrue(Jails.drift(new JailState("web", false, "0123456789abcdef"), "0123456789abcdef"), "not running");
        assertTrue(Jails.drift(new JailState("web", true, null), "0123456789abcdef"), "running, but nobody knows with what");
        assertTrue(Jails.drift(JailState.absent("web"), "0123456789abcdef"));
        assertTrue(Jails.drift(null, "0123456789abcdef"), "never observed");
    }

    @Test
    void theConfHashIsTheFirst16HexOfSha256AndIsStampedWithTheJailsName() {
        assertEquals("e3b0c44298fc1c14", JailState.hashOf(""), "sha256 of nothing starts e3b0c442...");
        JailState s = new JailState("web", true, JailState.hashOf("x"));
        assertEquals(Map.of("com.zed:jail", "web", "com.zed:jail.conf-hash", s.confHash()), s.stamp());
        assertEquals(Map.of(), JailState.absent("web").stamp());
    }

    @Test
    void aJailBlockResolvesToTheMountpointsOfItsLevelsDatasets() {
        LevelSpec.JailSpec jail = new LevelSpec.JailSpec("web", "jails/web", "web.local", null, null, false, Map.<String, Value>of(),
                List.of(new LevelSpec.Mount("/var/db/web", "apps/web", "rw", Pos.NONE), new LevelSpec.Mount("/srv", "apps/srv", "ro", Pos.NONE)), Pos.NONE);
        LevelSpec level = level(jail, dataset("jails/web", "/tank/zed/jails/web"), dataset("apps/web", "/srv/web"), dataset("apps/srv", "/srv/static"));

        JailSetup s = JailSetup.of(level, jail);

        assertEquals(Path.of("/tank/zed/jails/web"), s.root());
        assertEquals(List.of(
                new JailSetup.HostMount("/srv", Path.of("/srv/static"), JailSetup.Mode.RO),
                new JailSetup.HostMount("/var/db/web", Path.of("/srv/web"), JailSetup.Mode.RW)), s.mounts(), "sorted: parents before children");
        assertEquals("web.local", s.hostname());
    }

    @Test
    void anUndeclaredDatasetOrOneWithoutMountpointIsNamed() {
        LevelSpec.JailSpec jail = new LevelSpec.JailSpec("web", "jails/web", null, null, null, false, Map.of(),
                List.of(new LevelSpec.Mount("/var/db/web", "apps/web", "rw", Pos.NONE)), Pos.NONE);
        JailError undeclared = assertThrows(JailError.class, () -> JailSetup.of(level(jail, dataset("jails/web", "/j")), jail));
        assertEquals("jail web: refused: dataset \"apps/web\" is not declared in level shop", undeclared.getMessage());
        JailError none = assertThrows(JailError.class, () -> JailSetup.of(level(jail, dataset("jails/web", "none"), dataset("apps/web", "/a")), jail));
        assertEquals(JailError.Kind.MISSING, none.kind());
        assertEquals("web", JailSetup.of(jail, ds -> Path.of("/x/" + ds)).hostname(), "the hostname defaults to the jail's name");
    }

    @Test
    void mountPathsMustBeAbsoluteNormalisedWithoutSpacesAndDeclaredOnce() {
        for (String bad : List.of("var/db", "/var/../etc", "/var/db/", "/var//db", "/var/my db", "/var/db\n", "/")) {
            LevelSpec.JailSpec jail = new LevelSpec.JailSpec("web", "jails/web", null, null, null, false, Map.of(),
                    List.of(new LevelSpec.Mount(bad, "apps/web", "rw", Pos.NONE)), Pos.NONE);
            JailError e = assertThrows(JailError.class, () -> JailSetup.of(jail, ds -> Path.of("/x/" + ds)), bad);
            assertEquals(JailError.Kind.INVALID, e.kind(), bad);
        }
        LevelSpec.JailSpec twice = new LevelSpec.JailSpec("web", "jails/web", null, null, null, false, Map.of(),
                List.of(new LevelSpec.Mount("/a", "apps/web", "rw", Pos.NONE), new LevelSpec.Mount("/a", "apps/x", "ro", Pos.NONE)), Pos.NONE);
        assertTrue(assertThrows(JailError.class, () -> JailSetup.of(twice, ds -> Path.of("/x/" + ds))).getMessage().contains("declared twice"));
        LevelSpec.JailSpec badMode = new LevelSpec.JailSpec("web", "jails/web", null, null, null, false, Map.of(),
                List.of(new LevelSpec.Mount("/a", "apps/web", "rx", Pos.NONE)), Pos.NONE);
        assertEquals(JailError.Kind.INVALID, assertThrows(JailError.class, () -> JailSetup.of(badMode, ds -> Path.of("/x/" + ds))).kind());
    }

    static LevelSpec.DatasetSpec dataset(String name, String mountpoint) {
        return new LevelSpec.DatasetSpec(name, mountpoint, Map.of(), Pos.NONE);
    }

    static LevelSpec level(LevelSpec.JailSpec jail, LevelSpec.DatasetSpec... datasets) {
        return new LevelSpec("shop", "shop", null, "Zedfile", "/tmp", null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(datasets), List.of(jail), List.of(), List.of(), List.of(), "0000000000000000", Pos.NONE);
    }
}
