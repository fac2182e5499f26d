package zed.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.eval.ChainEvaluator;

import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.config.ValidationTestSupport.SVC_HEAD;
import static zed.config.ValidationTestSupport.evaluateOne;
import static zed.config.ValidationTestSupport.render;
import static zed.config.ValidationTestSupport.src;

/**
 * Defaults that follow other values of the level, so that leaving an attribute out never makes a Zedfile invalid.
 * The refusals of values the operator wrote are rows of {@link ValidationTestSpecTest}.
 */
class ValidationTestDefaultsTest {

    private static LevelSpec resolve(Path tmp, String source) {
        ChainEvaluator.Result r = evaluateOne(tmp, source);
        assertTrue(r.ok(), () -> "expected no errors, got:\n" + render(r.errors()) + "\nfor:\n" + source);
        return r.leaf();
    }

    private static LevelSpec.HealthCheck healthEvery(Path tmp, String interval) {
        LevelSpec l = resolve(tmp, src(SVC_HEAD[0], SVC_HEAD[1],
                "  health 'tcp' {",
                "    port     = 80",
                "    interval = '" + interval + "'",
                "  }",
                "}"));
        return l.service("exec", "a").health().get(0);
    }

    @Test
    void auto_revert_is_on_when_a_snapshot_is_taken_before_each_deploy(@TempDir Path tmp) {
        assertTrue(resolve(tmp, src("snapshots { keep = 3 }")).update().autoRevert());
    }

    @Test
    void auto_revert_is_off_without_snapshots_before_deploys(@TempDir Path tmp) {
        // nothing to revert to: the level is valid and a failed deploy stays as it is
        assertFalse(resolve(tmp, src("snapshots { before_deploy = false }")).update().autoRevert());
    }

    @Test
    void a_health_check_faster_than_a_second_times_out_after_its_interval(@TempDir Path tmp) {
        assertEquals(Duration.ofMillis(500), healthEvery(tmp, "500ms").timeout());
    }

    @Test
    void a_slower_health_check_times_out_after_a_second(@TempDir Path tmp) {
        assertEquals(Duration.ofSeconds(1), healthEvery(tmp, "5s").timeout());
    }
}
