package zed.actors.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A job's metric over its checkpoints' steps (loss over steps) as a small chart the server draws: the points scaled
 * into a fixed SVG viewBox, the axes' ends as labels, and the same in words for a screen reader. The page needs no
 * script and no chart library: the template writes the polyline's {@code points} as they are. Pure.
 */
public final class MetricChart {
    /** The viewBox: {@code 0 0 WIDTH HEIGHT}; the plot sits inside it, leaving room for the value labels on the left. */
    public static final int WIDTH = 240;
    public static final int HEIGHT = 90;
    static final double LEFT = 44;
    static final double RIGHT = 6;
    static final double TOP = 8;
    static final double BOTTOM = 20;

    /** A checkpoint's value of the metric. */
    public record Point(long step, double value) {
    }

    /** Where a point is drawn in the viewBox. */
    public record Dot(double x, double y) {
    }

    /**
     * One metric's chart.
     *
     * @param points the polyline's {@code points} attribute ("x,y x,y ..."), empty when there is no point
     * @param dots   where a lone point is drawn as a dot (a polyline of one point draws nothing); empty otherwise
     * @param data   the points themselves, oldest first, for the table beside the chart
     */
    public record Chart(String metric, String points, List<Dot> dots, int count, String firstStep, String lastStep, String min, String max,
                        String last, String words, List<Point> data) {
        public boolean empty() {
            return count == 0;
        }

        public String format(double v) {
            return number(v);
        }
    }

    private MetricChart() {
    }

    /** One chart per metric the checkpoints carry, by name; a checkpoint without the metric is no point of its chart. */
    public static List<Chart> of(List<zed.reconciler.job.Checkpoints.Point> history) {
        Map<String, List<Point>> byMetric = new TreeMap<>();
        for (zed.reconciler.job.Checkpoints.Point c : history) {
            c.metrics().forEach((name, v) -> byMetric.computeIfAbsent(name, n -> new ArrayList<>()).add(new Point(c.step(), v)));
        }
        return byMetric.entrySet().stream().map(e -> chart(e.getKey(), e.getValue())).toList();
    }

    /** The chart of {@code metric} over {@code points} (oldest first, by step). */
    public static Chart chart(String metric, List<Point> points) {
        if (points.isEmpty()) {
            return new Chart(metric, "", List.of(), 0, "-", "-", "-", "-", "-", metric + " over steps: no checkpoint yet", List.of());
        }
        long firstStep = points.get(0).step();
        long lastStep = points.get(points.size() - 1).step();
        double min = points.stream().mapToDouble(Point::value).min().orElseThrow();
        double max = points.stream().mapToDouble(Point::value).max().orElseThrow();
        List<String> xy = new ArrayList<>();
        List<Dot> at = new ArrayList<>();
        for (Point p : points) {
            double x = x(p.step(), firstStep, lastStep);
            double y = y(p.value(), min, max);
            xy.add(coordinate(x) + "," + coordinate(y));
            at.add(new Dot(x, y));
        }
        Point last = points.get(points.size() - 1);
        String words = metric + " over steps: " + points.size() + (points.size() == 1 ? " checkpoint" : " checkpoints")
                + (points.size() == 1 ? " at step " + firstStep : ", steps " + firstStep + " to " + lastStep)
                + "; last " + number(last.value()) + " at step " + last.step() + "; min " + number(min) + ", max " + number(max);
        return new Chart(metric, String.join(" ", xy), points.size() == 1 ? at : List.of(), points.size(), Long.toString(firstStep),
                Long.toString(lastStep), number(min), number(max), number(last.value()), words, List.copyOf(points));
    }

    /** Left to right by step; a single step (one point, or all at one step) in the middle. */
    static double x(long step, long first, long last) {
        double width = WIDTH - LEFT - RIGHT;
        if (last == first) return LEFT + width / 2;
        return LEFT + width * (step - first) / (double) (last - first);
    }

    /** The largest value at the top; one value for all in the middle. */
    static double y(double value, double min, double max) {
        double height = HEIGHT - TOP - BOTTOM;
        if (max == min) return TOP + height / 2;
        return TOP + height * (max - value) / (max - min);
    }

    /** The bottom of the plot and its right edge, for the template's axes. */
    public static double bottom() {
        return HEIGHT - BOTTOM;
    }

    public static double left() {
        return LEFT;
    }

    public static double right() {
        return WIDTH - RIGHT;
    }

    public static double top() {
        return TOP;
    }

    static String coordinate(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    /** A metric's value, short: four significant digits, no exponent for ordinary losses ("0.0023", "1.25", "3.2e-07"). */
    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        String s = String.format(Locale.ROOT, "%.4g", v);
        if (s.contains("e")) {
            String[] parts = s.split("e");
            return trim(parts[0]) + "e" + parts[1].replaceFirst("^\\+", "").replaceFirst("^(-?)0+(\\d)", "$1$2");
        }
        return trim(s);
    }

    private static String trim(String decimal) {
        return decimal.contains(".") ? decimal.replaceFirst("0+$", "").replaceFirst("\\.$", "") : decimal;
    }
}
