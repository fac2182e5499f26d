package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.reconciler.health.Checks.check;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import zed.config.LevelSpec.HealthCheck;
import zed.config.LevelSpec.UpdatePolicy;
import zed.reconciler.health.GateEvent.ProbeReported;
import zed.reconciler.health.GateEvent.ProcessExited;
import zed.reconciler.health.GateEvent.ProcessStarted;
import zed.reconciler.health.Verdict.Passed;

/**
 * Thousands of random histories of starts, exits and results; whenever a gate passes, the history must show what
 * "passed" promises, checked here from the events alone: the process ran all through the last min_healthy_time,
 * every check had passed before that window and reported no failure in it, and none was silent for its quiet time.
 */
class HealthGateInvariantTest {
    private static final List<String> CHECKS = List.of("http", "tcp");
    private static final Duration QUIET = Duration.ofSeconds(5); // twice the 2s interval plus the 1s timeout

    @Test
    void aPassedGateNeverHidesAFailingUnknownOrSilentCheckOrAnExit() {
        Random random = new Random(20300101);
        int passes = 0;
        for (int run = 0; run < 3000; run++) {
            UpdatePolicy update = Checks.update(random.nextInt(6), 60);
            List<HealthCheck> checks = List.of(check("http", 0, 1 + random.nextInt(2), 1 + random.nextInt(3)),
                    check("tcp", 0, 1 + random.nextInt(2), 1 + random.nextInt(3)));
            HealthGate gate = HealthGate.open(1, update, checks, FakeClock.T0);
            List<GateEvent> history = new ArrayList<>();
            Instant t = FakeClock.T0;
            boolean running = false;
            while (t.isBefore(FakeClock.T0.plusSeconds(70))) {
                t = t.plusMillis(100 + random.nextInt(random.nextInt(10) == 0 ? 7000 : 2500));
                GateEvent e;
                int roll = random.nextInt(100);
                if (!running && roll < 60) e = new ProcessStarted(t);
                else if (running && roll < 3) e = new ProcessExited(t, 1);
                else {
                    String check = CHECKS.get(random.nextInt(CHECKS.size()));
                    boolean ok = random.nextInt(100) < 85;
                    e = new ProbeReported(check, new ProbeResult(ok, ok ? "ok" : "down", t));
                }
                if (e instanceof ProcessStarted) running = true;
                if (e instanceof ProcessExited) running = false;
                history.add(e);
                gate = gate.on(e);
                if (gate.verdict(t) instanceof Passed p) {
                    assertKept(p.at(), update, history, run);
                    passes++;
                    break;
                }
            }
        }
        assertTrue(passes > 300, "enough histories pass to mean something: " + passes);
    }

    private static void assertKept(Instant passed, UpdatePolicy update, List<GateEvent> history, int run) {
        Instant windowStart = passed.minus(update.minHealthyTime());
        String where = "run " + run + ", passed at " + passed + ": " + history;
        Instant lastStart = null;
        for (GateEvent e : history) {
            if (e.at().isAfter(passed) || e.at().equals(passed) && !update.minHealthyTime().isZero()) break;
            if (e instanceof ProcessStarted) lastStart = e.at();
            if (e instanceof ProcessExited) lastStart = null;
        }
        assertTrue(lastStart != null && !lastStart.isAfter(windowStart), "the process ran all through the window; " + where);
        for (String check : CHECKS) {
            boolean passedBefore = false;
            Instant last = null;
            for (GateEvent e : history) {
                if (!(e instanceof ProbeReported r) || !r.check().equals(check) || e.at().isBefore(lastStart)) continue;
                // an event at the very instant of the pass comes after it, unless min_healthy_time is 0 and it is the pass
                if (e.at().isAfter(passed) || e.at().equals(passed) && !update.minHealthyTime().isZero()) break;
                if (!r.result().ok() && !e.at().isBefore(windowStart)) throw new AssertionError(check + " failed within the window; " + where);
                if (last != null && silentWithin(last.plus(QUIET), e.at(), windowStart, passed)) {
                    throw new AssertionError(check + " was silent within the window; " + where);
                }
                if (r.result().ok() && !e.at().isAfter(windowStart)) passedBefore = true;
                last = e.at();
            }
            assertTrue(passedBefore, check + " passed by the start of the window; " + where);
            assertTrue(last.plus(QUIET).isAfter(passed), check + " reported within its quiet time of the pass; " + where);
        }
    }

    /** Whether the silence [from, until) overlaps the window [start, end]. */
    private static boolean silentWithin(Instant from, Instant until, Instant start, Instant end) {
        Instant first = from.isAfter(start) ? from : start;
        return !first.isAfter(end) && first.isBefore(until);
    }
}
