package zed.config.eval;

import org.junit.jupiter.api.Test;
import zed.config.ZedfileException;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rollout a multi-host level's Zedfile declares, read before it is evaluated: pure, milliseconds. */
class DeclaredRolloutTest {
    @Test
    void withoutAnUpdateBlockTheRolloutIsCoordinatedOneHostAtATimeWithoutCanaries() {
        assertEquals(DeclaredRollout.DEFAULT, DeclaredRollout.of("Zedfile", "level \"web\" {\n  hosts = [\"h1\", \"h2\"]\n}\n"));
    }

    @Test
    void everySettingIsRead() {
        DeclaredRollout r = DeclaredRollout.of("Zedfile", """
                level "web" {
                  hosts = ["h1", "h2", "h3"]
                }
                update {
                  strategy          = "rolling"
                  max_parallel      = 2
                  canary            = 1
                  auto_promote      = true
                  auto_revert       = false
                  progress_deadline = "5m"
                }
                """);
        assertEquals(new DeclaredRollout("rolling", 2, 1, true, false, Duration.ofMinutes(5)), r);
    }

    @Test
    void autoRevertFollowsSnapshotsBeforeDeployAsTheEvaluationDoes() {
        assertEquals(false, DeclaredRollout.of("Zedfile", "snapshots {\n  before_deploy = false\n}\n").autoRevert());
    }

    @Test
    void anExpressionIsRefusedAtItsPlace() {
        ZedfileException e = assertThrows(ZedfileException.class, () -> DeclaredRollout.of("Zedfile", "update {\n  canary = 1 + 1\n}\n"));
        assertEquals(2, e.diagnostics().get(0).pos().line());
        assertTrue(e.diagnostics().get(0).message().startsWith("update.canary must be a plain value"), e.getMessage());
    }

    @Test
    void aFileThatDoesNotParseHasTheDefaultsItsEvaluationReportsItsErrors() {
        assertEquals(DeclaredRollout.DEFAULT, DeclaredRollout.of("Zedfile", "update {"));
    }
}
