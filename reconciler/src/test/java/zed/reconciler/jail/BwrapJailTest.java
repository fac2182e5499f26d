package zed.reconciler.jail;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;
import zed.reconciler.process.Accounts;
import zed.reconciler.process.RunAs;
import zed.reconciler.store.ProcessCommand;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Linux jail for real: bubblewrap sandboxes, real processes, nothing faked. Each test lays out a jail root, an
 * rw and an ro mount under a temp dir, and looks from inside the sandbox at what a service would see.
 */
class BwrapJailTest {
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path base;
    Path stateDir;
    BwrapJail driver;
    final List<Process> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Bwrap.require();
        stateDir = base.resolve("state");
        driver = new BwrapJail(new ProcessCommand(), stateDir, BwrapJail.locate(), Duration.ofSeconds(5));
        for (String d : List.of("jails/web", "apps/web", "apps/static")) Files.createDirectories(base.resolve(d));
        Files.writeString(base.resolve("apps/static/index.html"), "hello from the host\n");
    }

    @AfterEach
    void tearDown() {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    JailSetup web() {
        return jail("web", "web.zed.test", null, false);
    }

    /** A jail rooted at base/jails/<name>, with /var/db/web (rw) and /srv/static (ro) mounted in. */
    JailSetup jail(String name, String hostname, String ip4, boolean vnet) {
        List<LevelSpec.Mount> mounts = List.of(
                new LevelSpec.Mount("/var/db/web", "apps/web", "rw", Pos.NONE),
                new LevelSpec.Mount("/srv/static", "apps/static", "ro", Pos.NONE));
        LevelSpec.JailSpec spec = new LevelSpec.JailSpec(name, "jails/" + name, hostname, ip4, null, vnet, Map.<String, Value>of(), mounts, Pos.NONE);
        try {
            Files.createDirectories(base.resolve("jails/" + name));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        return JailSetup.of(spec, ds -> base.resolve(ds));
    }

    record Out(int exit, String text) {
    }

    /** Runs a shell script inside the jail, as the process supervisor would run a service: through wrap(). */
    Out sh(JailSetup jail, String script) throws Exception {
        return run(driver.wrap(jail, List.of("/bin/sh", "-c", script)));
    }

    static Out run(List<String> argv) throws Exception {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "sandbox did not finish: " + out);
        return new Out(p.exitValue(), out);
    }

    static void await(String what, BooleanSupplier condition) {
        Instant end = Instant.now().plus(DEADLINE);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(end)) throw new AssertionError("not within " + DEADLINE.toSeconds() + "s: " + what);
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
        }
    }

    @Test
    void theServiceIsNotPid1OfTheHostAndSeesOnlyItsOwnProcesses() throws Exception {
        driver.ensure(web());
        long hostProcesses = ProcessHandle.allProcesses().count();
        Out out = sh(web(), "echo pid=$$; echo procs=$(ls /proc | grep '^[0-9]*$' | tr '\\n' ' '); echo init=$(cat /proc/1/comm)");
        assertEquals(0, out.exit(), out.text());
        int pid = Integer.parseInt(field(out.text(), "pid"));
        List<Integer> procs = Arrays.stream(field(out.text(), "procs").split(" ")).map(Integer::parseInt).toList();
        assertTrue(pid <= 3, "inside its own pid namespace the service is a low pid, not " + pid);
        assertTrue(procs.size() <= 8 && procs.stream().allMatch(p -> p <= 16),
                "/proc shows only the sandbox's few processes, not " + procs + " (the host has " + hostProcesses + ")");
        assertEquals("bwrap", field(out.text(), "init"), "pid 1 inside is the sandbox's own init, not the host's");
    }

    @Test
    void theServiceSeesItsOwnHostnameAndTheHostKeepsItsOwn() throws Exception {
        String hostBefore = Files.readString(Path.of("/proc/sys/kernel/hostname")).strip();
        driver.ensure(web());
        Out out = sh(web(), "cat /proc/sys/kernel/hostname; hostname");
        assertEquals(0, out.exit(), out.text());
        assertEquals(List.of("web.zed.test", "web.zed.test"), out.text().lines().toList());
        assertEquals(hostBefore, Files.readString(Path.of("/proc/sys/kernel/hostname")).strip());
    }

    @Test
    void theServiceCannotSeeTheHostsRoot() throws Exception {
        Path home = Path.of("/root");
        Assumptions.assumeTrue(Files.isWritable(home), "needs a writable /root to plant a marker in");
        String secret = "secret-" + UUID.randomUUID();
        Path marker = home.resolve("zed-jail-marker-" + UUID.randomUUID());
        Files.writeString(marker, secret);
        try {
            driver.ensure(web());
            Out out = sh(web(), "cat " + marker + "; echo exit=$?; ls -a /root");
            assertNotEquals("0", field(out.text(), "exit"), out.text());
            assertFalse(out.text().contains(secret), "the host's /root leaked into the jail: " + out.text());
            assertFalse(out.text().contains(marker.getFileName().toString() + "\n"), out.text());
        } finally {
            Files.deleteIfExists(marker);
        }
    }

    @Test
    void theServiceWritesInTheJailRootAndRwMountsOnly() throws Exception {
        driver.ensure(web());
        String probe = "zed-probe-" + UUID.randomUUID();
        String script = String.join("; ",
                "cd /",
                "for d in / /var/db/web /srv/static /usr /etc /bin; do if { echo x > $d/" + probe + "; } 2>/dev/null; then echo wrote $d; else echo refused $d; fi; done",
                "cat /srv/static/index.html");
        Out out = sh(web(), script);
        assertEquals(List.of("wrote /", "wrote /var/db/web", "refused /srv/static", "refused /usr", "refused /etc", "refused /bin",
                "hello from the host"), out.text().lines().toList());
        assertTrue(Files.exists(base.resolve("jails/web").resolve(probe)), "a write to / lands in the jail dataset's mountpoint");
        assertTrue(Files.exists(base.resolve("apps/web").resolve(probe)), "a write to the rw mount lands in its dataset");
        assertFalse(Files.exists(base.resolve("apps/static").resolve(probe)));
        assertFalse(Files.exists(Path.of("/usr", probe)));
        assertFalse(Files.exists(Path.of("/etc", probe)));
    }

    @Test
    void rootInsideTheJailCannotRemountUsrWritable() throws Exception {
        Assumptions.assumeTrue(Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid")), "only root has capabilities to drop");
        driver.ensure(web());
        String probe = "zed-probe-" + UUID.randomUUID();
        Out out = sh(web(), "mount -o remount,bind,rw /usr 2>/dev/null && echo remounted; { echo x > /usr/" + probe + "; } 2>/dev/null && echo wrote; echo done");
        assertEquals(List.of("done"), out.text().lines().toList());
        assertFalse(Files.exists(Path.of("/usr", probe)));
    }

    @Test
    void aJailWithoutAddressSharesTheHostNetworkAndOneWithAnAddressIsCutOff() throws Exception {
        JailSetup shared = web();
        JailSetup own = jail("addressed", "addressed.zed.test", "10.17.0.2/24", false);
        JailSetup vnet = jail("vnetted", "vnetted.zed.test", null, true);
        driver.ensure(shared);
        driver.ensure(own);
        driver.ensure(vnet);
        assertFalse(BwrapJail.ownNetwork(shared));
        assertTrue(BwrapJail.ownNetwork(own));
        assertTrue(BwrapJail.ownNetwork(vnet));
        try (ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // the kernel completes the handshake from the backlog: no accept() is needed to see that it connects
            String connect = "if bash -c 'exec 3<>/dev/tcp/127.0.0.1/" + listener.getLocalPort() + "' 2>/dev/null; then echo connected; else echo unreachable; fi;"
                    + " tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' ' | sort | tr '\\n' ' '";
            Out fromShared = sh(shared, connect);
            Out fromOwn = sh(own, connect);
            Out fromVnet = sh(vnet, connect);
            assertTrue(fromShared.text().startsWith("connected"), fromShared.text());
            assertTrue(fromOwn.text().startsWith("unreachable"), fromOwn.text());
            assertEquals("unreachable\nlo ", fromOwn.text(), "its own namespace holds loopback only");
            assertEquals("unreachable\nlo ", fromVnet.text());
        }
    }

    @Test
    void stopEndsEveryProcessOfTheJailAndTheHostSeesThemAsOrdinaryPids() throws Exception {
        driver.ensure(web());
        Process p = start(driver.wrap(web(), List.of("/bin/sh", "-c", "echo $$; exec sleep 600")));
        int insidePid = Integer.parseInt(firstLine(p));
        ProcessHandle sleeper = awaitSleeper(p);
        assertNotEquals(1L, sleeper.pid(), "the service is not the host's pid 1");
        assertNotEquals(insidePid, sleeper.pid(), "the host sees the service under another pid than it sees itself");
        assertEquals(2, driver.sandboxes("web").size(), "bwrap and the sandbox's pid 1");

        driver.stop("web");

        assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertFalse(sleeper.isAlive());
        assertTrue(driver.sandboxes("web").isEmpty());
        assertEquals(JailState.absent("web"), driver.observe("web"));
    }

    @Test
    void ensureLeavesAMatchingJailAloneAndRestartsOneWhoseConfigurationChanged() throws Exception {
        JailState first = driver.ensure(web());
        assertEquals(new JailState("web", true, driver.confHash(web())), first);
        assertEquals(first, driver.observe("web"));
        Process p = start(driver.wrap(web(), List.of("/bin/sh", "-c", "echo up; exec sleep 600")));
        firstLine(p);

        assertEquals(first, driver.ensure(web()));
        assertTrue(p.isAlive(), "an unchanged jail keeps its processes");
        assertFalse(Jails.drift(driver.observe("web"), first.confHash()));

        JailSetup renamed = jail("web", "www.zed.test", null, false);
        assertTrue(Jails.drift(driver.observe("web"), driver.confHash(renamed)), "a new hostname is drift");
        JailState second = driver.ensure(renamed);

        assertNotEquals(first.confHash(), second.confHash());
        assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the sandbox of the old configuration ended");
        assertEquals(second, driver.observe("web"));
        assertEquals(List.of("www.zed.test"), sh(renamed, "hostname").text().lines().toList());
    }

    @Test
    void wrapRunsInTheGivenWorkingDirectoryAndPassesTheEnvironment() throws Exception {
        driver.ensure(web());
        ProcessBuilder pb = new ProcessBuilder(driver.wrap(web(), "/var/db/web", List.of("/bin/sh", "-c", "pwd; echo $GREETING; echo $ZED_JAIL")));
        pb.environment().put("GREETING", "hi");
        Process p = pb.redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS));
        assertEquals(List.of("/var/db/web", "hi", "web"), out.lines().toList());
    }

    @Test
    void theArgvUsesTheDocumentedNamespacesAndNeverDiesWithItsParent() {
        List<String> argv = driver.wrap(web(), List.of("/usr/bin/env"));
        assertTrue(argv.containsAll(List.of("--unshare-pid", "--unshare-ipc", "--unshare-uts", "--new-session")));
        assertFalse(argv.contains("--die-with-parent"), "services outlive the Zed node");
        assertFalse(argv.contains("--unshare-net"));
        assertEquals(List.of("--chdir", "/", "--", "/usr/bin/env"), argv.subList(argv.size() - 4, argv.size()));
        assertEquals(List.of("--bind", base.resolve("jails/web").toString(), "/"), argv.subList(argv.indexOf("--bind"), argv.indexOf("--bind") + 3));
    }

    @Test
    void observeSaysAbsentForAJailNeverEnsured() {
        JailState s = driver.observe("never");
        assertFalse(s.running());
        assertNull(s.confHash());
    }

    @Test
    void aMissingRootIsNamedAndNothingIsMade() throws IOException {
        JailSetup web = web();
        Files.delete(base.resolve("jails/web"));
        JailError e = assertThrows(JailError.class, () -> driver.ensure(web));
        assertEquals(JailError.Kind.MISSING, e.kind());
        assertTrue(e.getMessage().startsWith("jail web: missing: the jail root " + base.resolve("jails/web")), e.getMessage());
        assertFalse(Files.exists(stateDir.resolve("web.conf")));
    }

    @Test
    void aMountOverTheHostsDirectoriesIsRefused() {
        LevelSpec.JailSpec spec = new LevelSpec.JailSpec("web", "jails/web", null, null, null, false, Map.of(),
                List.of(new LevelSpec.Mount("/usr/local", "apps/web", "rw", Pos.NONE)), Pos.NONE);
        JailSetup setup = JailSetup.of(spec, ds -> base.resolve(ds));
        JailError e = assertThrows(JailError.class, () -> driver.ensure(setup));
        assertEquals(JailError.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("mount \"/usr/local\" lands in /usr"), e.getMessage());
    }

    @Test
    void aSymbolicLinkPlantedInTheJailRootIsNotFollowed() throws IOException {
        Path outside = Files.createDirectories(base.resolve("outside"));
        Files.createSymbolicLink(base.resolve("jails/web/var"), outside);
        JailError e = assertThrows(JailError.class, () -> driver.ensure(web()));
        assertEquals(JailError.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("symbolic link inside the jail's root"), e.getMessage());
        try (var s = Files.list(outside)) {
            assertEquals(0, s.count(), "nothing was made outside the jail");
        }
    }

    // ---------------------------------------------------------------------------------------------------------------

    Process start(List<String> argv) throws IOException {
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        started.add(p);
        return p;
    }

    static String firstLine(Process p) throws IOException {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        if (line == null) throw new AssertionError("the sandbox printed nothing; exit " + (p.isAlive() ? "-" : p.exitValue()));
        return line.strip();
    }

    static ProcessHandle awaitSleeper(Process p) {
        ProcessHandle[] found = new ProcessHandle[1];
        await("the service's sleep appears under the sandbox", () -> {
            Optional<ProcessHandle> s = p.descendants().filter(h -> h.info().command().map(c -> c.endsWith("/sleep")).orElse(false)).findFirst();
            s.ifPresent(h -> found[0] = h);
            return s.isPresent();
        });
        return found[0];
    }

    @Test
    void aServiceWithAUserIsThatUserInsideAndOnTheHostWithNoCapabilityButLowPorts() throws Exception {
        RunAs as = Accounts.user();
        driver.ensure(web());
        Files.setAttribute(base.resolve("apps/web"), "unix:uid", (int) as.uid()); // the service's data is its own
        int low = freeLowPort();
        String script = "echo uid=$(id -u); echo gid=$(id -g); echo name=$(id -un); echo caps=$(grep CapEff /proc/self/status | cut -f2); "
                + "python3 -c 'import socket; s=socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind((\"127.0.0.1\", " + low + ")); print(\"bound=yes\")'; "
                + "echo x > /var/db/web/owned; exec sleep 300";
        Process p = new ProcessBuilder(driver.wrap(web(), "/", List.of("/bin/sh", "-c", script), as)).redirectErrorStream(true).start();
        started.add(p);
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        StringBuilder seen = new StringBuilder();
        for (int i = 0; i < 5; i++) seen.append(r.readLine()).append('\n');
        String text = seen.toString();
        assertEquals(String.valueOf(as.uid()), field(text, "uid"), text);
        assertEquals(String.valueOf(as.gid()), field(text, "gid"), text);
        assertEquals(Accounts.USER, field(text, "name"), "its name comes from the jail's own passwd: " + text);
        assertEquals("0000000000000400", field(text, "caps"), "CAP_NET_BIND_SERVICE alone: " + text);
        assertEquals("yes", field(text, "bound"), "it binds low port " + low + " as the jail promises: " + text);
        await("the service runs as sleep", () -> p.descendants().anyMatch(d -> d.info().command().orElse("").endsWith("/sleep")));
        ProcessHandle service = p.descendants().filter(d -> d.info().command().orElse("").endsWith("/sleep")).findFirst().orElseThrow();
        assertEquals(List.of(as.uid(), as.uid(), as.uid(), as.uid()), Accounts.ids(service.pid()).get("Uid"), "the host sees the service's own uid, not root");
        assertEquals(as.uid(), ((Number) Files.getAttribute(base.resolve("apps/web/owned"), "unix:uid")).longValue());
    }

    @Test
    void aJailsEtcHoldsNoShadowNoSshAndAPasswdOfRootTheServiceAndNobodyAlone() throws Exception {
        RunAs as = Accounts.user();
        assertTrue(Files.exists(Path.of("/etc/shadow")), "the host has a shadow file for the jail not to show");
        driver.ensure(web());
        String script = "for f in /etc/shadow /etc/gshadow /etc/ssh /etc/sudoers /etc/ssl/private /etc/hostname; do test -e $f && echo present $f; done; "
                + "getent hosts localhost > /dev/null && echo resolves; echo ---; cat /etc/passwd; echo ---; cat /etc/group; "
                + "if { echo x > /etc/passwd; } 2>/dev/null; then echo wrote; fi; ls -ld /etc/ssl/certs > /dev/null || echo no-certs";
        for (RunAs who : java.util.Arrays.asList(as, null)) {
            Out out = run(driver.wrap(web(), "/", List.of("/bin/sh", "-c", script), who));
            assertEquals(0, out.exit(), out.text());
            List<String> parts = List.of(out.text().split("---\n"));
            assertEquals("resolves\n", parts.get(0), "no shadow, ssh, sudoers, TLS keys or host name; names still resolve: " + out.text());
            String passwd = "root:x:0:0:root:/root:/bin/sh\n"
                    + (who == null ? "" : Accounts.USER + ":x:" + as.uid() + ":" + as.gid() + "::" + as.home() + ":/usr/sbin/nologin\n")
                    + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
            assertEquals(passwd, parts.get(1));
            String group = "root:x:0:\n" + (who == null ? "" : Accounts.USER + ":x:" + as.gid() + ":" + Accounts.USER + "\n") + "nogroup:x:65534:\n";
            assertEquals(group, parts.get(2), "nothing was written over it, and the CA certificates are reachable");
        }
        assertTrue(Files.isRegularFile(stateDir.resolve("web.etc/" + Accounts.USER + "/passwd")));
        driver.stop("web");
        assertFalse(Files.exists(stateDir.resolve("web.etc")), "a stopped jail leaves none of its passwd files behind");
    }

    @Test
    void aJailsEtcIsTheHostsOnlyForWhatProgramsNeed() {
        List<String> argv = driver.wrap(web(), List.of("/usr/bin/env"));
        assertFalse(argv.containsAll(List.of("--ro-bind", "/etc", "/etc")) && argv.indexOf("/etc") == argv.lastIndexOf("/etc") - 1,
                "the host's whole /etc is not bound");
        for (int i = 0; i + 2 < argv.size(); i++) {
            if (argv.get(i).equals("--ro-bind") && argv.get(i + 1).startsWith("/etc/")) {
                String entry = argv.get(i + 1).substring("/etc/".length());
                assertTrue(BwrapJail.ETC.contains(entry), "only listed entries of the host's /etc: " + entry);
            }
        }
        assertTrue(argv.indexOf("--remount-ro") > argv.lastIndexOf("/etc/group"), "read-only once its files are in place");
    }

    /** A port below 1024 that nothing here listens on. */
    static int freeLowPort() {
        for (int port = 980; port < 1024; port++) {
            try (ServerSocket s = new ServerSocket()) {
                s.setReuseAddress(true);
                s.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                return port;
            } catch (IOException taken) {
                // try the next
            }
        }
        throw new AssertionError("no free port in 980-1023");
    }

    static String field(String text, String key) {
        return text.lines().filter(l -> l.startsWith(key + "=")).map(l -> l.substring(key.length() + 1).strip()).findFirst()
                .orElseThrow(() -> new AssertionError("no " + key + "= in: " + text));
    }
}
