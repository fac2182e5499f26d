package zed.actors.ui;

import org.junit.jupiter.api.Test;
import zed.actors.http.Scope;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class LoginLinksTest {
    static final Instant T0 = Instant.parse("2026-12-05T12:00:00Z");
    static final LoginLinks.For ADMIN = new LoginLinks.For(new Grant("node", Scope.ADMIN), new Authority.Token("node", "ab12"));

    @Test
    void aLinkOpensOneSessionOnceAndSaysSoTheSecondTime() {
        LoginLinks links = new LoginLinks();
        LoginLinks.Link link = (LoginLinks.Link) links.issue(ADMIN, T0);
        assertEquals(T0.plusSeconds(120), link.expires());
        assertEquals(new SingleUse.Granted<>(ADMIN), links.open(link.secret(), T0.plusSeconds(5)));
        assertEquals(new SingleUse.Refused<LoginLinks.For>(SingleUse.Why.USED), links.open(link.secret(), T0.plusSeconds(6)));
    }

    @Test
    void aLinkExpiresAfter120Seconds() {
        LoginLinks links = new LoginLinks();
        LoginLinks.Link link = (LoginLinks.Link) links.issue(new LoginLinks.For(new Grant("ci", Scope.READ), new Authority.Token("ci", "cd34")), T0);
        assertEquals(new SingleUse.Refused<LoginLinks.For>(SingleUse.Why.EXPIRED), links.open(link.secret(), T0.plusSeconds(120)));
        // forgotten some minutes later: then it is no link of this node at all
        links.issue(ADMIN, T0.plus(Duration.ofMinutes(20)));
        assertEquals(new SingleUse.Refused<LoginLinks.For>(SingleUse.Why.UNKNOWN), links.open(link.secret(), T0.plus(Duration.ofMinutes(20))));
    }

    @Test
    void aGuessOrNothingIsUnknown() {
        LoginLinks links = new LoginLinks();
        LoginLinks.Link link = (LoginLinks.Link) links.issue(ADMIN, T0);
        assertEquals(new SingleUse.Refused<LoginLinks.For>(SingleUse.Why.UNKNOWN), links.open(link.secret() + "x", T0));
        assertEquals(new SingleUse.Refused<LoginLinks.For>(SingleUse.Why.UNKNOWN), links.open(null, T0));
        assertEquals(new SingleUse.Granted<>(ADMIN), links.open(link.secret(), T0), "a wrong guess does not spend the link");
    }

    @Test
    void atMostFiveLinksInAnyMinute() {
        LoginLinks links = new LoginLinks();
        for (int i = 0; i < LoginLinks.PER_MINUTE; i++) assertInstanceOf(LoginLinks.Link.class, links.issue(ADMIN, T0.plusSeconds(i * 10L)));
        LoginLinks.Limited limited = assertInstanceOf(LoginLinks.Limited.class, links.issue(ADMIN, T0.plusSeconds(45)));
        assertEquals(Duration.ofSeconds(15), limited.retryAfter(), "until the first of the minute's links is a minute old");
        assertInstanceOf(LoginLinks.Link.class, links.issue(ADMIN, T0.plusSeconds(60)));
    }

    @Test
    void everyLinkHasItsOwnSecret() {
        LoginLinks links = new LoginLinks();
        String a = ((LoginLinks.Link) links.issue(ADMIN, T0)).secret();
        String b = ((LoginLinks.Link) links.issue(ADMIN, T0)).secret();
        assertNotEquals(a, b);
        assertEquals(43, a.length(), "256 bits, base64url without padding");
    }
}
