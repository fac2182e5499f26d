package zed.reconciler.job;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a job POSTs to ZED_CHECKPOINT_URL, read into the snapshot and properties Zed writes, or rejected with why. */
class CheckpointPostTest {

    static Checkpoint accepted(String body, OptionalLong last) {
        return assertInstanceOf(CheckpointPost.Accepted.class, CheckpointPost.read(body, last)).checkpoint();
    }

    @Test
    void a_step_and_its_metrics_become_the_snapshot_ckpt_n_and_its_properties_in_the_order_sent() {
        Checkpoint c = accepted("{\"step\": 1200, \"metrics\": {\"loss\": 0.0023, \"val.acc\": 0.91, \"epoch\": 3, \"lr\": 1e-9}}", OptionalLong.of(1100));
        assertEquals("ckpt-1200", c.snapshot());
        Map<String, String> want = new LinkedHashMap<>();
        want.put("com.zed:ckpt.step", "1200");
        want.put("com.zed:metric.loss", "0.0023");
        want.put("com.zed:metric.val.acc", "0.91");
        want.put("com.zed:metric.epoch", "3");
        want.put("com.zed:metric.lr", "1E-9");
        assertEquals(want, c.properties());
        assertEquals(List.copyOf(want.keySet()), List.copyOf(c.properties().keySet()), "in the order sent");
    }

    @Test
    void the_first_checkpoint_may_be_step_0_and_metrics_may_be_left_out() {
        assertEquals(new Checkpoint(0, Map.of()), accepted("{\"step\": 0}", OptionalLong.empty()));
        assertEquals(new Checkpoint(7, Map.of()), accepted("{\"metrics\": null, \"step\": 7}", OptionalLong.empty()));
        assertEquals(new Checkpoint(8, Map.of()), accepted("{\"step\": 8, \"metrics\": {}}", OptionalLong.of(7)));
    }

    @Test
    void a_metric_name_is_as_long_as_a_zfs_user_property_allows() {
        String longest = "m".repeat(255 - "com.zed:metric.".length());
        assertEquals(255, accepted("{\"step\": 1, \"metrics\": {\"" + longest + "\": 1}}", OptionalLong.empty()).properties().keySet().stream()
                .filter(k -> k.startsWith("com.zed:metric.")).findFirst().orElseThrow().length());
        assertInstanceOf(CheckpointPost.Rejected.class, CheckpointPost.read("{\"step\": 1, \"metrics\": {\"" + longest + "m\": 1}}", OptionalLong.empty()));
    }

    static Stream<Arguments> rejected() {
        String many = "{\"step\": 1, \"metrics\": {" + String.join(",", java.util.stream.IntStream.range(0, 101).mapToObj(i -> "\"m" + i + "\": 1").toList()) + "}}";
        return Stream.of(
                Arguments.of("{\"step\": 100}", 100L, "step 100 is not after the last checkpoint's, 100: a step grows with each checkpoint"),
                Arguments.of("{\"step\": 99}", 100L, "step 99 is not after the last checkpoint's, 100"),
                Arguments.of("step=3", null, "not JSON: "),
                Arguments.of("", null, "send an object: {\"step\": N, \"metrics\": {\"loss\": 0.0023}}"),
                Arguments.of("[1]", null, "send an object"),
                Arguments.of("{\"step\": 1} {\"step\": 2}", null, "not JSON: more follows the object"),
                Arguments.of("{\"step\": 1, \"step\": 2}", null, "not JSON: Duplicate field 'step'"),
                Arguments.of("{\"step\": 1, \"loss\": 0.1}", null, "unknown field \"loss\": a checkpoint has step and metrics"),
                Arguments.of("{\"metrics\": {\"loss\": 0.1}}", null, "step is missing"),
                Arguments.of("{\"step\": -1}", null, "step must be a whole number of 0 or more, not -1"),
                Arguments.of("{\"step\": 1.5}", null, "step must be a whole number of 0 or more, not 1.5"),
                Arguments.of("{\"step\": \"3\"}", null, "step must be a whole number of 0 or more, not \"3\""),
                Arguments.of("{\"step\": 100000000000000000000}", null, "step must be a whole number of 0 or more, not 100000000000000000000"),
                Arguments.of("{\"step\": 1, \"metrics\": [0.1]}", null, "metrics must be an object of numbers, e.g. {\"loss\": 0.0023}, not array"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"Loss\": 0.1}}", null, "metric \"Loss\": a name is lowercase letters, digits and : . _ -"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"val loss\": 0.1}}", null, "metric \"val loss\": a name is lowercase"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"\": 0.1}}", null, "metric \"\": a name is lowercase"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"loss\": \"0.1\"}}", null, "metric \"loss\" must be a number, not \"0.1\""),
                Arguments.of("{\"step\": 1, \"metrics\": {\"loss\": true}}", null, "metric \"loss\" must be a number, not true"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"loss\": null}}", null, "metric \"loss\" must be a number, not null"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"loss\": NaN}}", null, "not JSON: NaN and Infinity are not numbers JSON has; a metric is a finite number"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"loss\": 1e400}}", null, "metric \"loss\" is too large to be a number a job can compare"),
                Arguments.of(many, null, "at most 100 metrics, not 101"),
                Arguments.of("{\"step\": 1, \"metrics\": {\"pad\": \"" + "x".repeat(64 * 1024) + "\"}}", null, "the body is longer than 65536 bytes"));
    }

    @ParameterizedTest(name = "{2}")
    @MethodSource("rejected")
    void what_is_wrong_with_a_body_is_said(String body, Long last, String why) {
        CheckpointPost.Rejected r = assertInstanceOf(CheckpointPost.Rejected.class,
                CheckpointPost.read(body, last == null ? OptionalLong.empty() : OptionalLong.of(last)), body);
        assertTrue(r.why().startsWith(why), () -> "expected: " + why + "...\nbut was:  " + r.why());
    }
}
