package zed.reconciler.host;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec.SudoHook;
import zed.config.Pos;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Sudo hooks with real shells. "Privileged" here is {@code env ZED_PRIVILEGED=1 /bin/sh -c}: what ran through the
 * privilege command can be told from what did not without needing root.
 */
class SudoHooksTest {
    private static final List<String> PRIVILEGE = List.of("env", "ZED_PRIVILEGED=1", "/bin/sh", "-c");
    private static final String LEVEL = "shop";
    private static final String SERVICE = "service.exec.web";

    @TempDir
    Path tmp;

    private final SudoHooks hooks = SudoHooks.through(PRIVILEGE, Duration.ofSeconds(20), System.getenv());

    private static SudoHook hook(String name, String check, String apply, String verify) {
        return new SudoHook(name, check, apply, verify, new Pos("Zedfile", 1, 1));
    }

    private String at(String file) {
        return "'" + tmp.resolve(file) + "'";
    }

    @Test
    void aPassingCheckSkipsTheHookWithoutApplying() throws Exception {
        Files.writeString(tmp.resolve("resolver"), "port 8053\n");
        SudoHook resolver = hook("resolver", "grep -q 8053 " + at("resolver"), "touch " + at("applied"), "true");

        List<SudoHooks.Report> reports = hooks.run(LEVEL, SERVICE, List.of(resolver));

        assertEquals(List.of("sudo \"resolver\": SKIPPED (check passed)"), lines(reports));
        assertFalse(Files.exists(tmp.resolve("applied")));
    }

    @Test
    void aFailingCheckAppliesWithPrivilegeThenVerifiesWithout() throws Exception {
        SudoHook resolver = hook("resolver",
                "echo \"check ${ZED_PRIVILEGED:-unprivileged}\" >> " + at("log") + "; grep -q 8053 " + at("resolver"),
                "echo \"apply ${ZED_PRIVILEGED:-unprivileged}\" >> " + at("log") + "; echo port 8053 > " + at("resolver"),
                "echo \"verify ${ZED_PRIVILEGED:-unprivileged}\" >> " + at("log") + "; grep -q 8053 " + at("resolver"));

        List<SudoHooks.Report> reports = hooks.run(LEVEL, SERVICE, List.of(resolver));

        assertEquals(List.of("sudo \"resolver\": APPLIED (verified)"), lines(reports));
        assertTrue(reports.get(0).ok());
        assertEquals(List.of("check unprivileged", "apply 1", "verify unprivileged"), Files.readAllLines(tmp.resolve("log")));
    }

    @Test
    void aFailedApplyIsReportedWithItsStderrAndTheNextHookStillRuns() throws Exception {
        SudoHook full = hook("pf", "false", "echo 'pfctl: loading rules' >&2; echo 'pfctl: no space left on device' >&2; exit 3",
                "touch " + at("pf-verified"));
        SudoHook resolver = hook("resolver", "false", "touch " + at("resolver"), "test -e " + at("resolver"));

        List<SudoHooks.Report> reports = hooks.run(LEVEL, SERVICE, List.of(full, resolver));

        assertEquals(List.of(
                "sudo \"pf\": FAILED (apply exited 3: pfctl: loading rules | pfctl: no space left on device)",
                "sudo \"resolver\": APPLIED (verified)"), lines(reports));
        assertFalse(reports.get(0).ok());
        assertFalse(Files.exists(tmp.resolve("pf-verified")), "a failed apply is not verified");
    }

    @Test
    void aVerifyThatFailsAfterApplyFailsTheHook() throws Exception {
        SudoHook resolver = hook("resolver", "false", "touch " + at("applied"), "echo 'port 8053 not in /etc/resolver/test' >&2; exit 1");

        List<SudoHooks.Report> reports = hooks.run(LEVEL, SERVICE, List.of(resolver));

        assertEquals(List.of("sudo \"resolver\": FAILED (verify exited 1 after apply: port 8053 not in /etc/resolver/test)"), lines(reports));
        assertTrue(Files.exists(tmp.resolve("applied")));
    }

