package zed.actors.ui;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Stateless challenges alone, on a time the test moves: asking for any number fills nothing; a challenge is spent by
 * its first verified use only; an expired, forged, altered or other purpose's challenge is refused with its reason.
 */
class ChallengesTest {
    static final Instant T0 = Instant.parse("2026-12-05T20:00:00Z");
    static final Duration VALID = Duration.ofSeconds(120);

    static Challenges hex(String purpose) {
        return new Challenges(purpose, VALID, HexFormat.of()::formatHex, HexFormat.of()::parseHex);
    }

    static SingleUse.Why refused(Challenges.Checked c) {
        return assertInstanceOf(Challenges.Refused.class, c).why();
    }

    @Test
    void askingForAnyNumberFillsNothingAndEachIsSpentOnceByAVerifiedUse() {
        Challenges c = hex("ssh");
        String first = c.issue(T0);
        for (int i = 0; i < 100_000; i++) c.issue(T0);
        assertEquals(0, c.spentRemembered(), "nothing kept of what was only asked for");
        assertTrue(first.matches("[0-9a-f]{64}"), first);
        assertEquals(new Challenges.Fresh(T0.plus(VALID)), c.check(first, T0));
        assertInstanceOf(Challenges.Fresh.class, c.check(first, T0.plusSeconds(1)), "a check spends nothing");
        assertInstanceOf(Challenges.Fresh.class, c.spend(first, T0.plusSeconds(2)));
        assertEquals(SingleUse.Why.USED, refused(c.spend(first, T0.plusSeconds(3))));
        assertEquals(SingleUse.Why.USED, refused(c.check(first.toUpperCase(Locale.ROOT), T0.plusSeconds(3))), "the same bytes, spelt otherwise");
        assertEquals(1, c.spentRemembered());
        assertEquals(SingleUse.Why.EXPIRED, refused(c.check(first, T0.plus(VALID))));
        assertEquals(0, c.spentRemembered(), "forgotten once expired: it is refused as expired from then on");
    }

    @Test
    void aLateForgedAlteredOrOtherPurposesChallengeIsRefused() {
        Challenges c = hex("ssh");
        String late = c.issue(T0);
        assertInstanceOf(Challenges.Fresh.class, c.check(late, T0.plus(VALID).minusMillis(1)), "fresh until its last millisecond");
        assertEquals(SingleUse.Why.EXPIRED, refused(c.spend(late, T0.plus(VALID))));
        String good = c.issue(T0);
        char last = good.charAt(good.length() - 1);
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check(good.substring(0, good.length() - 1) + (last == '0' ? '1' : '0'), T0)), "its MAC altered");
        // a later expiry written in by hand: the MAC no longer matches
        byte[] b = HexFormat.of().parseHex(good);
        b[12] ^= 0x01;
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check(HexFormat.of().formatHex(b), T0)));
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check(hex("passkey").issue(T0), T0)), "another purpose's");
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check(hex("ssh").issue(T0), T0)), "another node's (or this one's before its restart)");
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check("not hex", T0)));
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check(null, T0)));
        assertEquals(SingleUse.Why.UNKNOWN, refused(c.check("00", T0)));
    }
}
