package zed.config;

import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import zed.config.fuzz.Deadline;
import zed.config.fuzz.Regressions;
import zed.config.fuzz.ZedChain;
import zed.config.fuzz.ZedfileOracle;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every Zedfile input that ever failed the fuzzer (config/src/test/resources/fuzz-regressions) keeps the oracle's promises now. */
class FuzzRegressionsTest {
    @TestFactory
    List<DynamicTest> everyInputThatEverFailedNowPasses() {
        // found even while nothing is kept yet: a wrong directory would replay nothing and pass
        assertTrue(Files.isRegularFile(Regressions.dir().resolve("README.md")), "no regression corpus at " + Regressions.dir().toAbsolutePath());
        Map<String, ZedChain> kept = Regressions.load(Regressions.dir());
        Deadline deadline = new Deadline(Duration.ofSeconds(10));
        return kept.entrySet().stream().map(e -> DynamicTest.dynamicTest(e.getKey(), () -> {
            ZedfileOracle.Verdict v = ZedfileOracle.check(e.getValue(), deadline);
            assertTrue(v.passed(), () -> e.getKey() + ":\n" + String.join("\n", v.faults()) + e.getValue());
        })).toList();
    }
}
