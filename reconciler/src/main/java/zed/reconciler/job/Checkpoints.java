package zed.reconciler.job;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;

/**
 * A job's checkpoints among its dataset's snapshots: those named {@code ckpt-N} whose {@code com.zed:ckpt.step} says
 * N, so that a snapshot an operator took by hand under such a name is never counted, nor destroyed. Pure: no I/O.
 */
public final class Checkpoints {
    private Checkpoints() {
    }

    /** A checkpoint snapshot and its step. */
    public record Kept(String snapshot, long step) {
    }

    /**
     * @param snapshots each snapshot of the job's dataset (the name after the {@code @}) and its
     *                  {@code com.zed:ckpt.step}, null where it has none
     * @return its checkpoints, oldest first (by step, not by name: ckpt-10 is after ckpt-9)
     */
    public static List<Kept> of(Map<String, String> snapshots) {
        List<Kept> out = new ArrayList<>();
        snapshots.forEach((name, step) -> {
            Matcher m = Checkpoint.NAME.matcher(name);
            if (m.matches() && m.group(1).equals(step)) {
                try {
                    out.add(new Kept(name, Long.parseLong(step)));
                } catch (NumberFormatException beyondLong) {
                    // not a step Zed could have written
                }
            }
        });
        out.sort(Comparator.comparingLong(Kept::step));
        return out;
    }

    /** The step of the newest checkpoint: where a job resumes, and what the next checkpoint must be after. */
    public static OptionalLong last(Map<String, String> snapshots) {
        List<Kept> all = of(snapshots);
        return all.isEmpty() ? OptionalLong.empty() : OptionalLong.of(all.get(all.size() - 1).step());
    }

    /** A checkpoint the dataset keeps, with the metrics it was posted with: a point of the job's curves. */
    public record Point(long step, Map<String, Double> metrics) {
        public Point {
            metrics = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(metrics));
        }
    }

    /**
     * Each checkpoint among {@code snapshots} with its metrics ({@code com.zed:metric.<name>} on the snapshot), oldest
     * first: what a chart of loss over steps draws. A metric that is not a finite number (an operator's hand) is left out.
     *
     * @param snapshots each snapshot's name (after the {@code @}) and its {@code com.zed:*} values
     */
    public static List<Point> points(Map<String, Map<String, String>> snapshots) {
        Map<String, String> steps = new java.util.LinkedHashMap<>();
        snapshots.forEach((name, props) -> steps.put(name, props.get(Checkpoint.STEP)));
        List<Point> out = new ArrayList<>();
        for (Kept k : of(steps)) {
            Map<String, Double> metrics = new java.util.TreeMap<>();
            snapshots.get(k.snapshot()).forEach((key, value) -> {
                if (!key.startsWith(Checkpoint.METRIC)) return;
                try {
                    double v = Double.parseDouble(value);
                    if (Double.isFinite(v)) metrics.put(key.substring(Checkpoint.METRIC.length()), v);
                } catch (NumberFormatException notANumber) {
                    // not a value Zed wrote
                }
            });
            out.add(new Point(k.step(), metrics));
        }
        return out;
    }

    /** What to destroy so that the newest {@code keep} remain, oldest first. */
    public static List<String> beyond(Map<String, String> snapshots, int keep) {
        if (keep < 1) throw new IllegalArgumentException("keep is at least 1, so that a job has a checkpoint to resume from");
        List<Kept> all = of(snapshots);
        return all.subList(0, Math.max(0, all.size() - keep)).stream().map(Kept::snapshot).toList();
    }
}
