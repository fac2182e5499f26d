package zed.reconciler.service;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;
import zed.reconciler.health.Verdict;
import zed.reconciler.process.Launcher;
import zed.reconciler.process.ServiceSupervisor;
import zed.reconciler.process.TinyHttp;
import zed.reconciler.store.DirStore;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A service end to end on this host, with real processes, real HTTP probes and the real clock: started, probed
 * healthy, stamped; killed and restarted with backoff; a crash loop failing the gate.
 */
class ServiceRunTest {
    @TempDir
    Path tmp;
    DirStore store;
    final List<Long> pids = new ArrayList<>();

    @BeforeEach
    void setUp() {
        store = new DirStore(tmp.resolve("store"));
    }

    @AfterEach
    void cleanUp() {
        for (long pid : pids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static final Pos P = new Pos("Zedfile", 1, 1);

    LevelSpec level(LevelSpec.ServiceSpec s, Duration minHealthy, Duration deadline) {
        return new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                new LevelSpec.UpdatePolicy(minHealthy, deadline, true, 1), List.of(), List.of(), List.of(s), List.of(), List.of(), "0", P);
    }

    LevelSpec.ServiceSpec exec(List<String> cmd, Map<String, Value> vars, Map<String, Value> env, List<LevelSpec.HealthCheck> health,
                               LevelSpec.RestartPolicy restart) {
        return new LevelSpec.ServiceSpec("exec", "web", null, null, "1.0", vars, env, List.of(), new LevelSpec.Runtime(cmd, List.of()),
                restart, health, null, List.of(), null, null, null, null, tmp.resolve("home").toString(), P);
    }

    ServiceRun run(LevelSpec level) throws IOException {
        return run(level, store);
    }

    ServiceRun run(LevelSpec level, zed.reconciler.store.Store in) throws IOException {
        Files.createDirectories(tmp.resolve("home"));
        ServiceRun.Context ctx = new ServiceRun.Context(level, 7, in, "", tmp.resolve("state"), ref -> "unused",
                System::getenv, null, new Launcher(), Clock.systemUTC(), Duration.ofSeconds(5));
        return new ServiceRun(ctx, level.services().get(0));
    }

    /** Prepares the run once, then supervises it: what the node's actor does first. */
    static ServiceRun.Status start(ServiceRun r) {
        if (!r.prepared()) r.prepare();
        return r.supervise();
    }

    /** Supervises and probes until {@code done} holds, within a deadline (each probe waits on the real service). */
    ServiceRun.Status until(ServiceRun r, java.util.function.Predicate<ServiceRun.Status> done, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ServiceRun.Status s = start(r);
        while (!done.test(s)) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + "; last " + s);
            for (String check : r.checks().keySet()) r.probe(check);
            s = r.supervise(); // sees what the probes said, and stamps the gate's transition
            if (s.process().pid() != 0) pids.add(s.process().pid());
        }
        return s;
    }

    @Test
    void aSteadyServiceCostsTheStoreNothingPerTickAndIsPreparedOnlyWhenAsked() throws Exception {
        int port = freePort();
        var spec = exec(tinyHttp(), Map.of("port", Value.Num.of(port)), Map.of("PORT", new Value.Str(String.valueOf(port))), List.of(http(port)),
                LevelSpec.RestartPolicy.DEFAULT);
        java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
        zed.reconciler.store.Store counting = (zed.reconciler.store.Store) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{zed.reconciler.store.Store.class}, (proxy, method, args) -> {
                    calls.incrementAndGet();
                    try {
                        return method.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        ServiceRun r = run(level(spec, Duration.ofMillis(300), Duration.ofSeconds(60)), counting);
        ServiceRun.Status passed = until(r, s -> s.gate() instanceof Verdict.Passed, "the gate to pass");
        pids.add(passed.process().pid());
        int before = calls.get();
        for (int i = 0; i < 20; i++) {
            ServiceRun.Status s = r.supervise();
            assertEquals(passed.process().pid(), s.process().pid());
        }
        assertEquals(before, calls.get(), "a steady tick reads and writes nothing: stamps are written when they change");
        assertFalse(r.sourceCanMove(), "an exec service has no source to look at again");
    }

    LevelSpec.HealthCheck http(int port) {
        return new LevelSpec.HealthCheck("http", "http://127.0.0.1:" + port + "/health", 200, "ok", null, null, null, Duration.ZERO,
                Duration.ofMillis(200), Duration.ofMillis(200), 1, 2, P);
    }

    List<String> tinyHttp() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", System.getProperty("java.class.path"), TinyHttp.class.getName());
    }

    @Test
    void aRealHttpServiceIsProbedHealthyAndCarriesItsStampsThenIsRestartedWithBackoffWhenKilled() throws Exception {
        int port = freePort();
        var spec = exec(tinyHttp(), Map.of("port", Value.Num.of(port)), Map.of("PORT", new Value.Str(String.valueOf(port))), List.of(http(port)),
                new LevelSpec.RestartPolicy(5, Duration.ofMinutes(5), Duration.ofMillis(300), Duration.ofSeconds(5)));
        ServiceRun r = run(level(spec, Duration.ofMillis(500), Duration.ofSeconds(60)));
        ServiceRun.Status passed = until(r, s -> s.gate() instanceof Verdict.Passed, "the gate to pass");
        long pid = passed.process().pid();

        Map<String, String> stamps = store.zedState(r.dataset());
        assertEquals("zed-services/shop.exec.web", r.dataset());
        assertEquals(String.valueOf(pid), stamps.get(ServiceSupervisor.PID));
        assertEquals("port=" + port, stamps.get(ServiceSupervisor.PORTS));
        assertEquals(passed.specHash(), stamps.get(ServiceSupervisor.SPEC_HASH));
        assertEquals("7", stamps.get(ServiceSupervisor.REV));
        assertEquals("exec/web", stamps.get(ServiceSupervisor.SERVICE));
        assertTrue(stamps.get(ServiceSupervisor.HEALTH).startsWith("passed rev 7 at "), stamps.get(ServiceSupervisor.HEALTH));
        assertTrue(Files.readString(tmp.resolve("state/var/web/log/stdout.log")).contains("listening on " + port));

        ProcessHandle.of(pid).orElseThrow().destroyForcibly();
        ServiceRun.Status backoff = until(r, s -> s.process().state() == ServiceSupervisor.State.BACKOFF, "the supervisor to see the kill");
        assertEquals("killed by signal 9", backoff.process().lastExit());
        ServiceRun.Status again = until(r, s -> s.process().state() == ServiceSupervisor.State.RUNNING && s.process().pid() != pid, "the restart");
        assertEquals(1, again.process().restarts());
        assertInstanceOf(Verdict.Passed.class, again.gate(), "the revision's gate passed; a later crash does not undo that");
    }

    @Test
    void aCrashLoopFailsTheGate() throws Exception {
        var spec = exec(List.of("/bin/sh", "-c", "echo starting; exit 4"), Map.of(), Map.of(), List.of(),
                new LevelSpec.RestartPolicy(10, Duration.ofMinutes(5), Duration.ofMillis(50), Duration.ofMillis(100)));
        ServiceRun r = run(level(spec, Duration.ofSeconds(1), Duration.ofSeconds(60)));
        ServiceRun.Status failed = until(r, s -> s.gate() instanceof Verdict.Failed, "the gate to fail");
        String reason = ((Verdict.Failed) failed.gate()).reason();
        assertTrue(reason.startsWith("crash loop: the process exited 3 times since the gate opened, last with code 4"), reason);
        assertTrue(store.zedState(r.dataset()).get(ServiceSupervisor.HEALTH).startsWith("failed rev 7: crash loop"));
    }

    @Test
    void stopRemovesTheRenderedFilesAndTheProcess() throws Exception {
        Path conf = tmp.resolve("state/etc/web/web.conf");
        var spec = new LevelSpec.ServiceSpec("exec", "web", null, null, null, Map.of(), Map.of(),
                List.of(new LevelSpec.FileSpec("conf", conf.toString(), new Value.Str("x=1\n"), "0644", P)),
                new LevelSpec.Runtime(List.of("/bin/sh", "-c", "while true; do sleep 1; done"), List.of()), LevelSpec.RestartPolicy.DEFAULT,
                List.of(), null, List.of(), null, null, null, null, tmp.resolve("home").toString(), P);
        ServiceRun r = run(level(spec, Duration.ofMillis(100), Duration.ofSeconds(30)));
        ServiceRun.Status s = start(r);
        pids.add(s.process().pid());
        assertEquals("x=1\n", Files.readString(conf));
        r.stop();
        assertFalse(Files.exists(conf));
        assertFalse(ProcessHandle.of(s.process().pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("stopped", store.zedState(r.dataset()).get(ServiceSupervisor.HEALTH));
    }

    @Test
    void aChangedFileRestartsTheService() throws Exception {
        Path conf = tmp.resolve("state/etc/web/web.conf");
        LevelSpec.ServiceSpec v1 = withFile(conf, "v=1\n");
        LevelSpec.ServiceSpec v2 = withFile(conf, "v=2\n");
        ServiceRun.Status s1 = start(run(level(v1, Duration.ofMillis(100), Duration.ofSeconds(30))));
        pids.add(s1.process().pid());
        ServiceRun r2 = run(level(v2, Duration.ofMillis(100), Duration.ofSeconds(30)));
        ServiceRun.Status s2 = start(r2);
        pids.add(s2.process().pid());
        assertNotEquals(s1.specHash(), s2.specHash());
        assertNotEquals(s1.process().pid(), s2.process().pid(), "a changed file restarts the service");
        assertFalse(ProcessHandle.of(s1.process().pid()).map(ProcessHandle::isAlive).orElse(false));
        assertEquals("v=2\n", Files.readString(conf));
    }

    @Test
    void aJailedServiceRunsInsideItsBubblewrapSandbox() throws Exception {
        boolean bwrap = Files.isExecutable(Path.of("/usr/bin/bwrap"));
        if (!bwrap) {
            if ("1".equals(System.getenv("ZED_REQUIRE_BWRAP"))) throw new AssertionError("ZED_REQUIRE_BWRAP=1 but bwrap is missing");
            org.junit.jupiter.api.Assumptions.assumeTrue(false, "no bwrap");
        }
        store.create("jails", Map.of());
        store.create("jails/web", Map.of("com.zed:managed", "true"));
        Path root = store.mountpoint("jails/web");
        LevelSpec.DatasetSpec ds = new LevelSpec.DatasetSpec("jails/web", root.toString(), Map.of(), P);
        LevelSpec.JailSpec jail = new LevelSpec.JailSpec("web", "jails/web", "web.local", null, null, false, Map.of(), List.of(), P);
        var spec = new LevelSpec.ServiceSpec("exec", "web", null, "web", null, Map.of(), Map.of(), List.of(),
                new LevelSpec.Runtime(List.of("/bin/sh", "-c", "hostname > /hostname.txt; echo $$ > /pid.txt; exec sleep 300"), List.of()),
                LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), null, null, null, null, "/", P);
        LevelSpec level = new LevelSpec("shop", "shop", null, "Zedfile", tmp.toString(), null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(ds), List.of(jail), List.of(spec), List.of(), List.of(), "0", P);
        var jails = zed.reconciler.jail.Jails.forThisHost(new zed.reconciler.store.ProcessCommand(), zed.reconciler.jail.Jails.Settings.of(tmp.resolve("jails")));
        ServiceRun.Context ctx = new ServiceRun.Context(level, 1, store, "", tmp.resolve("state"), ref -> "unused",
                System::getenv, jails, new Launcher(), Clock.systemUTC(), Duration.ofSeconds(5));
        ServiceRun r = new ServiceRun(ctx, spec);
        ServiceRun.Status s = start(r);
        pids.add(s.process().pid());
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(Files.exists(root.resolve("pid.txt")) && Files.readString(root.resolve("pid.txt")).endsWith("\n"))) {
            if (System.nanoTime() > deadline) throw new AssertionError("the jailed service never wrote its files");
            Thread.sleep(20); // polling a deadline wait
        }
        assertEquals("web.local\n", Files.readString(root.resolve("hostname.txt")), "it sees its own hostname");
        assertEquals("web", store.zedState("jails/web").get("com.zed:jail"), "the jail's state is stamped on its dataset");
        assertEquals(jails.confHash(zed.reconciler.jail.JailSetup.of(level, jail)), store.zedState("jails/web").get("com.zed:jail.conf-hash"));
        long inside = Long.parseLong(Files.readString(root.resolve("pid.txt")).trim());
        assertTrue(inside < 10 && inside != s.process().pid(), "it sees its own pid namespace: pid " + inside);
        r.stop();
        assertFalse(ProcessHandle.of(s.process().pid()).map(ProcessHandle::isAlive).orElse(false));
    }

    LevelSpec.ServiceSpec withFile(Path conf, String body) {
        return new LevelSpec.ServiceSpec("exec", "web", null, null, null, Map.of(), Map.of(),
                List.of(new LevelSpec.FileSpec("conf", conf.toString(), new Value.Str(body), "0644", P)),
                new LevelSpec.Runtime(List.of("/bin/sh", "-c", "while true; do sleep 1; done"), List.of()), LevelSpec.RestartPolicy.DEFAULT,
                List.of(), null, List.of(), null, null, null, null, tmp.resolve("home").toString(), P);
    }

    /** Two services of a level start together and both find the services' container missing: the slower one's create fails. */
    @Test
    void aContainerAnotherServiceMadeAMomentAgoIsNoError() throws Exception {
        zed.reconciler.store.Store racing = (zed.reconciler.store.Store) java.lang.reflect.Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[]{zed.reconciler.store.Store.class}, (proxy, m, args) -> {
                    if (m.getName().equals("create") && args[0].equals(ServiceRun.IMPLICIT)) store.create(ServiceRun.IMPLICIT, Map.of()); // the other one won
                    try {
                        return m.invoke(store, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
        var spec = exec(List.of("/bin/sh", "-c", "exec sleep 300"), Map.of(), Map.of(), List.of(), LevelSpec.RestartPolicy.DEFAULT);
        ServiceRun r = run(level(spec, Duration.ofMillis(100), Duration.ofSeconds(30)), racing);
        r.prepare();
        assertTrue(store.exists("zed-services/shop.exec.web"), "its own dataset was made under the container the other one made");
    }
}
