package zed.config;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.PropagationMode;
import zed.config.fuzz.Corpus;
import zed.config.fuzz.Deadline;
import zed.config.fuzz.KeepFailures;
import zed.config.fuzz.Mutations;
import zed.config.fuzz.ZedChain;
import zed.config.fuzz.ZedfileGen;
import zed.config.fuzz.ZedfileOracle;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Scenario 5 of the chaos suite, at a CI count (scripts/chaos.sh fuzz runs a million): generated and mutated
 * Zedfiles, alone and in chains of up to three levels, keep {@link ZedfileOracle}'s promises: positioned errors
 * only, no other exception, no hang, and a valid chain round-trips through SpecJson. A failure is shrunk by jqwik and
 * kept in fuzz-regressions ({@link KeepFailures}), which {@link FuzzRegressionsTest} replays.
 */
@AddLifecycleHook(value = KeepFailures.class, propagateTo = PropagationMode.ALL_DESCENDANTS)
class ZedfileFuzzTest {
    private static final Deadline DEADLINE = new Deadline(Duration.ofSeconds(10));

    @Provide
    Arbitrary<ZedChain> generated() {
        return ZedfileGen.chains();
    }

    @Provide
    Arbitrary<ZedChain> mutants() {
        return Mutations.of(Arbitraries.oneOf(Corpus.seeds(), ZedfileGen.chains()), 8);
    }

    private static void holds(ZedChain chain, String kind) {
        ZedfileOracle.Verdict v = ZedfileOracle.check(chain, DEADLINE);
        Statistics.label(kind).collect(v.valid() ? "valid" : "refused");
        assertTrue(v.passed(), () -> String.join("\n", v.faults()));
    }

    @Property(tries = 500)
    void generatedZedfilesGiveSpecsOrPositionedErrors(@ForAll("generated") ZedChain chain) {
        holds(chain, "generated");
        // the generator writes mostly what evaluates, or the round trip through SpecJson would go untested
        Statistics.label("generated").coverage(c -> c.check("valid").percentage(p -> p > 25));
    }

    @Property(tries = 500)
    void mutatedZedfilesGiveSpecsOrPositionedErrors(@ForAll("mutants") ZedChain chain) {
        holds(chain, "mutated");
    }
}
