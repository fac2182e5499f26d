package zed.actors.ui;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zed.actors.ui.FleetViewTest.json;

class EventRowTest {
    @Test
    void anEventsTimeLevelKindAndWords() {
        EventRow r = EventRow.of(json("{'id':7,'level':'shop','type':'DriftCorrected','revision':2,'resource':'dataset.d','what':'com.acme:round: x -> 2'}"),
                Instant.parse("2026-12-05T23:12:30.456Z"));
        assertEquals(new EventRow(7, "2026-12-05 23:12:30", "shop", "DriftCorrected", "(revision 2) dataset.d: com.acme:round: x -> 2"), r);
        assertEquals("-", EventRow.of(json("{'id':8,'level':'shop','type':'Converged','revision':2}"), null).time(), "no time from the journal");
    }
}
