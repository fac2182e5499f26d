package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static zed.reconciler.health.Checks.check;
import static zed.reconciler.health.FakeClock.t;
import static zed.reconciler.health.GateDriver.gate;

import java.util.List;
import org.junit.jupiter.api.Test;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;
import zed.reconciler.health.Verdict.Pending;

/** How probe results move a revision's gate: thresholds, initial_delay, several checks, healthy time. */
class HealthGateChecksTest {
    private static final String DOWN = "HTTP 503, expected 200";

    @Test
    void aGateWaitsForItsProcessFirst() {
        GateDriver d = gate(check("http"));
        assertEquals(new Pending("waiting for the process to start"), d.verdict());
        assertEquals(new Pending("waiting for the process to start"), d.at(1).pass("http").verdict());
    }

    @Test
    void aCheckThatKeepsPassingPassesTheGateMinHealthyTimeAfterItsFirstPass() {
        GateDriver d = gate(check("http")).start();
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
        d.at(1).pass("http");
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
        d.at(3).pass("http").at(5).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(5.999).verdict());
        assertEquals(new Passed(t(6)), d.at(6).verdict());
    }

    @Test
    void resultsBeforeInitialDelayAreIgnoredEvenFailures() {
        GateDriver d = gate(check("http", 10, 1, 1)).start();
        d.at(2).pass("http").at(4).fail("http", DOWN).at(9.999).pass("http");
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
        d.at(10).pass("http"); // exactly initial_delay after the start counts
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
        assertEquals(new Passed(t(15)), d.at(12).pass("http").at(14).pass("http").at(15).verdict());
    }

    @Test
    void initialDelayCountsFromEveryStartOfTheProcess() {
        GateDriver d = gate(check("http", 10, 1, 3)).start();
        d.at(3).exit(1).at(4).start();
        d.at(12).pass("http"); // 12s after the first start, 8s after this one
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
        d.at(14).pass("http");
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
    }

    @Test
    void successThresholdMinusOnePassesDoNotMakeACheckPassing() {
        GateDriver d = gate(check("http", 0, 3, 3)).start();
        d.at(1).pass("http").at(3).pass("http");
        assertEquals(new Pending("http passed 2 of 3 times in a row"), d.at(4).verdict());
        d.at(5).pass("http"); // the third in a row
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
        d.at(7).pass("http").at(9).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(9.999).verdict());
        assertEquals(new Passed(t(10)), d.at(10).verdict());
    }

    @Test
    void aFailureBreaksARunOfPassesBelowSuccessThreshold() {
        GateDriver d = gate(check("http", 0, 2, 3)).start();
        d.at(1).pass("http").at(2).fail("http", DOWN).at(3).pass("http");
        assertEquals(new Pending("http passed 1 of 2 times in a row"), d.verdict());
        d.at(4).pass("http");
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
    }

    @Test
    void failureThresholdMinusOneFailuresDoNotFailAnUnknownCheck() {
        GateDriver d = gate(check("http", 0, 1, 3)).start();
        d.at(1).fail("http", DOWN).at(3).fail("http", DOWN);
        assertEquals(new Pending("http failed 2 of 3 times in a row: " + DOWN), d.verdict());
        d.at(5).fail("http", DOWN);
        assertEquals(new Pending("http failing: " + DOWN), d.verdict());
    }

    @Test
    void aPassingCheckFailsOnlyAtFailureThresholdButItsHealthyTimeStopsAtTheFirstFailure() {
        GateDriver d = gate(check("http", 0, 1, 3)).start();
        d.at(1).pass("http").at(2).fail("http", DOWN).at(3).fail("http", DOWN);
        assertEquals(new Pending("http failed 2 of 3 times in a row: " + DOWN + " (healthy time starts again at its next pass)"), d.verdict());
        assertEquals(new Pending("http failed 2 of 3 times in a row: " + DOWN + " (healthy time starts again at its next pass)"), d.at(6).verdict());
        d.at(6).fail("http", "connection refused");
        assertEquals(new Pending("http failing: connection refused"), d.verdict());
    }

    @Test
    void aFailingCheckNeedsSuccessThresholdPassesToPassAgain() {
        GateDriver d = gate(check("http", 0, 2, 1)).start();
        d.at(1).fail("http", DOWN).at(2).pass("http");
        assertEquals(new Pending("http passed 1 of 2 times in a row"), d.verdict());
        d.at(3).pass("http");
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
        assertEquals(new Passed(t(8)), d.at(5).pass("http").at(7).pass("http").at(8).verdict());
    }

    @Test
    void passThenFailThenPassStartsMinHealthyTimeOver() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http").at(3).pass("http").at(4).fail("http", DOWN);
        assertEquals(new Pending("http failed 1 of 3 times in a row: " + DOWN + " (healthy time starts again at its next pass)"), d.at(5).verdict());
        d.at(5).pass("http").at(7).pass("http").at(9).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(9.999).verdict());
        assertEquals(new Passed(t(10)), d.at(10).verdict());
    }

    @Test
    void aFlappingCheckNeverPassesAndTheDeadlineSaysWhy() {
        GateDriver d = gate(check("http")).start(); // failure_threshold 3: the check itself never fails
        for (int s = 1; s < 120; s += 2) {
            if (s % 4 == 1) d.at(s).pass("http");
            else d.at(s).fail("http", DOWN);
            assertInstanceOf(Pending.class, d.verdict(), "at " + s + "s");
        }
        assertEquals(new Failed("not healthy within healthy_deadline 2m: http failed 1 of 3 times in a row: " + DOWN
                + " (healthy time starts again at its next pass) (healthy time started over 30 times, last: http: " + DOWN + ")", t(120)),
                d.at(120).verdict());
    }

    @Test
    void everyCheckMustPassAndHealthyTimeStartsWhenTheLastOneDoes() {
        GateDriver d = gate(check("http"), check("tcp"), check("exec")).start();
        assertEquals(new Pending("waiting for http to pass; waiting for tcp to pass; waiting for exec to pass"), d.verdict());
        d.at(1).pass("http").at(1.5).pass("tcp");
        assertEquals(new Pending("waiting for exec to pass"), d.verdict());
        d.at(3).pass("http").at(3.5).pass("tcp").at(4).pass("exec");
        assertEquals(new Pending("healthy for 0s of 5s"), d.verdict());
        d.at(5).pass("http").at(5.5).pass("tcp").at(6).pass("exec").at(7).pass("http").at(7.5).pass("tcp").at(8).pass("exec");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(8.999).verdict());
        assertEquals(new Passed(t(9)), d.at(9).verdict());
    }

    @Test
    void aCheckThatNeverReportsHoldsTheGateUntilTheDeadline() {
        GateDriver d = gate(check("http"), check("exec")).start();
        for (int s = 1; s < 120; s += 2) d.at(s).pass("http");
        assertEquals(new Pending("waiting for exec to pass"), d.at(119.999).verdict());
        assertEquals(new Failed("not healthy within healthy_deadline 2m: waiting for exec to pass", t(120)), d.at(120).verdict());
    }

    @Test
    void oneFailureAmongSeveralChecksStartsHealthyTimeOver() {
        GateDriver d = gate(check("http"), check("tcp")).start();
        d.at(1).pass("http").pass("tcp").at(3).pass("http").fail("tcp", "connection refused");
        assertEquals(new Pending("tcp failed 1 of 3 times in a row: connection refused (healthy time starts again at its next pass)"), d.verdict());
        d.at(4).pass("tcp").at(6).pass("http").pass("tcp").at(8).pass("http").pass("tcp");
        assertEquals(new Passed(t(9)), d.at(9).verdict());
    }

    @Test
    void resultsForACheckTheRevisionDoesNotDeclareAreIgnored() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("tcp").fail("exec", "exit 1");
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
    }

    @Test
    void twoChecksOfOneNameAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> HealthGate.open(1, Checks.update(5, 120), List.of(check("http"), check("http")), FakeClock.T0));
        assertEquals("Zedfile:12:3: a second health check named http", e.getMessage());
    }
}
