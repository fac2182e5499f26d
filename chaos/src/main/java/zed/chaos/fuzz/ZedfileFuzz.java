package zed.chaos.fuzz;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.RandomGenerator;
import net.jqwik.api.Shrinkable;
import zed.config.fuzz.Corpus;
import zed.config.fuzz.Deadline;
import zed.config.fuzz.Mutations;
import zed.config.fuzz.Regressions;
import zed.config.fuzz.ZedChain;
import zed.config.fuzz.ZedfileGen;
import zed.config.fuzz.ZedfileOracle;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Zedfile half of scenario 5 at full count: generated chains (clean ones, and wild ones with a person's
 * mistakes) and mutants of the corpus and of generated chains, each through {@link ZedfileOracle} within a deadline.
 * A failing input is shrunk and kept in {@link Regressions}, whose test replays it on every build.
 */
final class ZedfileFuzz {
    static final Duration DEADLINE = Duration.ofSeconds(10);

    /** @param failures each starts with "generated" or "mutated" */
    record Result(long runs, long clean, long wild, long mutated, long valid, List<String> failures, Duration took) {
    }

    /** An input and where it came from: "generated" or "mutated". */
    private record Drawn(String origin, ZedChain chain) {
    }

    private final Path kept;
    private final AtomicLong valid = new AtomicLong();
    private long clean, wild, mutated;
    private final List<String> failures = new ArrayList<>();
    /** Each worker waits for its own inputs. */
    private final ThreadLocal<Deadline> deadlines = ThreadLocal.withInitial(() -> new Deadline(DEADLINE));

    ZedfileFuzz(Path kept) {
        this.kept = kept;
    }

    Result run(long count, long seed, int threads) throws InterruptedException {
        long start = System.nanoTime();
        Random random = new Random(seed);
        RandomGenerator<ZedChain> cleanGen = ZedfileGen.chains(false).generator(1000);
        RandomGenerator<ZedChain> wildGen = ZedfileGen.chains(true).generator(1000);
        RandomGenerator<ZedChain> mutantGen = Mutations.of(Arbitraries.oneOf(Corpus.seeds(), ZedfileGen.chains()), 8).generator(1000);
        FuzzLoop.run(count, threads, "zedfiles", () -> {
            int kind = random.nextInt(10);
            if (kind < 3) {
                clean++;
                return cleanGen.next(random).map(c -> new Drawn("generated", c));
            }
            if (kind < 5) {
                wild++;
                return wildGen.next(random).map(c -> new Drawn("generated", c));
            }
            mutated++;
            return mutantGen.next(random).map(c -> new Drawn("mutated", c));
        }, this::check, this::failed);
        return new Result(clean + wild + mutated, clean, wild, mutated, valid.get(), List.copyOf(failures), Duration.ofNanos(System.nanoTime() - start));
    }

    private List<String> check(Drawn d) {
        ZedfileOracle.Verdict v = ZedfileOracle.check(d.chain(), deadlines.get());
        if (v.valid()) valid.incrementAndGet();
        return v.faults();
    }

    private void failed(Shrinkable<Drawn> input, List<String> faults) {
        String kind = faults.get(0).substring(0, Math.min(40, faults.get(0).length()));
        Deadline deadline = deadlines.get();
        java.util.function.Predicate<ZedChain> same = c -> {
            ZedfileOracle.Verdict again = ZedfileOracle.check(c, deadline);
            return !again.passed() && again.faults().get(0).startsWith(kind);
        };
        ZedChain small = Shrinking.lines(Shrinking.shrink(input, d -> same.test(d.chain()), Duration.ofMinutes(2)).chain(), same, Duration.ofMinutes(1));
        Path p = Regressions.save(kept, small);
        String f = String.join("\n", ZedfileOracle.check(small, deadline).faults());
        failures.add(input.value().origin() + " " + p.getFileName() + ": " + (f.isEmpty() ? String.join("\n", faults) : f));
        System.err.println("FAILED, kept as " + p + ":\n" + f + small);
    }
}
