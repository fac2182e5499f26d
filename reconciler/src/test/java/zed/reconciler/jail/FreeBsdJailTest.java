package zed.reconciler.jail;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;
import zed.reconciler.store.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NOT RUN ON FREEBSD: these tests never run jail(8), jls or jexec. The conf files are compared with golden files
 * written from jail.conf(5), and the commands are checked as argv against a fake that keeps a set of running jails
 * and answers jls in its {@code -n -q} form. A pass says that we write and run what we meant, not that FreeBSD
 * accepts it.
 */
class FreeBsdJailTest {
    @TempDir
    Path base;
    Path confDir;
    FakeJail fake;
    RecordingCommand cmd;
    FreeBsdJail driver;

    static final String JLS = "/usr/sbin/jls -n -q jid name host.hostname path";

    /** jail(8) and jls as far as the driver uses them: -c adds a running jail, -r removes it. */
    static final class FakeJail {
        final Set<String> running = new LinkedHashSet<>();
        /** The conf text each jail -c / -r read through its -f, in order. */
        final List<String> confsRead = new ArrayList<>();
        Command.Result createAnswer = RecordingCommand.OK;
        boolean removeIgnored;

        Command.Result answer(List<String> argv) {
            if (argv.get(0).equals("/usr/sbin/jls")) {
                int jid = 1;
                StringBuilder sb = new StringBuilder();
                for (String n : running) sb.append("jid=").append(jid++).append(" name=").append(n).append(" host.hostname=\"a host\" path=/jails/").append(n).append('\n');
                return RecordingCommand.ok(sb.toString());
            }
            if (argv.get(0).equals("/usr/sbin/jail")) {
                int f = argv.indexOf("-f");
                if (f >= 0) confsRead.add(read(Path.of(argv.get(f + 1))));
                String name = argv.get(argv.size() - 1);
                if (argv.contains("-c")) {
                    if (createAnswer.ok()) running.add(name);
                    return createAnswer;
                }
                if (argv.contains("-r")) {
                    if (!removeIgnored) running.remove(name);
                    return RecordingCommand.OK;
                }
            }
            throw new AssertionError("unexpected command: " + argv);
        }