    @Test
    void aHungApplyIsKilledAtItsTimeoutWithWhatItStarted() throws Exception {
        SudoHooks quick = SudoHooks.through(PRIVILEGE, Duration.ofSeconds(1), System.getenv());
        SudoHook hung = hook("hung", "false", "sleep 600 & echo $! > " + at("sleep.pid") + "; echo 'waiting for the lock' >&2; wait", "true");
        SudoHook next = hook("next", null, "touch " + at("next"), null);

        List<SudoHooks.Report> reports = assertTimeoutPreemptively(Duration.ofSeconds(30), () -> quick.run(LEVEL, SERVICE, List.of(hung, next)));

        assertEquals(List.of(
                "sudo \"hung\": FAILED (apply timed out after 1s and was killed: waiting for the lock)",
                "sudo \"next\": APPLIED (not verified: the hook has no verify)"), lines(reports));
        long sleep = Long.parseLong(Files.readString(tmp.resolve("sleep.pid")).strip());
        Await.until("the hung apply's sleep " + sleep + " is gone", () -> ProcessHandle.of(sleep).filter(ProcessHandle::isAlive).isEmpty());
        assertTrue(Files.exists(tmp.resolve("next")));
    }

    @Test
    void aHookWithoutCheckAlwaysApplies() throws Exception {
        SudoHook always = hook("always", null, "echo x >> " + at("count"), "test -s " + at("count"));

        hooks.run(LEVEL, SERVICE, List.of(always, always));

        assertEquals(List.of("x", "x"), Files.readAllLines(tmp.resolve("count")));
    }

    @Test
    void aCheckThatHangsIsAFailureAndNothingIsApplied() throws Exception {
        SudoHooks quick = SudoHooks.through(PRIVILEGE, Duration.ofMillis(500), System.getenv());
        SudoHook hook = hook("resolver", "exec sleep 600", "touch " + at("applied"), "true");

        List<SudoHooks.Report> reports = quick.run(LEVEL, SERVICE, List.of(hook));

        assertEquals(List.of("sudo \"resolver\": FAILED (check timed out after 500ms and was killed; not applied)"), lines(reports));
        assertFalse(Files.exists(tmp.resolve("applied")));
    }

    @Test
    void aPrivilegeCommandThatIsNotInstalledFailsTheHook() throws Exception {
        SudoHooks nowhere = SudoHooks.through(List.of(tmp.resolve("no-sudo").toString(), "-c"), Duration.ofSeconds(5), System.getenv());

        List<SudoHooks.Report> reports = nowhere.run(LEVEL, SERVICE, List.of(hook("resolver", "false", "true", "true")));

        assertEquals(SudoHooks.Outcome.FAILED, reports.get(0).outcome());
        assertTrue(reports.get(0).detail().startsWith("cannot run apply (" + tmp.resolve("no-sudo") + "):"), reports.get(0).detail());
    }

    @Test
    void commandsSeeOnlyPathHomeLangAndTz() throws Exception {
        Map<String, String> zedsOwn = Map.of("PATH", System.getenv("PATH"), "HOME", "/home/op", "LANG", "C.UTF-8", "TZ", "UTC",
                "AWS_SECRET_ACCESS_KEY", "hunter2", "ZED_TOKEN", "t0ken");
        SudoHooks whitelisted = SudoHooks.through(PRIVILEGE, Duration.ofSeconds(20), zedsOwn);
        SudoHook dump = hook("env", "env > " + at("check.env") + "; false", "env > " + at("apply.env"), "true");

        whitelisted.run(LEVEL, SERVICE, List.of(dump));

        String check = Files.readString(tmp.resolve("check.env"));
        String apply = Files.readString(tmp.resolve("apply.env"));
        assertAll(
                () -> assertEquals(Map.of("PATH", System.getenv("PATH"), "HOME", "/home/op", "LANG", "C.UTF-8", "TZ", "UTC"), whitelisted.environment()),
                () -> assertTrue(check.contains("HOME=/home/op\n") && check.contains("LANG=C.UTF-8\n") && check.contains("TZ=UTC\n"), check),
                () -> assertFalse(check.contains("hunter2") || check.contains("t0ken"), check),
                () -> assertFalse(apply.contains("hunter2") || apply.contains("t0ken"), apply),
                () -> assertTrue(apply.contains("ZED_PRIVILEGED=1\n"), apply));
    }

    @Test
    void byDefaultApplyRunsThroughSudo() {
        SudoHooks defaults = SudoHooks.defaults();
        assertAll(
                () -> assertEquals(List.of("sudo", "/bin/sh", "-c"), ((PrivilegeCommand) defaults.privilege()).prefix()),
                () -> assertEquals(Duration.ofMinutes(2), defaults.timeout()),
                () -> assertTrue(SudoHooks.ENVIRONMENT.containsAll(defaults.environment().keySet())));
    }

    private static List<String> lines(List<SudoHooks.Report> reports) {
        return reports.stream().map(SudoHooks.Report::toString).toList();
    }
}
