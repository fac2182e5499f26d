package zed.actors.ui;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Single-use keys alone, on a time the test moves: one use, their time, the reasons, and no more remembered than the cap. */
class SingleUseTest {
    static final Instant T0 = Instant.parse("2026-12-05T20:00:00Z");
    static final Duration VALID = Duration.ofSeconds(120);

    static String key(SingleUse.Issued<String> i) {
        return assertInstanceOf(SingleUse.Key.class, i).key();
    }

    @Test
    void eachIsRandomUsedOnceAndValidForItsTime() {
        SingleUse<String> s = new SingleUse<>(VALID, VALID, 1000, BrowserKeys::fresh);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 100; i++) assertTrue(seen.add(key(s.issue("x", T0))), "never the same twice");
        String a = key(s.issue("a", T0));
        assertEquals(new SingleUse.Granted<>("a"), s.take(a, T0));
        assertEquals(new SingleUse.Refused<>(SingleUse.Why.USED), s.take(a, T0));
        String b = key(s.issue("b", T0));
        assertEquals(new SingleUse.Refused<>(SingleUse.Why.UNKNOWN), s.take(b + "x", T0), "a guess");
        assertEquals(new SingleUse.Refused<>(SingleUse.Why.UNKNOWN), s.take(null, T0));
        assertEquals(new SingleUse.Granted<>("b"), s.take(b, T0.plus(VALID).minusMillis(1)), "a wrong guess spends nothing; fresh until its last millisecond");
        String c = key(s.issue("c", T0));
        assertEquals(new SingleUse.Refused<>(SingleUse.Why.EXPIRED), s.take(c, T0.plus(VALID)));
        assertEquals(new SingleUse.Refused<>(SingleUse.Why.USED), s.take(c, T0.plus(VALID)), "an expired one is used by its attempt too");
        assertEquals(new SingleUse.Refused<>(SingleUse.Why.UNKNOWN), s.take(c, T0.plus(VALID).plus(VALID)), "forgotten at last");
    }

    @Test
    void noMoreThanTheCapAreRememberedAndTheyAreForgottenInTime() {
        SingleUse<String> s = new SingleUse<>(VALID, VALID, 3, BrowserKeys::fresh);
        for (int i = 0; i < 3; i++) key(s.issue("x", T0));
        SingleUse.Full<?> full = assertInstanceOf(SingleUse.Full.class, s.issue("x", T0));
        assertEquals(VALID.multipliedBy(2).plusSeconds(1), full.retryAfter());
        key(s.issue("x", T0.plus(VALID.multipliedBy(2))));
    }

    @Test
    void onlyTheHashIsKeptAndTheKeyHasTheCallersForm() {
        SingleUse<String> s = new SingleUse<>(VALID, VALID, 10, () -> "0123abcd");
        assertEquals("0123abcd", key(s.issue("x", T0)));
        assertEquals(64, BrowserKeys.hash("0123abcd").length());
    }
}
