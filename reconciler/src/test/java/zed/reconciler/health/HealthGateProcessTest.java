package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zed.reconciler.health.Checks.check;
import static zed.reconciler.health.FakeClock.t;
import static zed.reconciler.health.GateDriver.gate;

import org.junit.jupiter.api.Test;
import zed.reconciler.health.GateEvent.ProbeReported;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;
import zed.reconciler.health.Verdict.Pending;

/** How the process's starts and exits, and the restart budget, move a revision's gate. */
class HealthGateProcessTest {
    @Test
    void anExitStartsHealthyTimeOverAndTheNewProcessEarnsItsPassesAgain() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http").at(3).pass("http").at(4).exit(1);
        assertEquals(new Pending("process exited with code 1, waiting for a restart (1 of 3 exits make a crash loop)"), d.verdict());
        d.at(5).start();
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
        d.at(6).pass("http").at(8).pass("http").at(10).pass("http");
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(10.999).verdict());
        assertEquals(new Passed(t(11)), d.at(11).verdict());
    }

    @Test
    void resultsWhileNoProcessRunsAreIgnored() {
        GateDriver d = gate(check("http", 0, 1, 1)).start();
        d.at(1).exit(1).at(2).pass("http").at(3).pass("http");
        assertEquals(new Pending("process exited with code 1, waiting for a restart (1 of 3 exits make a crash loop)"), d.verdict());
        d.at(4).start();
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
    }

    @Test
    void aResultThatFinishedBeforeTheProcessStartedIsIgnored() {
        GateDriver d = gate(check("http")).start();
        d.at(2).exit(1).at(4).start();
        // a probe of the previous process that finished at 3s, delivered after the restart
        d.on(new ProbeReported("http", ProbeResult.passed("HTTP 200", t(3))));
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
    }

    @Test
    void aStartWithoutAnExitIsARestartToo() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http").at(3).pass("http").at(4).start();
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
        d.at(5).pass("http").at(7).pass("http").at(9).pass("http");
        assertEquals(new Passed(t(10)), d.at(10).verdict());
    }

    @Test
    void twoExitsAreNotACrashLoopButTheThirdIs() {
        GateDriver d = gate(check("http")).start();
        d.at(1).exit(1).at(2).start().at(3).exit(1).at(5).start();
        assertEquals(new Pending("waiting for http to pass"), d.verdict());
        d.at(6).exit(2);
        assertEquals(new Failed("crash loop: the process exited 3 times since the gate opened, last with code 2", t(6)), d.verdict());
        d.at(7).start().at(8).pass("http").at(10).pass("http").at(12).pass("http").at(14).pass("http");
        assertEquals(new Failed("crash loop: the process exited 3 times since the gate opened, last with code 2", t(6)), d.at(20).verdict());
    }

    @Test
    void anExitReportedTwiceCountsOnce() {
        GateDriver d = gate(check("http")).start();
        d.at(1).exit(1).exit(1).at(2).start().at(3).exit(1).exit(1);
        assertEquals(new Pending("process exited with code 1, waiting for a restart (2 of 3 exits make a crash loop)"), d.verdict());
    }

    @Test
    void aSpentRestartBudgetFailsTheGateAtOnce() {
        GateDriver d = gate(check("http")).start();
        d.at(1).exit(1).at(2).budgetSpent();
        assertEquals(new Failed("restart budget spent, last exit with code 1", t(2)), d.verdict());
        assertEquals(new Failed("restart budget spent, last exit with code 1", t(2)), d.at(200).verdict());
    }

    @Test
    void aServiceWithoutChecksIsReadyOnceAliveForOneSecond() {
        GateDriver d = gate().start();
        assertEquals(new Pending("process alive for 500ms of 1s"), d.at(0.5).verdict());
        assertEquals(new Pending("healthy for 0s of 5s"), d.at(1).verdict());
        assertEquals(new Pending("healthy for 4s of 5s"), d.at(5.999).verdict());
        assertEquals(new Passed(t(6)), d.at(6).verdict());
    }

    @Test
    void aServiceWithoutChecksThatDiesWithinASecondStartsOver() {
        GateDriver d = gate().start();
        d.at(0.9).exit(1);
        assertEquals(new Pending("process exited with code 1, waiting for a restart (1 of 3 exits make a crash loop)"), d.at(1.5).verdict());
        d.at(2).start();
        assertEquals(new Pending("process alive for 500ms of 1s"), d.at(2.5).verdict());
        assertEquals(new Passed(t(8)), d.at(8).verdict());
    }

    @Test
    void aServiceWithoutChecksThatNeverStartsFailsAtTheDeadline() {
        GateDriver d = gate();
        assertEquals(new Failed("not healthy within healthy_deadline 2m: waiting for the process to start", t(120)), d.at(120).verdict());
    }

    @Test
    void aServiceWithoutChecksThatKeepsDyingIsACrashLoop() {
        GateDriver d = gate().start();
        d.at(0.5).exit(1).at(1).start().at(1.5).exit(1).at(2).start().at(2.5).exit(139);
        assertEquals(new Failed("crash loop: the process exited 3 times since the gate opened, last with code 139", t(2.5)), d.verdict());
    }
}
