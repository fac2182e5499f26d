package zed.reconciler.job;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * The body a job POSTs to {@code ZED_CHECKPOINT_URL}: {@code {"step": N, "metrics": {"loss": 0.0023}}}, read into a
 * {@link Checkpoint} or rejected with what is wrong (the endpoint answers it as a 400). Nothing in it is ignored: an
 * unknown field is rejected, so that a typo never drops a metric silently. Pure: no I/O.
 */
public sealed interface CheckpointPost {
    record Accepted(Checkpoint checkpoint) implements CheckpointPost {
    }

    record Rejected(String why) implements CheckpointPost {
    }

    /** A whole body; the endpoint refuses a longer one before reading it. */
    int MAX_BYTES = 64 * 1024;
    /** Each metric is a property set with the snapshot, in one command. */
    int MAX_METRICS = 100;

    /**
     * A ZFS user property is lowercase letters, digits and {@code : . _ -}, shorter than 256 characters
     * ({@code zfs_prop_user}); a metric's name is what follows {@code com.zed:metric.}.
     */
    Pattern METRIC_NAME = Pattern.compile("[a-z0-9:._-]{1," + (255 - Checkpoint.METRIC.length()) + "}");

    ObjectMapper JSON = JsonMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();

    /**
     * @param last the step of the job's newest checkpoint, if it has one: a new one must be after it
     */
    static CheckpointPost read(String body, OptionalLong last) {
        if (body.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) return new Rejected("the body is longer than " + MAX_BYTES + " bytes");
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (JsonProcessingException e) {
            String m = e.getOriginalMessage();
            // Jackson's own words name its settings; say what the job sent instead
            if (m.startsWith("Non-standard token")) return new Rejected("not JSON: NaN and Infinity are not numbers JSON has; a metric is a finite number");
            if (m.startsWith("Trailing token")) m = "more follows the object";
            return new Rejected("not JSON: " + m + "; send {\"step\": N, \"metrics\": {\"loss\": 0.0023}}");
        }
        if (root == null || !root.isObject()) return new Rejected("send an object: {\"step\": N, \"metrics\": {\"loss\": 0.0023}}");
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("step") && !f.equals("metrics")) return new Rejected("unknown field \"" + f + "\": a checkpoint has step and metrics");
        }
        JsonNode step = root.get("step");
        if (step == null) return new Rejected("step is missing: the job's progress, a whole number that grows with each checkpoint");
        if (!step.isIntegralNumber() || !step.canConvertToLong() || step.longValue() < 0) {
            return new Rejected("step must be a whole number of 0 or more, not " + step);
        }
        long n = step.longValue();
        if (last.isPresent() && n <= last.getAsLong()) {
            return new Rejected("step " + n + " is not after the last checkpoint's, " + last.getAsLong() + ": a step grows with each checkpoint");
        }
        Map<String, String> metrics = new LinkedHashMap<>();
        JsonNode m = root.get("metrics");
        if (m != null && !m.isNull()) {
            if (!m.isObject()) return new Rejected("metrics must be an object of numbers, e.g. {\"loss\": 0.0023}, not " + m.getNodeType().name().toLowerCase());
            if (m.size() > MAX_METRICS) return new Rejected("at most " + MAX_METRICS + " metrics, not " + m.size());
            for (Iterator<Map.Entry<String, JsonNode>> it = m.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                if (!METRIC_NAME.matcher(name).matches()) {
                    return new Rejected("metric \"" + name + "\": a name is lowercase letters, digits and : . _ - (it becomes the ZFS property "
                            + Checkpoint.METRIC + "<name>), at most " + (255 - Checkpoint.METRIC.length()) + " characters");
                }
                JsonNode v = e.getValue();
                if (!v.isNumber()) return new Rejected("metric \"" + name + "\" must be a number, not " + v);
                BigDecimal d = v.decimalValue();
                if (!Double.isFinite(d.doubleValue())) return new Rejected("metric \"" + name + "\" is too large to be a number a job can compare: " + v);
                metrics.put(name, d.toString());
            }
        }
        return new Accepted(new Checkpoint(n, metrics));
    }
}
