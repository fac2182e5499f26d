package zed.reconciler.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zed.reconciler.health.Checks.check;
import static zed.reconciler.health.FakeClock.t;
import static zed.reconciler.health.GateDriver.gate;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import zed.reconciler.health.Health.Healthy;
import zed.reconciler.health.Health.Unhealthy;
import zed.reconciler.health.Health.Unproven;
import zed.reconciler.health.Verdict.Failed;
import zed.reconciler.health.Verdict.Passed;

/** Once a revision's gate has passed, it stays passed; what goes wrong later is the service's health. */
class HealthGateAfterPassTest {
    private static final String DOWN = "HTTP 503, expected 200";

    /** Passed at 6s, probes every 2s from 1s; the clock stands at 7s. */
    private static GateDriver passed(zed.config.LevelSpec.HealthCheck... checks) {
        GateDriver d = gate(checks).start();
        for (double s = 1; s <= 7; s += 2) for (var c : checks) d.at(s).pass(c.kind());
        assertEquals(new Passed(t(6)), d.verdict());
        return d;
    }

    @Test
    void thereIsNoHealthToSpeakOfBeforeTheGatePassesOrAfterItFailed() {
        GateDriver d = gate(check("http")).start();
        assertEquals(new Unproven(), d.health());
        d.at(1).pass("http");
        assertEquals(new Unproven(), d.at(5).health());
        assertEquals(new Unproven(), gate(check("http")).at(120).health());
    }

    @Test
    void currentHealthIsWhatTheChecksSayNowBeforeTheGatePassesToo() {
        GateDriver d = gate(check("http"));
        assertEquals(new Unhealthy("process not started"), d.current());
        d.start();
        assertEquals(new Unhealthy("waiting for http to pass"), d.current());
        d.at(1).pass("http");
        assertEquals(new Healthy(), d.at(2).current(), "healthy now, while the gate still counts min_healthy_time");
        assertEquals("healthy for 1s of 5s", ((Verdict.Pending) d.verdict()).why());
        d.at(3).fail("http", DOWN).at(5).fail("http", DOWN).at(7).fail("http", DOWN);
        assertEquals(new Unhealthy("http failing: " + DOWN), d.current());
    }

    @Test
    void failuresBelowFailureThresholdLeaveThePassedServiceHealthy() {
        GateDriver d = passed(check("http"));
        assertEquals(new Healthy(), d.health());
        d.at(9).fail("http", DOWN).at(11).fail("http", DOWN);
        assertEquals(new Healthy(), d.health());
        d.at(13).fail("http", DOWN);
        assertEquals(new Unhealthy("http failing: " + DOWN), d.health());
        assertEquals(new Passed(t(6)), d.verdict());
        d.at(15).pass("http");
        assertEquals(new Healthy(), d.health());
    }

    @Test
    void anExitAfterThePassIsUnhealthyUntilTheNewProcessPassesItsChecks() {
        GateDriver d = passed(check("http"));
        d.at(8).exit(137);
        assertEquals(new Unhealthy("process exited with code 137"), d.health());
        d.at(9).start();
        assertEquals(new Unhealthy("waiting for http to pass"), d.health());
        d.at(10).pass("http");
        assertEquals(new Healthy(), d.health());
        assertEquals(new Passed(t(6)), d.verdict());
    }

    @Test
    void exitsAfterThePassAreNotACrashLoopOfThisRevision() {
        GateDriver d = passed(check("http"));
        d.at(8).exit(1).at(9).start().at(10).exit(1).at(11).start().at(12).exit(1);
        assertEquals(new Passed(t(6)), d.verdict());
        assertEquals(new Unhealthy("process exited with code 1"), d.health());
    }

    @Test
    void aSpentRestartBudgetAfterThePassIsUnhealthyNotAFailedGate() {
        GateDriver d = passed(check("http"));
        d.at(8).exit(1).budgetSpent();
        assertEquals(new Unhealthy("restart budget spent"), d.health());
        assertEquals(new Passed(t(6)), d.verdict());
    }

    @Test
    void checksThatGoQuietAfterThePassMakeTheServiceUnhealthyAtTheInstantTheyDo() {
        GateDriver d = passed(check("http"), check("tcp"));
        assertEquals(Optional.of(t(12)), d.next()); // the results of 7s count until 12s
        assertEquals(new Healthy(), d.at(11.999).health());
        assertEquals(new Unhealthy("no result from http for 5s; no result from tcp for 5s"), d.at(12).health());
        assertEquals(Optional.empty(), d.next());
    }

    @Test
    void aRestartedServiceWithoutChecksIsHealthyAgainAfterOneSecond() {
        GateDriver d = gate().start();
        assertEquals(new Passed(t(6)), d.at(6).verdict());
        assertEquals(new Healthy(), d.health());
        assertEquals(Optional.empty(), d.next());
        d.at(10).exit(1).at(11).start();
        assertEquals(new Unhealthy("process restarted, alive for 500ms of 1s"), d.at(11.5).health());
        assertEquals(Optional.of(t(12)), d.next());
        assertEquals(new Healthy(), d.at(12).health());
    }

    @Test
    void aPassIsKeptEvenWhenAskedLongAfterAndAFailureArrivesFirst() {
        GateDriver d = gate(check("http")).start();
        d.at(1).pass("http").at(3).pass("http").at(5).pass("http");
        d.at(9).fail("http", DOWN); // nobody asked between 6s and 9s
        assertEquals(new Passed(t(6)), d.verdict());
    }

    @Test
    void aNewRevisionOpensANewGateThatKnowsNothingOfTheOld() {
        GateDriver d = passed(check("http"));
        Instant now = d.clock.at(30).now();
        HealthGate next = HealthGate.open(2, Checks.update(5, 120), List.of(check("tcp")), now);
        assertEquals(2, next.revision());
        assertEquals(t(150), next.deadline());
        next = next.on(new GateEvent.ProcessStarted(now))
                .on(new GateEvent.ProbeReported("http", ProbeResult.passed("HTTP 200", t(31))));
        assertEquals(new Verdict.Pending("waiting for tcp to pass"), next.verdict(t(31)));
        assertEquals(new Failed("not healthy within healthy_deadline 2m: waiting for tcp to pass", t(150)), next.verdict(t(150)));
        assertEquals(new Passed(t(6)), d.verdict());
    }
}
