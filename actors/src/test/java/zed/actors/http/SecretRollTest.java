package zed.actors.http;

import org.junit.jupiter.api.Test;
import zed.actors.level.LevelCommand;
import zed.reconciler.secret.Slot;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** The roll's order and where it stops, against answers made up here (the levels' side is the canary test's). */
class SecretRollTest {
    final List<String> asked = new ArrayList<>();

    SecretRoll roll(Map<String, LevelCommand.ConsumerRestarted> answers) {
        return new SecretRoll((level, consumer, slot) -> {
            asked.add(level + " " + consumer + " " + slot);
            return CompletableFuture.completedFuture(answers.get(level + "/" + consumer));
        });
    }

    @Test
    void oneAtATimeUntilTheFirstThatFailsThoseAfterItLeftAlone() {
        var ok = new LevelCommand.ConsumerRestarted("service.exec.a", true, false, null);
        var bad = new LevelCommand.ConsumerRestarted("service.exec.b", false, false, "not healthy within healthy_deadline");
        var gone = new LevelCommand.ConsumerRestarted("job.t", false, true, "level shop/eu does not run it now");
        List<SecretRoll.Step> steps = roll(Map.of("shop/eu/job/t", gone, "shop/exec/a", ok, "shop/exec/b", bad)).run(new Slot("db"),
                List.of("shop/eu/job/t", "shop/exec/a", "shop/exec/b", "shop/exec/c")).toCompletableFuture().join();
        assertEquals(List.of("shop/eu job/t db", "shop exec/a db", "shop exec/b db"), asked, "c is never asked");
        assertEquals(List.of("gone", "restarted", "failed", "not-restarted"), steps.stream().map(SecretRoll.Step::outcome).toList());
        assertEquals("not healthy within healthy_deadline", steps.get(2).why());
    }

    @Test
    void aConsumerNameIsLevelKindName() {
        assertEquals(new SecretRoll.Consumer("shop/eu", "exec/web"), SecretRoll.Consumer.parse("shop/eu/exec/web"));
        assertEquals(new SecretRoll.Consumer("shop", "job/train"), SecretRoll.Consumer.parse("shop/job/train"));
        assertNull(SecretRoll.Consumer.parse("exec/web"));
        assertNull(SecretRoll.Consumer.parse("shop/exec/"));
    }
}
