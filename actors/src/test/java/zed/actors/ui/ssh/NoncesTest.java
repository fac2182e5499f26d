package zed.actors.ui.ssh;

import org.junit.jupiter.api.Test;
import zed.reconciler.process.MutableClock;

import java.security.SecureRandom;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The nonces alone, on a clock the test moves: single use, 120 s, and no more remembered than the cap. */
class NoncesTest {
    final MutableClock clock = new MutableClock(Instant.parse("2026-12-05T20:00:00Z"));

    static String value(Nonces.Issued i) {
        return assertInstanceOf(Nonces.Issued.Nonce.class, i).value();
    }

    @Test
    void eachIsRandomUsedOnceAndValidForItsTime() {
        Nonces n = new Nonces(clock);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) assertTrue(seen.add(value(n.issue())), "never the same twice");
        String a = value(n.issue());
        assertNull(n.take(a));
        assertTrue(n.take(a).contains("used already"));
        String b = value(n.issue());
        clock.advance(Nonces.VALID.minusMillis(1));
        assertNull(n.take(b), "fresh until its last millisecond");
        String c = value(n.issue());
        clock.advance(Nonces.VALID);
        assertTrue(n.take(c).contains("expired"));
        assertTrue(n.take(c).contains("used already"), "an expired one is used by its attempt too");
        clock.advance(Nonces.VALID);
        assertTrue(n.take(c).contains("not one this node issued"), "forgotten at last");
    }

    @Test
    void noMoreThanTheCapAreRememberedAndTheyAreForgottenInTime() {
        Nonces n = new Nonces(clock, new SecureRandom(), 3);
        for (int i = 0; i < 3; i++) value(n.issue());
        Nonces.Issued.Full full = assertInstanceOf(Nonces.Issued.Full.class, n.issue());
        assertEquals(Nonces.VALID.multipliedBy(2).plusSeconds(1), full.retryAfter());
        String used = value(new Nonces(clock, new SecureRandom(), 3).issue());
        assertTrue(n.take(used).contains("not one this node issued"), "another node's nonce");
        clock.advance(Nonces.VALID.multipliedBy(2));
        value(n.issue());
    }
}
