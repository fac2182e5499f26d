package zed.reconciler.job;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One checkpoint a job asked for: its step and its metrics, as they go onto the snapshot of the job's dataset
 * ({@code <dataset>@ckpt-<step>}, with {@code com.zed:ckpt.step} and one {@code com.zed:metric.<name>} per metric).
 *
 * @param metrics name → the number as decimal text ("0.0023"), in the order the job sent them
 */
public record Checkpoint(long step, Map<String, String> metrics) {
    public static final String PREFIX = "ckpt-";
    public static final String STEP = "com.zed:ckpt.step";
    public static final String METRIC = "com.zed:metric.";
    /** How a snapshot that Zed took for a checkpoint is named: canonical decimal, so that one step has one name. */
    static final Pattern NAME = Pattern.compile(PREFIX + "(0|[1-9][0-9]{0,18})");

    public Checkpoint {
        if (step < 0) throw new IllegalArgumentException("a step is 0 or more, not " + step);
        metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    /** {@code ckpt-N}: the snapshot's name after the {@code @}. */
    public String snapshot() {
        return PREFIX + step;
    }

    /** What is set on the snapshot, in the order it is written: the step, then each metric. */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(STEP, String.valueOf(step));
        metrics.forEach((k, v) -> p.put(METRIC + k, v));
        return p;
    }
}
