package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static zed.reconciler.health.Checks.check;
import static zed.reconciler.health.Checks.update;
import static zed.reconciler.health.FakeClock.t;
import static zed.reconciler.health.GateDriver.gate;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;
import zed.reconciler.health.Verdict.Pending;

/** healthy_deadline, checks gone quiet, and the instants at which the answer changes without input. */
class HealthGateDeadlineTest {
    @Test
    void theDeadlineFailsTheGateWithNoEventAtAll() {
        GateDriver d = gate(check("http"));
        assertEquals(new Pending("waiting for the process to start"), d.at(119.999).verdict());
        assertEquals(new Failed("not healthy within healthy_deadline 2m: waiting for the process to start", t(120)), d.at(120).verdict());
        assertEquals(new Failed("not healthy within healthy_deadline 2m: waiting for the process to start", t(120)), d.at(3600).verdict());
    }

    @Test
    void theDeadlineFailsTheGateWhenProbesStopArriving() {
        GateDriver d = gate(check("http")).start();
        d.at(1).fail("http", "connection refused").at(2).fail("http", "connection refused").at(3).fail("http", "connection refused");
        assertEquals(new Failed("not healthy within healthy_deadline 2m: http failing: connection refused", t(120)), d.at(120).verdict());
    }

    @Test
    void theDeadlineCountsFromTheGatesOpeningNotTheProcessStart() {
        GateDriver d = gate(check("http"));
        d.at(118).start().at(118.5).pass("http");
        assertEquals(new Failed("not healthy within healthy_deadline 2m: healthy for 1s of 5s", t(120)), d.at(120).verdict());
    }

    @Test
    void passingExactlyAtTheDeadlinePasses() {
        GateDriver d = gate(update(5, 10), check("http")).start();
        d.at(5).pass("http").at(7).pass("http").at(9).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(9.999).verdict());
        assertEquals(new Passed(t(10)), d.at(10).verdict());
    }

    @Test
    void anEventDatedBeforeTheLatestCountsAsHappeningAtTheLatest() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http").at(3).pass("http");
        // a failure dated 2s arrives after the pass of 3s: it stops the count as if it came at 3s
        d.on(new GateEvent.ProbeReported("http", ProbeResult.failed("HTTP 503, expected 200", t(2))));
        assertEquals(new Pending("http failed 1 of 3 times in a row: HTTP 503, expected 200 (healthy time starts again at its next pass)"),
                d.at(4).verdict());
        d.at(5).pass("http").at(7).pass("http").at(9).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(9.999).verdict());
        assertEquals(new Passed(t(10)), d.at(10).verdict());
    }

    @Test
    void oneMillisecondShortOfTheDeadlineFails() {
        GateDriver d = gate(update(5, 10), check("http")).start();
        d.at(5.001).pass("http").at(7).pass("http").at(9).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(9.999).verdict());
        assertEquals(new Failed("not healthy within healthy_deadline 10s: healthy for 4s of 5s", t(10)), d.at(10).verdict());
        assertEquals(new Failed("not healthy within healthy_deadline 10s: healthy for 4s of 5s", t(10)), d.at(10.001).verdict());
    }

    @Test
    void anEventAtTheDeadlineComesTooLate() {
        GateDriver d = gate(update(0, 10), check("http")).start();
        assertEquals(new Passed(t(9.999)), gate(update(0, 10), check("http")).start().at(9.999).pass("http").verdict());
        d.at(10).pass("http");
        assertEquals(new Failed("not healthy within healthy_deadline 10s: waiting for http to pass", t(10)), d.verdict());
    }

    @Test
    void withNoMinHealthyTimeTheFirstPassPassesTheGate() {
        GateDriver d = gate(update(0, 10), check("http")).start();
        assertEquals(new Passed(t(2)), d.at(2).pass("http").verdict());
    }

    @Test
    void aCheckThatGoesQuietIsNoLongerKnownToPass() {
        // interval 2s, timeout 1s: the last result counts for 5s
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(5.999).verdict());
        // min_healthy_time would be reached at 6s, exactly when the only pass stops counting: not passed
        assertEquals(new Pending("no result from http for 5s"), d.at(6).verdict());
        assertEquals(new Failed("not healthy within healthy_deadline 2m: no result from http for 1m59s"
                + " (healthy time started over 1 time, last: no result from http for 5s)", t(120)), d.at(120).verdict());
    }

    @Test
    void aResultAfterASilenceStartsTheCheckOver() {
        GateDriver d = gate(check("http", 0, 2, 3)).start();
        d.at(1).pass("http").at(3).pass("http"); // passing from 3s, quiet from 8s, when it would have passed
        d.at(20).pass("http");
        assertEquals(new Pending("http passed 1 of 2 times in a row"), d.verdict());
        d.at(22).pass("http");
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
    }

    @Test
    void theNextChangeIsThePassWhileHealthyTimeRunsAndTheDeadlineOtherwise() {
        GateDriver d = gate(check("http"));
        assertEquals(Optional.of(t(120)), d.next());
        d.start().at(1).pass("http");
        assertEquals(Optional.of(t(120)), d.next()); // the pass would be at 6s, but the result of 1s goes quiet then
        d.at(3).pass("http");
        assertEquals(Optional.of(t(6)), d.at(4).next());
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(5.999).verdict());
        assertEquals(new Passed(t(6)), d.at(6).verdict());
    }

    @Test
    void theNextChangeIsTheDeadlineWhenAQuietCheckWouldStopTheCountFirst() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http");
        assertEquals(Optional.of(t(120)), d.at(2).next());
    }

    @Test
    void thereIsNoNextChangeOnceTheGateFailed() {
        GateDriver d = gate(check("http"));
        assertEquals(Optional.empty(), d.at(120).next());
    }

    @Test
    void aSupervisorThatSleepsUntilTheNextChangeSeesTheAnswerTheMomentItIsDecided() {
        for (boolean healthy : List.of(true, false)) {
            GateDriver d = gate(check("http")).start();
            double probe = 1;
            while (true) {
                Instant timer = d.next().orElseThrow();
                assertTrue(timer.isAfter(d.clock.now()), "a timer in the future");
                if (timer.isBefore(t(probe))) {
                    assertInstanceOf(Pending.class, d.gate.verdict(timer.minusMillis(1)));
                    d.clock.at(Duration.between(FakeClock.T0, timer).toMillis() / 1000.0);
                    break;
                }
                d.at(probe);
                if (healthy) d.pass("http"); else d.fail("http", "exit 1");
                probe += 2;
            }
            assertEquals(healthy ? new Passed(t(6)) : new Failed("not healthy within healthy_deadline 2m: http failing: exit 1", t(120)),
                    d.verdict());
        }
    }
}
