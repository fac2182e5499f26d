package zed.actors.ui;

import org.junit.jupiter.api.Test;
import zed.reconciler.job.Checkpoints;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The server-drawn chart of a metric over steps: points scaled into the viewBox, the axes' ends, its words. */
class MetricChartTest {
    static MetricChart.Point p(long step, double value) {
        return new MetricChart.Point(step, value);
    }

    @Test
    void pointsAreScaledStepsLeftToRightAndTheLargestValueOnTop() {
        MetricChart.Chart c = MetricChart.chart("loss", List.of(p(10, 1.0), p(20, 0.5), p(30, 0.25)));
        // the plot: x from 44 to 234, y from 8 (max) to 70 (min)
        assertEquals("44.0,8.0 139.0,49.3 234.0,70.0", c.points());
        assertEquals(3, c.count());
        assertEquals("10", c.firstStep());
        assertEquals("30", c.lastStep());
        assertEquals("0.25", c.min());
        assertEquals("1", c.max());
        assertEquals("0.25", c.last());
        assertEquals("loss over steps: 3 checkpoints, steps 10 to 30; last 0.25 at step 30; min 0.25, max 1", c.words());
        assertEquals(List.of(), c.dots(), "a line of three points needs no dot");
        // every point inside the viewBox
        for (String xy : c.points().split(" ")) {
            double x = Double.parseDouble(xy.split(",")[0]);
            double y = Double.parseDouble(xy.split(",")[1]);
            assertTrue(x >= 0 && x <= MetricChart.WIDTH && y >= 0 && y <= MetricChart.HEIGHT, xy);
        }
    }

    @Test
    void stepsAreSpacedByTheirValueNotTheirRank() {
        MetricChart.Chart c = MetricChart.chart("loss", List.of(p(0, 2), p(10, 1), p(100, 0)));
        assertEquals("44.0,8.0 63.0,39.0 234.0,70.0", c.points());
    }

    @Test
    void onePointIsADotInTheMiddleAndAFlatLineSitsMidHeight() {
        MetricChart.Chart one = MetricChart.chart("loss", List.of(p(50, 0.02)));
        assertEquals("139.0,39.0", one.points());
        assertEquals(List.of(new MetricChart.Dot(139, 39)), one.dots(), "a polyline of one point draws nothing: a dot does");
        assertEquals("loss over steps: 1 checkpoint at step 50; last 0.02 at step 50; min 0.02, max 0.02", one.words());
        MetricChart.Chart flat = MetricChart.chart("acc", List.of(p(1, 0.5), p(2, 0.5)));
        assertEquals("44.0,39.0 234.0,39.0", flat.points());
    }

    @Test
    void noPointIsAnEmptyChartThatSaysSo() {
        MetricChart.Chart none = MetricChart.chart("loss", List.of());
        assertTrue(none.empty());
        assertEquals("", none.points());
        assertEquals("loss over steps: no checkpoint yet", none.words());
        assertEquals(List.of(), MetricChart.of(List.of()));
    }

    @Test
    void oneChartPerMetricByNameEachWithTheCheckpointsThatCarryIt() {
        List<MetricChart.Chart> charts = MetricChart.of(List.of(new Checkpoints.Point(1, Map.of("loss", 1.0, "acc", 0.1)),
                new Checkpoints.Point(2, Map.of("loss", 0.5)), new Checkpoints.Point(3, Map.of("loss", 0.25, "acc", 0.3))));
        assertEquals(List.of("acc", "loss"), charts.stream().map(MetricChart.Chart::metric).toList());
        assertEquals(2, charts.get(0).count());
        assertEquals(List.of(p(1, 1.0), p(2, 0.5), p(3, 0.25)), charts.get(1).data());
    }

    @Test
    void numbersAreShortAndExact() {
        assertEquals("0.0023", MetricChart.number(0.0023));
        assertEquals("1.25", MetricChart.number(1.25));
        assertEquals("0.3333", MetricChart.number(1.0 / 3));
        assertEquals("3", MetricChart.number(3.0));
        assertEquals("3.2e-7", MetricChart.number(3.2e-7));
        assertEquals("-0.5", MetricChart.number(-0.5));
    }
}
