package zed.actors.ui;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class EventLineTest {
    @Test
    void anEventInWords() {
        assertEquals("DriftCorrected (revision 2) dataset.d: com.acme:x was \"wrong\"",
                EventLine.of(FleetViewTest.json("{'id':7,'level':'a','type':'DriftCorrected','revision':2,'resource':'dataset.d','what':'com.acme:x was \\'wrong\\''}")));
        assertEquals("Converged (revision 3)", EventLine.of(FleetViewTest.json("{'type':'Converged','revision':3}")));
        assertEquals("JobFailed (revision 1) train: exit 3", EventLine.of(FleetViewTest.json("{'type':'JobFailed','revision':1,'job':'train','why':'exit 3'}")));
    }

    @Test
    void aLongOneIsCut() {
        String line = EventLine.of(FleetViewTest.json("{'type':'ConvergeFailed','cause':'" + "x".repeat(500) + "'}"));
        assertEquals(EventLine.LONGEST, line.length());
        assertEquals('…', line.charAt(line.length() - 1));
    }
}
