package zed.chaos.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/** Repeated measurements of one thing: median, p90, min and max, as the tables show them. */
final class Trials {
    private final List<Double> values = new ArrayList<>();

    void add(double v) {
        values.add(v);
    }

    int size() {
        return values.size();
    }

    private List<Double> sorted() {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        return s;
    }

    /** Nearest-rank percentile, 0 < p <= 100; the median of an even count is the mean of the middle two. */
    double percentile(double p) {
        List<Double> s = sorted();
        if (p == 50 && s.size() % 2 == 0) return (s.get(s.size() / 2 - 1) + s.get(s.size() / 2)) / 2;
        int rank = (int) Math.ceil(p / 100 * s.size());
        return s.get(Math.max(0, rank - 1));
    }

    double median() {
        return percentile(50);
    }

    double min() {
        return sorted().get(0);
    }

    double max() {
        return sorted().get(values.size() - 1);
    }

    double mean() {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** "median (min–max)" with {@code digits} decimals. */
    String summary(int digits) {
        return fmt(median(), digits) + " (" + fmt(min(), digits) + "–" + fmt(max(), digits) + ")";
    }

    static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%,." + digits + "f", v);
    }

    @Override
    public String toString() {
        List<String> s = new ArrayList<>();
        for (double v : values) s.add(fmt(v, 0));
        return String.join(" ", s);
    }
}
