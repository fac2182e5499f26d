package zed.reconciler.process;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.reconciler.store.DirStore;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real processes under the supervisor, stamps in a real (dir) store. */
class ServiceSupervisorTest {
    @TempDir
    Path tmp;
    DirStore store;
    MutableClock clock;
    final Launcher launcher = new Launcher();
    final List<Long> started = new ArrayList<>();
    static final String DS = "zed-services/exec.web";

    @BeforeEach
    void setUp() {
        store = new DirStore(tmp.resolve("store"));
        store.create("zed-services", Map.of());
        store.create(DS, Map.of());
        clock = new MutableClock(Instant.parse("2026-11-26T10:00:00Z"));
    }

    @AfterEach
    void killLeftovers() {
        for (long pid : started) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    static void await(String what, BooleanSupplier ok) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!ok.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.onSpinWait();
            Thread.sleep(20); // polling interval of a deadline wait, not synchronisation by sleep
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String get(int port) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            return null;
        }
    }

    ServiceSupervisor.Desired http(int port, String hash, LevelSpec.RestartPolicy restart) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the port as an argument too: it names this test's process among the machine's (the twin check below)
        Launch l = new Launch("service.exec.web", List.of(java, "-cp", System.getProperty("java.class.path"), TinyHttp.class.getName(), String.valueOf(port)),
                Map.of("PORT", String.valueOf(port), "PATH", System.getenv("PATH"), "GREETING", "hi"), tmp, tmp.resolve("var/log"));
        return new ServiceSupervisor.Desired("service.exec.web", "exec/web", "shop", 3, hash, l, restart, "1.0", Map.of("port", port), Duration.ofSeconds(5));
    }

    ServiceSupervisor.Desired sh(String script, LevelSpec.RestartPolicy restart) {
        Launch l = new Launch("service.exec.web", List.of("/bin/sh", "-c", script), Map.of("PATH", "/usr/bin:/bin"), tmp, tmp.resolve("var/log"));
        return new ServiceSupervisor.Desired("service.exec.web", "exec/web", "shop", 3, "h-" + script.hashCode(), l, restart, null, Map.of(), Duration.ofSeconds(1));
    }

    ServiceSupervisor supervisor() {
        return new ServiceSupervisor(store, DS, launcher, clock);
    }

    ServiceSupervisor.Status track(ServiceSupervisor.Status s) {
        if (s.pid() != 0) started.add(s.pid());
        return s;
    }

    @Test
    void aRealHttpServiceStartsAnswersAndCarriesItsStamps() throws Exception {
        int port = freePort();
        ServiceSupervisor sup = supervisor();
        ServiceSupervisor.Status s = track(sup.reconcile(http(port, "hash1", LevelSpec.RestartPolicy.DEFAULT)));
        assertEquals(ServiceSupervisor.State.RUNNING, s.state());
        await("the service to answer", () -> "ok hi\n".equals(get(port)));
        Map<String, String> stamps = store.zedState(DS);
        assertEquals(String.valueOf(s.pid()), stamps.get(ServiceSupervisor.PID));
        assertEquals(StartTime.of(s.pid()).orElseThrow(), stamps.get(ServiceSupervisor.STARTED_AT));
        assertEquals("hash1", stamps.get(ServiceSupervisor.SPEC_HASH));
        assertEquals("port=" + port, stamps.get(ServiceSupervisor.PORTS));
        assertEquals("exec/web", stamps.get(ServiceSupervisor.SERVICE));
        assertEquals("3", stamps.get(ServiceSupervisor.REV));
        assertTrue(Files.readString(tmp.resolve("var/log/stdout.log")).contains("listening on " + port));
        long group = ProcessHandle.of(s.pid()).orElseThrow().pid();
        assertEquals(group, pgid(s.pid()), "the service leads its own process group, so it outlives the node");

        sup.stop(Duration.ofSeconds(5));
        await("the service to go", () -> get(port) == null);
        assertNull(store.zedState(DS).get(ServiceSupervisor.PID), "a stopped service carries no pid");
    }

    @Test
    void aProcessWhoseNodeDiedBeforeItStampedThePidIsFoundByItsLaunchAndAdoptedNotStartedTwice() throws Exception {
        int port = freePort();
        // the node dies right after the start: the pid stamp is never written (the store refuses it, as a killed node would not write it)
        java.util.concurrent.atomic.AtomicBoolean dying = new java.util.concurrent.atomic.AtomicBoolean(true);
        zed.reconciler.store.Store killedNode = (zed.reconciler.store.Store) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{zed.reconciler.store.Store.class}, (proxy, method, args) -> {
                    if (dying.get() && method.getName().equals("set") && ((Map<?, ?>) args[1]).containsKey(ServiceSupervisor.PID)) {
                        throw new zed.reconciler.store.StoreError(zed.reconciler.store.StoreError.Kind.OTHER, DS, "the node was killed");
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ServiceSupervisor first = new ServiceSupervisor(killedNode, DS, launcher, clock);
        assertThrows(zed.reconciler.store.StoreError.class, () -> first.reconcile(http(port, "hash1", LevelSpec.RestartPolicy.DEFAULT)));
        await("the orphan to answer", () -> get(port) != null);
        assertNull(store.zedState(DS).get(ServiceSupervisor.PID), "no pid was stamped");
        assertTrue(store.zedState(DS).containsKey(ServiceSupervisor.LAUNCH), "but the launch was, before the start");
        dying.set(false);

        // the next node: it adopts the process by its launch, stamps it, and starts no twin
        ServiceSupervisor next = supervisor();
        ServiceSupervisor.Status s = track(next.reconcile(http(port, "hash1", LevelSpec.RestartPolicy.DEFAULT)));
        assertEquals(ServiceSupervisor.State.RUNNING, s.state());
        assertTrue(s.adopted(), "adopted, not started: " + s);
        assertEquals(String.valueOf(s.pid()), store.zedState(DS).get(ServiceSupervisor.PID));
        assertEquals("ok hi\n", get(port));
        // and a stop finds it too
        next.stop(Duration.ofSeconds(5));
        await("the service to go", () -> get(port) == null);
        assertFalse(ProcessHandle.of(s.pid()).map(ProcessTree::running).orElse(false));
    }

    /**
     * zed ops killed while the agent waits for a start's answer: the process runs, the start failed, and the first
     * find fails as while ops is still down ({@link LostAnswerProcesses}, a fake at the interface level over real
     * processes). The supervisor looks for the process by its token again, and starts no second one.
     */
    @Test
    void aStartWhoseAnswerWasLostIsAdoptedByItsTokenNotStartedTwiceWithLostAnswerFakeProcesses() throws Exception {
        int port = freePort();
        LostAnswerProcesses lostAnswer = new LostAnswerProcesses(1);
        ServiceSupervisor sup = new ServiceSupervisor(store, DS, new Launcher(lostAnswer), clock);
        ServiceSupervisor.Desired declared = http(port, "h", LevelSpec.RestartPolicy.DEFAULT);
        // no port declared: the supervisor's check of a declared port would refuse a twin, and hide the window
        ServiceSupervisor.Desired d = new ServiceSupervisor.Desired(declared.ref(), declared.kindName(), declared.level(), declared.rev(), declared.specHash(),
                declared.launch(), declared.restart(), declared.version(), Map.of(), declared.stopGrace());
        try {
            assertThrows(Launcher.LaunchError.class, () -> sup.reconcile(d), "the first start's answer is lost");
            await("the process it started all the same to answer", () -> get(port) != null);
            assertThrows(zed.reconciler.store.StoreError.class, () -> sup.reconcile(d), "ops still down: the find fails, and nothing starts");

            ServiceSupervisor.Status s = sup.reconcile(d);
            assertEquals(1, lostAnswer.starts(), "one start, not a twin");
            assertEquals(ServiceSupervisor.State.RUNNING, s.state());
            assertTrue(s.adopted(), "found by its token: " + s);
            assertEquals(lostAnswer.spawned.get(0), s.pid());
            assertEquals(String.valueOf(s.pid()), store.zedState(DS).get(ServiceSupervisor.PID), "and stamped");
            assertEquals("ok hi\n", get(port));
            assertEquals(s.pid(), sup.reconcile(d).pid(), "kept at the next tick");
            assertEquals(1, lostAnswer.starts());
        } finally {
            started.addAll(lostAnswer.spawned); // ended after the test
        }
    }

    static long pgid(long pid) throws IOException {
        String s = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
        return Long.parseLong(s.substring(s.lastIndexOf(')') + 2).split(" ")[2]);
    }

    @Test
    void aKilledServiceIsRestartedWithBackoff() throws Exception {
        int port = freePort();
        ServiceSupervisor sup = supervisor();
        LevelSpec.RestartPolicy policy = new LevelSpec.RestartPolicy(5, Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofSeconds(30));
        long first = track(sup.reconcile(http(port, "h", policy))).pid();
        await("the service to answer", () -> get(port) != null);
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        await("the kill to land", () -> ProcessHandle.of(first).map(h -> !h.isAlive()).orElse(true));

        ServiceSupervisor.Status backoff = sup.reconcile(http(port, "h", policy));
        assertEquals(ServiceSupervisor.State.BACKOFF, backoff.state());
        assertEquals(clock.instant().plusSeconds(2), backoff.nextAttempt());
        assertEquals("killed by signal 9", backoff.lastExit());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(ServiceSupervisor.State.BACKOFF, sup.reconcile(http(port, "h", policy)).state(), "not before its delay");
        clock.advance(Duration.ofSeconds(1));
        ServiceSupervisor.Status again = track(sup.reconcile(http(port, "h", policy)));
        assertEquals(ServiceSupervisor.State.RUNNING, again.state());
        assertNotEquals(first, again.pid());
        assertEquals(1, again.restarts());
        await("the restarted service to answer", () -> get(port) != null);

        ProcessHandle.of(again.pid()).orElseThrow().destroyForcibly();
        await("the second kill", () -> ProcessHandle.of(again.pid()).map(h -> !h.isAlive()).orElse(true));
        assertEquals(clock.instant().plusSeconds(4), sup.reconcile(http(port, "h", policy)).nextAttempt(), "the delay doubles");
    }

    @Test
    void aCrashLoopSpendsTheBudgetAndStaysFailedUntilANewRevision() {
        ServiceSupervisor sup = supervisor();
        LevelSpec.RestartPolicy policy = new LevelSpec.RestartPolicy(2, Duration.ofMinutes(5), Duration.ofSeconds(1), Duration.ofSeconds(30));
        ServiceSupervisor.Desired crash = sh("echo boom >&2; exit 3", policy);
        ServiceSupervisor.Status s = track(sup.reconcile(crash));
        for (int i = 0; i < 20 && s.state() != ServiceSupervisor.State.FAILED; i++) {
            long pid = s.pid();
            if (pid != 0) ProcessHandle.of(pid).ifPresent(h -> h.onExit().join());
            clock.advance(Duration.ofSeconds(10));
            s = track(sup.reconcile(crash));
        }
        assertEquals(ServiceSupervisor.State.FAILED, s.state());
        assertEquals(2, s.restarts());
        assertEquals("exited with code 3; restart budget spent (2 in PT5M)", s.lastExit());
        clock.advance(Duration.ofHours(1));
        assertEquals(ServiceSupervisor.State.FAILED, sup.reconcile(crash).state(), "failed stays failed");
        ServiceSupervisor.Status next = track(sup.reconcile(sh("exit 0; echo v2", policy)));
        assertNotEquals(ServiceSupervisor.State.FAILED, next.state(), "a new revision gets a new budget");
    }

    @Test
    void aNewSupervisorAdoptsTheRunningServiceInsteadOfStartingATwin() throws Exception {
        int port = freePort();
        long pid = track(supervisor().reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT))).pid();
        await("the service to answer", () -> get(port) != null);

        ServiceSupervisor fresh = supervisor(); // the node restarted: nothing in memory
        ServiceSupervisor.Status s = fresh.reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT));
        assertTrue(s.adopted());
        assertEquals(pid, s.pid());
        assertEquals(ServiceSupervisor.State.RUNNING, s.state());
        long twins = ProcessHandle.allProcesses()
                .filter(h -> h.info().arguments().map(a -> List.of(a).containsAll(List.of(TinyHttp.class.getName(), String.valueOf(port)))).orElse(false)).count();
        assertEquals(1, twins, "one service process, not two");
        assertEquals("ok hi\n", get(port));
    }

    /** A rotated secret: a new supervisor adopts the running process and, told to replace it, starts one new process. */
    @Test
    void toldToReplaceItANewSupervisorStopsTheAdoptedProcessAndStartsOneNewOnce() throws Exception {
        int port = freePort();
        long pid = track(supervisor().reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT))).pid();
        await("the service to answer", () -> get(port) != null);

        ServiceSupervisor fresh = supervisor();
        fresh.replace();
        ServiceSupervisor.Status s = track(fresh.reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT)));
        assertNotEquals(pid, s.pid());
        assertTrue(ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true), "the old process is stopped");
        await("the new one to answer", () -> get(port) != null);
        assertEquals(s.pid(), track(fresh.reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT))).pid(), "replaced once, not at every reconcile");
        assertEquals(String.valueOf(s.pid()), store.zedState(DS).get(ServiceSupervisor.PID));
    }

    @Test
    void aReusedPidIsNeverAdopted() throws Exception {
        Process stranger = new ProcessBuilder("sleep", "300").start();
        started.add(stranger.pid());
        store.set(DS, Map.of(ServiceSupervisor.PID, String.valueOf(stranger.pid()), ServiceSupervisor.STARTED_AT, "ticks:1", ServiceSupervisor.SPEC_HASH, "h"));
        int port = freePort();
        ServiceSupervisor.Status s = track(supervisor().reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT)));
        assertFalse(s.adopted());
        assertNotEquals(stranger.pid(), s.pid());
        assertTrue(stranger.isAlive(), "the stranger is left alone");
    }

    @Test
    void aChangedSpecReplacesTheRunningService() throws Exception {
        int port = freePort();
        ServiceSupervisor sup = supervisor();
        long first = track(sup.reconcile(http(port, "v1", LevelSpec.RestartPolicy.DEFAULT))).pid();
        await("v1 to answer", () -> get(port) != null);
        long second = track(sup.reconcile(http(port, "v2", LevelSpec.RestartPolicy.DEFAULT))).pid();
        assertNotEquals(first, second);
        // ended before the new one started; it may still wait, a zombie, for the reaper thread to collect it
        assertFalse(ProcessHandle.of(first).map(ProcessTree::running).orElse(false), "the old one was stopped first");
        assertEquals("v2", store.zedState(DS).get(ServiceSupervisor.SPEC_HASH));
    }

    @Test
    void stopSendsTermToTheGroupThenKillsAfterTheGrace() throws Exception {
        ServiceSupervisor sup = supervisor();
        // a service that ignores SIGTERM, with a child of its own: the whole group must go
        ServiceSupervisor.Status s = track(sup.reconcile(sh("trap '' TERM; sleep 300 & while true; do sleep 1; done", LevelSpec.RestartPolicy.DEFAULT)));
        long pid = s.pid();
        await("the child to start", () -> ProcessHandle.of(pid).map(h -> h.children().findAny().isPresent()).orElse(false));
        List<ProcessHandle> kids = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        long t0 = System.nanoTime();
        sup.stop(Duration.ofMillis(500));
        assertTrue(System.nanoTime() - t0 >= Duration.ofMillis(500).toNanos(), "it waited the grace period");
        assertFalse(ProcessHandle.of(pid).map(ProcessTree::running).orElse(false));
        for (ProcessHandle k : kids) {
            await("child " + k.pid() + " to go with its group", () -> !k.isAlive());
        }
    }

    @Test
    void stopAlsoEndsDescendantsThatLeftTheGroup() throws Exception {
        ServiceSupervisor sup = supervisor();
        // a child in a session (and so a process group) of its own, as a jail's sandboxed command is
        ServiceSupervisor.Status s = track(sup.reconcile(sh("setsid sleep 300 & while true; do sleep 1; done", LevelSpec.RestartPolicy.DEFAULT)));
        long pid = s.pid();
        await("the detached child to start", () -> ProcessHandle.of(pid).map(h -> h.descendants().anyMatch(d -> d.info().command()
                .map(c -> c.endsWith("sleep")).orElse(false) && d.info().arguments().map(a -> a.length == 1 && a[0].equals("300")).orElse(false))).orElse(false));
        List<ProcessHandle> kids = ProcessHandle.of(pid).orElseThrow().descendants().toList();
        sup.stop(Duration.ofSeconds(5));
        for (ProcessHandle k : kids) await("descendant " + k.pid() + " to go", () -> !k.isAlive());
    }

    @Test
    void aMissingBinaryIsAClearErrorAndStartsNothing() {
        Launch l = new Launch("service.exec.web", List.of("/nope/web"), Map.of(), tmp, tmp.resolve("var/log"));
        ServiceSupervisor.Desired d = new ServiceSupervisor.Desired("service.exec.web", "exec/web", "shop", 1, "h", l, LevelSpec.RestartPolicy.DEFAULT,
                null, Map.of(), Duration.ofSeconds(1));
        Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, () -> supervisor().reconcile(d));
        assertEquals("service.exec.web: cannot start: \"/nope/web\" is not an executable file", e.getMessage());
        assertNull(store.zedState(DS).get(ServiceSupervisor.PID));
    }

    @Test
    void aPortInUseIsAClearErrorAndStartsNothing() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            Launcher.LaunchError e = assertThrows(Launcher.LaunchError.class, () -> supervisor().reconcile(http(port, "h", LevelSpec.RestartPolicy.DEFAULT)));
            assertEquals("service.exec.web: port " + port + " (vars.port) is already in use by another process; nothing was started", e.getMessage());
            assertNull(store.zedState(DS).get(ServiceSupervisor.PID));
        }
    }

    @Test
    void logsRotateByCopyAndTruncate() throws Exception {
        Path log = tmp.resolve("stdout.log");
        Files.writeString(log, "x".repeat(2000));
        assertTrue(LogFiles.rotate(log, 1000, 3));
        assertEquals(0, Files.size(log));
        assertEquals(2000, Files.size(tmp.resolve("stdout.log.1")));
        Files.writeString(log, "y".repeat(1500));
        assertTrue(LogFiles.rotate(log, 1000, 3));
        assertEquals(2000, Files.size(tmp.resolve("stdout.log.2")));
        assertFalse(LogFiles.rotate(log, 1000, 3), "under the cap: left alone");
    }
}
