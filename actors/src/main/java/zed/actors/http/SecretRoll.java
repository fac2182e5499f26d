package zed.actors.http;

import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import zed.actors.level.LevelCommand;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The rolling restart of a rotated slot's consumers: one at a time, in the record's order, each through its level
 * ({@link LevelCommand.RestartConsumer}), the next only once the one before passed its health gate. The first that
 * fails stops the roll: it is named, and those after it are left running on the old value ({@code not-restarted}), for
 * the operator to look at before more of them read the new one. A consumer its level no longer runs is {@code gone}:
 * no failure, it reads the value when it starts, if it ever does.
 */
final class SecretRoll {
    /** What became of one consumer: {@code restarted}, {@code failed}, {@code gone} or {@code not-restarted}. */
    record Step(String consumer, String outcome, String why) {
    }

    /** Restarts one consumer ({@code level/kind/name}) and answers when its gate decided. */
    @FunctionalInterface
    interface Restarter {
        CompletionStage<LevelCommand.ConsumerRestarted> restart(String level, String consumer, String slot);
    }

    private final Restarter restarter;

    SecretRoll(Restarter restarter) {
        this.restarter = restarter;
    }

    /** Through the levels' entities, each answer awaited up to {@code each}. */
    SecretRoll(Function<String, EntityRef<LevelCommand>> levels, Duration each) {
        this((level, consumer, slot) -> levels.apply(level).ask(reply -> new LevelCommand.RestartConsumer(consumer, slot, reply), each));
    }

    CompletionStage<List<Step>> run(zed.reconciler.secret.Slot slot, List<String> consumers) {
        List<Step> steps = new ArrayList<>();
        CompletionStage<Boolean> chain = CompletableFuture.completedFuture(true);
        for (String c : consumers) {
            chain = chain.thenCompose(goOn -> {
                if (!goOn) {
                    steps.add(new Step(c, "not-restarted", "the roll stopped at an earlier consumer"));
                    return CompletableFuture.completedFuture(false);
                }
                Consumer parsed = Consumer.parse(c);
                if (parsed == null) {
                    steps.add(new Step(c, "gone", "not a consumer's name (level/kind/name)"));
                    return CompletableFuture.completedFuture(true);
                }
                return restarter.restart(parsed.level(), parsed.resource(), slot.name()).handle((r, e) -> {
                    if (e != null) {
                        steps.add(new Step(c, "failed", "its level did not answer: " + (e.getCause() != null ? e.getCause() : e).getMessage()));
                        return false;
                    }
                    if (r.gone()) {
                        steps.add(new Step(c, "gone", r.why()));
                        return true;
                    }
                    steps.add(new Step(c, r.healthy() ? "restarted" : "failed", r.why()));
                    return r.healthy();
                });
            });
        }
        return chain.thenApply(x -> steps);
    }

    /** A consumer's name: {@code level/kind/name}, the level's id itself made of names joined by '/'. */
    record Consumer(String level, String resource) {
        static Consumer parse(String c) {
            int last = c.lastIndexOf('/');
            int kind = last <= 0 ? -1 : c.lastIndexOf('/', last - 1);
            if (kind <= 0 || last == c.length() - 1) return null;
            String level = c.substring(0, kind);
            return LevelPath.valid(level) ? new Consumer(level, c.substring(kind + 1)) : null;
        }
    }
}