        private static String read(Path p) {
            try {
                return Files.readString(p);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @BeforeEach
    void setUp() {
        confDir = base.resolve("jail.conf.d");
        fake = new FakeJail();
        cmd = new RecordingCommand(fake::answer);
        driver = new FreeBsdJail(cmd, confDir);
    }

    static LevelSpec.JailSpec spec(String name, String hostname, String ip4, String ip6, boolean vnet, Map<String, Value> params, List<LevelSpec.Mount> mounts) {
        return new LevelSpec.JailSpec(name, "jails/" + name, hostname, ip4, ip6, vnet, params, mounts, Pos.NONE);
    }

    /** ZEDFILE.md's jail "web", on pool tank/zed. */
    static JailSetup zedfileExample(Path prefix) {
        Map<String, Value> params = new LinkedHashMap<>();
        params.put("children.max", Value.Num.of(4));
        params.put("allow.sysvipc", Value.Bool.TRUE);
        LevelSpec.JailSpec s = spec("web", "web.local", "10.17.0.2/24", null, false, params,
                List.of(new LevelSpec.Mount("/var/db/web", "apps/web", "rw", Pos.NONE)));
        return JailSetup.of(s, ds -> Path.of(prefix + "/" + ds));
    }

    static String golden(String name) {
        try (InputStream in = FreeBsdJailTest.class.getResourceAsStream("/jail/" + name)) {
            if (in == null) throw new AssertionError("no golden file jail/" + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void freeBsdGolden_notOnFreeBsd_theZedfileExampleRendersAsTheGoldenConf() {
        assertEquals(golden("web.conf"), driver.render(zedfileExample(Path.of("/tank/zed"))));
    }

    @Test
    void freeBsdGolden_notOnFreeBsd_vnetFalseBooleansQuotedStringsAndReadOnlyMounts() {
        Map<String, Value> params = new LinkedHashMap<>();
        params.put("allow.raw_sockets", Value.Bool.FALSE);
        params.put("persist", Value.Bool.TRUE);
        params.put("devfs_ruleset", Value.Num.of(5));
        params.put("osrelease", new Value.Str("14.2-RELEASE \"zed\" $HOME \\"));
        params.put("cpuset.weight", new Value.Num(new BigDecimal("1.5")));
        params.put("exec.start", new Value.Str("/usr/local/bin/init-web"));
        params.put("mount.devfs", Value.Bool.FALSE);
        LevelSpec.JailSpec s = spec("db", null, "10.0.0.9/24", null, true, params, List.of(
                new LevelSpec.Mount("/var/db/postgres", "apps/pg", "rw", Pos.NONE),
                new LevelSpec.Mount("/usr/local/share/seed", "apps/seed", "ro", Pos.NONE)));
        assertEquals(golden("db-vnet.conf"), driver.render(JailSetup.of(s, ds -> Path.of("/tank/zed/" + ds))));
    }

    @Test
    void freeBsdGolden_notOnFreeBsd_noAddressInheritsTheHostsAndAnInheritedIp4KeepsIp6Unset() {
        JailSetup none = JailSetup.of(spec("plain", null, null, null, false, Map.of(), List.of()), ds -> Path.of("/j/" + ds));
        assertEquals(golden("plain.conf"), driver.render(none));
        JailSetup inherit4 = JailSetup.of(spec("v4", null, "inherit", "fd00::2/64", false, Map.of(), List.of()), ds -> Path.of("/j/" + ds));
        String conf = driver.render(inherit4);
        assertTrue(conf.contains("\tip4 = inherit;\n\tip6.addr = \"fd00::2/64\";\n"), conf);
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_paramsThatContradictTheJailBlockAreRefused() {
        JailSetup bad = JailSetup.of(spec("web", null, null, null, false, Map.of("host.hostname", new Value.Str("x")), List.of()), ds -> base.resolve(ds));
        JailError e = assertThrows(JailError.class, () -> driver.ensure(bad));
        assertEquals(JailError.Kind.INVALID, e.kind());
        assertTrue(e.getMessage().contains("set by the jail block's hostname"), e.getMessage());
        assertEquals(List.of(), cmd.calls, "refused before any command ran");
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_ensureWritesTheConfThenCreatesTheJail() throws IOException {
        JailSetup web = zedfileExample(base);
        Files.createDirectories(base.resolve("jails/web"));
        Files.createDirectories(base.resolve("apps/web"));
        Path conf = confDir.resolve("web.conf");

        JailState s = driver.ensure(web);

        assertEquals(List.of(JLS, "/usr/sbin/jail -f " + conf + " -c web", JLS), cmd.lines());
        assertEquals(driver.render(web), Files.readString(conf));
        assertEquals(List.of(driver.render(web)), fake.confsRead, "jail -c read the new file");
        assertEquals(new JailState("web", true, JailState.hashOf(driver.render(web))), s);
        assertTrue(Files.isDirectory(base.resolve("jails/web/var/db/web")), "the nullfs mount point exists in the jail root");
        try (var files = Files.list(confDir)) {
            assertEquals(List.of(conf), files.toList(), "no temp file left beside it");
        }
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_aRunningJailWithTheSameConfIsLeftAlone() throws IOException {
        JailSetup web = prepared();
        driver.ensure(web);
        cmd.calls.clear();

        JailState s = driver.ensure(web);

        assertEquals(List.of(JLS), cmd.lines());
        assertTrue(s.running());
        assertFalse(Jails.drift(driver.observe("web"), driver.confHash(web)));
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_aChangedConfRemovesTheJailWithTheOldFileThenCreatesItWithTheNew() throws IOException {
        JailSetup web = prepared();
        driver.ensure(web);
        String old = driver.render(web);
        LevelSpec.JailSpec renamed = spec("web", "www.local", "10.17.0.2/24", null, false, Map.of(), List.of());
        JailSetup changed = JailSetup.of(renamed, ds -> base.resolve(ds));
        assertTrue(Jails.drift(driver.observe("web"), driver.confHash(changed)));
        cmd.calls.clear();
        fake.confsRead.clear();

        JailState s = driver.ensure(changed);

        Path conf = confDir.resolve("web.conf");
        assertEquals(List.of(JLS, "/usr/sbin/jail -f " + conf + " -r web", "/usr/sbin/jail -f " + conf + " -c web", JLS), cmd.lines());
        assertEquals(List.of(old, driver.render(changed)), fake.confsRead);
        assertEquals(driver.confHash(changed), s.confHash());
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_aHandEditedConfIsDrift() throws IOException {
        JailSetup web = prepared();
        driver.ensure(web);
        Files.writeString(confDir.resolve("web.conf"), driver.render(web).replace("web.local", "hacked.local"));
        assertTrue(Jails.drift(driver.observe("web"), driver.confHash(web)));
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_aFailedCreateNamesTheJailAndSaysWhatJailSaid() throws IOException {
        JailSetup web = prepared();
        fake.createAnswer = RecordingCommand.fail(1, "jail: web: mount.devfs: /tank/zed/jails/web/dev: No such file or directory\n");
        JailError e = assertThrows(JailError.class, () -> driver.ensure(web));
        assertEquals(JailError.Kind.FAILED, e.kind());
        assertEquals("web", e.jail());
        assertTrue(e.getMessage().startsWith("jail web: failed: /usr/sbin/jail -f "), e.getMessage());
        assertTrue(e.getMessage().endsWith("No such file or directory"), e.getMessage());
        assertFalse(driver.observe("web").running());
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_stopRemovesTheJailAndChecksThatJlsNoLongerListsIt() throws IOException {
        driver.ensure(prepared());
        cmd.calls.clear();

        driver.stop("web");

        assertEquals(List.of(JLS, "/usr/sbin/jail -f " + confDir.resolve("web.conf") + " -r web", JLS), cmd.lines());
        JailState s = driver.observe("web");
        assertFalse(s.running());
        assertTrue(Jails.drift(s, driver.confHash(prepared())), "a stopped jail must be started, and its services with it");
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_aJailThatSurvivesRemovalIsReported() throws IOException {
        driver.ensure(prepared());
        fake.removeIgnored = true;
        JailError e = assertThrows(JailError.class, () -> driver.stop("web"));
        assertEquals(JailError.Kind.STILL_THERE, e.kind());
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_stoppingAJailThatIsNotRunningRunsOnlyJls() {
        driver.stop("web");
        assertEquals(List.of(JLS), cmd.lines());
        assertEquals(JailState.absent("web"), driver.observe("web"));
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_aBadNameRunsNothing() {
        for (String bad : List.of("web;reboot", "../etc", "", "a b", "web.local")) {
            assertEquals(JailError.Kind.INVALID, assertThrows(JailError.class, () -> driver.observe(bad)).kind());
            assertEquals(JailError.Kind.INVALID, assertThrows(JailError.class, () -> driver.stop(bad)).kind());
        }
        assertEquals(List.of(), cmd.calls);
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_wrapIsJexecWithTheEnvironmentKept() throws IOException {
        JailSetup web = prepared();
        assertEquals(List.of("/usr/sbin/jexec", "web", "/usr/local/bin/web", "--port", "8080"), driver.wrap(web, List.of("/usr/local/bin/web", "--port", "8080")));
        List<String> inDir = driver.wrap(web, "/var/db/web", List.of("./bin/web"));
        assertEquals(List.of("/usr/sbin/jexec", "web", "/bin/sh", "-c", "cd \"$1\" || exit 126; shift; exec \"$@\"", "zed-chdir", "/var/db/web", "./bin/web"), inDir);
    }

    /** The shim after "jexec web" is plain POSIX sh; this runs it under the local /bin/sh (not in a jail). */
    @Test
    void freeBsdArgv_notOnFreeBsd_theWorkdirShimChangesDirectoryAndKeepsArguments() throws Exception {
        Path dir = Files.createDirectories(base.resolve("dir with space"));
        List<String> argv = driver.wrap(prepared(), "/var/db/web", List.of("x"));
        List<String> shim = new ArrayList<>(argv.subList(2, argv.indexOf("zed-chdir") + 1));
        shim.addAll(List.of(dir.toString(), "/bin/sh", "-c", "pwd; printf '%s|' \"$@\"", "sh", "a b", "$HOME"));
        Process p = new ProcessBuilder(shim).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        assertEquals(dir + "\na b|$HOME|", out);
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_jlsOutputIsParsedWithBothQuoteStyles() {
        String out = "jid=3 name=web host.hostname=\"my host\" path=/tank/zed/jails/web\n"
                + "jid=4 name=odd host.hostname='say \"hi\"' path=\"\"\n"
                + "\n"
                + "garbage without pairs\n";
        List<Map<String, String>> jails = Jls.parse(out);
        assertEquals(2, jails.size());
        assertEquals("my host", jails.get(0).get("host.hostname"));
        assertEquals("say \"hi\"", jails.get(1).get("host.hostname"));
        assertEquals("", jails.get(1).get("path"));
        assertTrue(Jls.lists(out, "web"));
        assertFalse(Jls.lists(out, "we"));
        assertFalse(Jls.lists("", "web"));
    }

    @Test
    void freeBsdArgv_notOnFreeBsd_observeOfAnUnknownJailIsAbsent() {
        JailState s = driver.observe("ghost");
        assertFalse(s.running());
        assertNull(s.confHash());
    }

    JailSetup prepared() throws IOException {
        Files.createDirectories(base.resolve("jails/web"));
        return JailSetup.of(spec("web", "web.local", "10.17.0.2/24", null, false, Map.of(), List.of()), ds -> base.resolve(ds));
    }
}
