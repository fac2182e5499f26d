package zed.chaos.fault;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The soak's arithmetic, pure: percentiles of the correction times, and whether a series sampled once a minute (heap
 * after a full GC, threads) stayed flat.
 */
public final class SoakStats {
    private SoakStats() {
    }

    /** The {@code p}th percentile (0 to 100) by nearest rank: a value that was measured, never an interpolation. */
    public static double percentile(List<Double> values, double p) {
        if (values.isEmpty()) return Double.NaN;
        if (p < 0 || p > 100) throw new IllegalArgumentException("a percentile is 0 to 100, not " + p);
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(p / 100 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    public static double max(List<Double> values) {
        return values.isEmpty() ? Double.NaN : Collections.max(values);
    }

    /**
     * A series' first third against its last third (means; a third is at least one sample), and its least-squares
     * slope per sample.
     */
    public record Trend(double first, double last, double slope) {
        public double growth() {
            return last - first;
        }

        /**
         * Flat: the last third grew by at most {@code relative} of the first third, or by {@code absolute}, whichever
         * is more (a small series' noise is absolute; a large one's relative).
         */
        public boolean flat(double relative, double absolute) {
            return growth() <= Math.max(first * relative, absolute);
        }
    }

    public static Trend trend(List<Double> series) {
        int n = series.size();
        if (n == 0) return new Trend(Double.NaN, Double.NaN, Double.NaN);
        int third = Math.max(1, n / 3);
        return new Trend(mean(series.subList(0, third)), mean(series.subList(n - third, n)), slope(series));
    }

    static double mean(List<Double> xs) {
        double sum = 0;
        for (double x : xs) sum += x;
        return sum / xs.size();
    }

    /** The least-squares slope of the series against its index; 0 for fewer than two samples. */
    static double slope(List<Double> ys) {
        int n = ys.size();
        if (n < 2) return 0;
        double mx = (n - 1) / 2.0;
        double my = mean(ys);
        double num = 0;
        double den = 0;
        for (int i = 0; i < n; i++) {
            num += (i - mx) * (ys.get(i) - my);
            den += (i - mx) * (i - mx);
        }
        return num / den;
    }
}
