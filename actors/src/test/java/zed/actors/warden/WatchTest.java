package zed.actors.warden;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

/** The warden's reading of its agent, and the files it reads, without a process. */
class WatchTest {
    static final Duration AFTER = Duration.ofSeconds(17);
    static final long S = 1_000_000_000L;

    @Test
    void aBeatThatChangesKeepsTheWardenWaitingAndSilenceForAfterStandsItDown() {
        Watch w = new Watch(1L, 0);
        Watch.Look quiet = w.look(1L, false, 16 * S, AFTER);
        assertEquals(new Watch.Wait(w), quiet, "16 s of silence: not yet");
        Watch.Look beat = w.look(2L, false, 16 * S, AFTER);
        assertEquals(new Watch.Wait(new Watch(2L, 16 * S)), beat, "a beat starts the silence again");
        Watch next = ((Watch.Wait) beat).next();
        assertInstanceOf(Watch.Wait.class, next.look(2L, false, 32 * S, AFTER), "counted from the last beat");
        assertEquals(new Watch.StandDown(Duration.ofSeconds(17)), next.look(2L, false, 33 * S, AFTER));
        assertEquals(new Watch.Wait(new Watch(null, 20 * S)), next.look(null, false, 20 * S, AFTER), "a removed file is a change, then silence");
    }

    @Test
    void theStoppedMarkWinsOverASilentHeartbeat() {
        assertEquals(new Watch.Leave(), new Watch(1L, 0).look(1L, true, 60 * S, AFTER));
    }

    @Test
    void theWaitIsTheDowningOfThisHostAndLessThanTheStandbysWait() {
        Duration detection = Duration.ofSeconds(1).plus(Duration.ofSeconds(3));
        // Zed's settings up to 5 hosts: stable-after 7 s, the resolver's minority delay 0 (the smaller side hears no
        // as soon as the other side holds the lease), the margin 7 s
        assertEquals(Duration.ofSeconds(11), WardenLaunch.after(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ZERO, Duration.ofSeconds(7)));
        assertEquals(detection.plus(Duration.ofSeconds(7 + 7)).minus(Duration.ofSeconds(7)), Duration.ofSeconds(11), "7 s before the standby may start it");
        // the old timing by -D (delay 6 s, margin 13 s): as before
        assertEquals(Duration.ofSeconds(17), WardenLaunch.after(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(6), Duration.ofSeconds(13)));
        // a margin set below the minority's delay: never longer than the standby waits
        assertEquals(Duration.ofSeconds(13), WardenLaunch.after(Duration.ofSeconds(1), Duration.ofSeconds(3), Duration.ofSeconds(7), Duration.ofSeconds(6), Duration.ofSeconds(2)));
    }

    @Test
    void theWaitComesFromTheNodesSettingsAndTheirOverrides() {
        com.typesafe.config.Config pekko = com.typesafe.config.ConfigFactory.load();
        assertEquals(Duration.ofSeconds(11), WardenLaunch.after(com.typesafe.config.ConfigFactory.parseString(zed.actors.cluster.Downing.config(3)).withFallback(pekko)));
        assertEquals(Duration.ofSeconds(21), WardenLaunch.after(com.typesafe.config.ConfigFactory.parseString(zed.actors.cluster.Downing.config(50)).withFallback(pekko)));
        assertEquals(Duration.ofSeconds(9), WardenLaunch.after(com.typesafe.config.ConfigFactory.parseString("pekko.cluster.split-brain-resolver.stable-after = 5s")
                .withFallback(com.typesafe.config.ConfigFactory.parseString(zed.actors.cluster.Downing.config(3))).withFallback(pekko)), "a -D setting wins");
    }

    @Test
    void theStandbyLevelsFileReadsBackAndKeepsTheLastAgentsLevelsUntilThisOneHasSeenThem() {
        StandbyLevels l = new StandbyLevels("tank/zed", Set.of("web", "api"));
        assertEquals("pool tank/zed\nlevel api\nlevel web\n", l.render());
        assertEquals(l, StandbyLevels.parse(l.render()));
        assertEquals(StandbyLevels.NONE, StandbyLevels.parse(""));
        assertEquals(new StandbyLevels(null, Set.of("web")), StandbyLevels.parse("level web\nsomething newer\n"));

        StandbyLevels waking = new StandbyLevels("tank/zed", Set.of());
        assertEquals(Set.of("web", "api"), waking.after(Set.of("web", "api"), Set.of()).levels(), "not woken yet: still the last agent's");
        assertEquals(Set.of("web"), waking.after(Set.of("web", "api"), Set.of("api")).levels(), "api woke here and has no standby now");
        assertEquals(Set.of("api", "shop"), new StandbyLevels("tank/zed", Set.of("shop")).after(Set.of("api"), Set.of("shop")).levels());
    }
}
