package zed.config.eval;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

class PickRangeTest {
    @Test
    void portsArePickedBelowTheKernelsEphemeralRange() {
        assertEquals(new PickRange(20000, 32767), PickRange.below("32768\t60999\n"));
        assertEquals(new PickRange(20000, 39999), PickRange.below("40000 65535"));
    }

    @Test
    void aRangeThatLeavesNoRoomBelowItOrNoneAtAllFallsBackTo20000To32767() {
        assertEquals(PickRange.DEFAULT, PickRange.below("10000 65535"));
        assertEquals(PickRange.DEFAULT, PickRange.of(Path.of("/nonexistent/ip_local_port_range")));
    }
}
