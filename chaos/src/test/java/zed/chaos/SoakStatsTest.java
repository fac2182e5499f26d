package zed.chaos;

import org.junit.jupiter.api.Test;
import zed.chaos.fault.SoakStats;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The soak's arithmetic: percentiles by nearest rank, and what counts as a flat series. */
class SoakStatsTest {
    @Test
    void percentilesAreMeasuredValuesByNearestRank() {
        List<Double> xs = List.of(5.0, 1.0, 4.0, 2.0, 3.0, 6.0, 7.0, 8.0, 9.0, 10.0);
        assertEquals(5.0, SoakStats.percentile(xs, 50));
        assertEquals(10.0, SoakStats.percentile(xs, 99));
        assertEquals(1.0, SoakStats.percentile(xs, 0));
        assertEquals(10.0, SoakStats.max(xs));
        assertEquals(3.0, SoakStats.percentile(List.of(3.0), 99));
        assertTrue(Double.isNaN(SoakStats.percentile(List.of(), 50)));
    }

    @Test
    void aSeriesIsFlatWhenItsLastThirdGrewLessThanTheTolerance() {
        // noise around 100: flat
        SoakStats.Trend noise = SoakStats.trend(List.of(100.0, 104.0, 98.0, 101.0, 103.0, 99.0));
        assertEquals(102.0, noise.first());
        assertEquals(101.0, noise.last());
        assertTrue(noise.flat(0.2, 8));
        // one more per sample: 30 samples grow by 20, past 20% of 5 and past 8
        List<Double> leak = new java.util.ArrayList<>();
        for (int i = 0; i < 30; i++) leak.add(5.0 + i);
        SoakStats.Trend t = SoakStats.trend(leak);
        assertEquals(1.0, t.slope(), 1e-9);
        assertEquals(20.0, t.growth(), 1e-9);
        assertFalse(t.flat(0.2, 8));
        assertTrue(t.flat(0.2, 20));
        // a third is at least one sample
        SoakStats.Trend two = SoakStats.trend(List.of(10.0, 14.0));
        assertEquals(4.0, two.growth());
        assertTrue(two.flat(0, 5));
        assertFalse(two.flat(0, 3));
    }
}
