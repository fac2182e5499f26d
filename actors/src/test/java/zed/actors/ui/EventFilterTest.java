package zed.actors.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EventFilterTest {
    static EventRow row(String level, String kind) {
        return new EventRow(1, "-", level, kind, kind);
    }

    static EventFilter ok(String level, String kind) {
        return ((EventFilter.Ok) EventFilter.parse(level, kind)).filter();
    }

    @Test
    void aFilterKeepsExactlyItsLevelAndKind() {
        EventFilter f = ok("shop", "DriftCorrected");
        assertTrue(f.matches(row("shop", "DriftCorrected")));
        assertFalse(f.matches(row("shop", "Converged")));
        assertFalse(f.matches(row("shop/web", "DriftCorrected")), "exactly the level, not those beneath it");
        assertFalse(f.matches(row("shops", "DriftCorrected")));
        assertTrue(ok("", "").matches(row("any", "Converged")), "empty values: all");
        assertEquals(EventFilter.ALL, ok(null, null));
        assertTrue(ok(null, "Converged").matches(row("x", "Converged")));
        assertTrue(ok("infra/shop", null).matches(row("infra/shop", "SpecAccepted")));
    }

    @Test
    void theKindsAreTheLevelEventTypes() {
        assertTrue(EventFilter.KINDS.containsAll(java.util.List.of("DriftCorrected", "Converged", "SpecAccepted", "RolledBack")), EventFilter.KINDS.toString());
        assertEquals(EventFilter.KINDS.stream().sorted().toList(), EventFilter.KINDS);
    }

    @Test
    void aQueryThatNamesNoLevelOrKindIsRefused() {
        assertInstanceOf(EventFilter.Refused.class, EventFilter.parse("../etc", null));
        assertInstanceOf(EventFilter.Refused.class, EventFilter.parse("shop", "NoSuchEvent"));
        assertInstanceOf(EventFilter.Refused.class, EventFilter.parse("<b>", null));
    }

    @Test
    void aFilterIsALink() {
        assertEquals("?level=infra%2Fshop&kind=DriftCorrected&after=42", ok("infra/shop", "DriftCorrected").query(42));
        assertEquals("", EventFilter.ALL.query(0));
        assertEquals("?after=7", EventFilter.ALL.query(7));
        assertEquals("level shop, every kind", ok("shop", null).words());
        assertEquals("all levels, every kind", EventFilter.ALL.words());
    }
}
