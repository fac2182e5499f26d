package zed.reconciler.jail;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.config.LevelSpec;
import zed.config.Pos;
import zed.config.Value;
import zed.reconciler.store.Command;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * NOT RUN ON FREEBSD, NOR WITH BASTILLE: Bastille cannot run here. The driver's commands are checked as argv against
 * a fake Bastille that keeps a table of jails and prints {@code bastille list} the way Bastille 1.x's list.sh does.
 * The list parser is also fed Bastille 0.x's shape. A pass says that we run what we meant, in the order we meant.
 */
class BastilleJailTest {
    static final String B = "/usr/local/bin/bastille";
    static final String LIST = B + " list";

    @TempDir
    Path stateDir;
    FakeBastille fake;
    RecordingCommand cmd;
    BastilleJail driver;

    /** Bastille as far as the driver uses it. */
    static final class FakeBastille {
        final Map<String, Boolean> jails = new LinkedHashMap<>();
        /** Bastille 1.x starts a jail it has just made. */
        boolean createStarts = true;
        /** Like destroy.sh with a jail that still has filesystems mounted: says so, exits 0, keeps the jail. */
        boolean destroyRefuses;

        Command.Result answer(List<String> argv) {
            if (!argv.get(0).equals(B)) throw new AssertionError("not bastille: " + argv);
            List<String> a = argv.subList(1, argv.size());
            String verb = a.get(0);
            String target = a.size() > 1 ? a.get(1) : null;
            switch (verb) {
                case "list" -> {
                    if (jails.isEmpty()) return RecordingCommand.fail(1, "unfortunately there are no jails here (/usr/local/bastille/jails)\n");
                    return RecordingCommand.ok(table());
                }
                case "create" -> {
                    String name = a.get(1).equals("-V") ? a.get(2) : a.get(1);
                    jails.put(name, createStarts);
                    return RecordingCommand.ok("Creating jail " + name + "\n");
                }
                case "start" -> jails.put(target, true);
                case "stop" -> jails.put(target, false);
                case "destroy" -> {
                    if (destroyRefuses) return RecordingCommand.ok("[ERROR]: Failed to destroy jail: " + target + "\nJail has mounted filesystems:\n");
                    jails.remove(target);
                }
                case "cmd" -> {
                    return RecordingCommand.ok("[" + target + "]:\n" + String.join(" ", a.subList(2, a.size())) + "\n");
                }
                case "mount", "umount", "config" -> {
                    if (!jails.containsKey(target)) return RecordingCommand.fail(1, "[ERROR]: Jail not found: " + target);
                }
                default -> throw new AssertionError("unexpected bastille verb: " + argv);
            }
            return RecordingCommand.OK;
        }

        private String table() {
            StringBuilder sb = new StringBuilder(" JID  Name      Boot  Prio  State  Type  IP Address       Published Ports  Release          Tags\n");
            int jid = 1;
            for (Map.Entry<String, Boolean> j : jails.entrySet()) {
                String id = j.getValue() ? String.valueOf(jid++) : "-";
                sb.append(String.format(" %-3s  %-8s  on    99    %-5s  thin  10.17.0.2        -                14.2-RELEASE-p1  -%n", id, j.getKey(), j.getValue() ? "Up" : "Down"));
                sb.append("                                        10.17.0.3\n");
            }
            return sb.toString();
        }
    }

    @BeforeEach
    void setUp() {
        fake = new FakeBastille();
        cmd = new RecordingCommand(fake::answer);
        driver = new BastilleJail(cmd, stateDir, "14.2-RELEASE", "bridge0");
    }

    static JailSetup web(Consumer<Map<String, Value>> params, List<LevelSpec.Mount> mounts, String hostname, String ip4, boolean vnet) {
        Map<String, Value> p = new LinkedHashMap<>();
        params.accept(p);
        LevelSpec.JailSpec s = new LevelSpec.JailSpec("web", "jails/web", hostname, ip4, null, vnet, p, mounts, Pos.NONE);
        return JailSetup.of(s, ds -> Path.of("/tank/zed/" + ds));
    }

    static JailSetup web() {
        return web(p -> {
            p.put("allow.sysvipc", Value.Bool.TRUE);
            p.put("children.max", Value.Num.of(4));
        }, List.of(new LevelSpec.Mount("/var/db/web", "apps/web", "rw", Pos.NONE)), "web.local", "10.17.0.2/24", false);
    }

    @Test
    void bastilleArgv_notOnFreeBsd_ensureCreatesMountsConfiguresAndRestartsANewJail() throws Exception {
        JailState s = driver.ensure(web());

        assertEquals(List.of(
                LIST,
                B + " create web 14.2-RELEASE 10.17.0.2/24",
                B + " mount web /tank/zed/apps/web /var/db/web nullfs rw 0 0",
                B + " config web set host.hostname web.local",
                B + " config web set allow.sysvipc true",
                B + " config web set children.max 4",
                LIST,
                B + " stop web",
                LIST,
                B + " start web",
                LIST), cmd.lines());
        assertEquals(new JailState("web", true, driver.confHash(web())), s);
        assertEquals(driver.render(web()), Files.readString(stateDir.resolve("web.bastille")));
        assertEquals(s, driver.observe("web"));
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aVnetJailIsCreatedOnTheConfiguredInterface() {
        driver.ensure(web(p -> {
        }, List.of(), null, null, true));
        assertEquals(B + " create -V web 14.2-RELEASE 0.0.0.0 bridge0", cmd.lines().get(1));
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aVnetJailWithoutAnInterfaceIsRefusedBeforeAnyCommand() {
        BastilleJail noBridge = new BastilleJail(cmd, stateDir, "14.2-RELEASE", null);
        JailError e = assertThrows(JailError.class, () -> noBridge.ensure(web(p -> {
        }, List.of(), null, null, true)));
        assertEquals(JailError.Kind.INVALID, e.kind());
        assertEquals(List.of(), cmd.calls);
    }

    @Test
    void bastilleArgv_notOnFreeBsd_valuesBastilleCannotTakeAreRefusedBeforeAnyCommand() {
        LevelSpec.JailSpec badIp6 = new LevelSpec.JailSpec("web", "jails/web", null, null, "fd00::2\nrm", false, Map.of(), List.of(), Pos.NONE);
        LevelSpec.JailSpec badParam = new LevelSpec.JailSpec("web", "jails/web", null, null, null, false,
                Map.of("exec.start", new Value.Str("/bin/sh -c 'echo hi'")), List.of(), Pos.NONE);
        for (LevelSpec.JailSpec s : List.of(badIp6, badParam)) {
            JailError e = assertThrows(JailError.class, () -> driver.ensure(JailSetup.of(s, ds -> Path.of("/tank/zed/" + ds))));
            assertEquals(JailError.Kind.INVALID, e.kind(), e.getMessage());
        }
        assertEquals(List.of(), cmd.calls);
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aRunningJailThatMatchesIsLeftAlone() {
        driver.ensure(web());
        cmd.calls.clear();

        JailState s = driver.ensure(web());

        assertEquals(List.of(LIST, LIST), cmd.lines(), "one look, one check: nothing changed");
        assertFalse(Jails.drift(s, driver.confHash(web())));
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aStoppedJailThatMatchesIsStarted() {
        driver.ensure(web());
        driver.stop("web");
        assertTrue(Jails.drift(driver.observe("web"), driver.confHash(web())), "not running is drift");
        cmd.calls.clear();

        driver.ensure(web());

        assertEquals(List.of(LIST, B + " start web", LIST), cmd.lines());
    }

    @Test
    void bastilleArgv_notOnFreeBsd_changedMountsHostnameAndParamsAreAppliedInPlaceThenTheJailRestarts() {
        driver.ensure(web());
        JailSetup changed = web(p -> {
            p.put("children.max", Value.Num.of(8));
            p.put("allow.raw_sockets", Value.Bool.FALSE);
        }, List.of(new LevelSpec.Mount("/var/db/web", "apps/web", "ro", Pos.NONE),
                new LevelSpec.Mount("/srv/media", "apps/media", "rw", Pos.NONE)), "www.local", "10.17.0.2/24", false);
        assertTrue(Jails.drift(driver.observe("web"), driver.confHash(changed)));
        cmd.calls.clear();

        JailState s = driver.ensure(changed);

        assertEquals(List.of(
                LIST,
                LIST,
                B + " stop web",
                LIST,
                B + " umount web /var/db/web",
                B + " mount web /tank/zed/apps/media /srv/media nullfs rw 0 0",
                B + " mount web /tank/zed/apps/web /var/db/web nullfs ro 0 0",
                B + " config web set host.hostname www.local",
                B + " config web remove allow.sysvipc",
                B + " config web set allow.raw_sockets false",
                B + " config web set children.max 8",
                B + " start web",
                LIST), cmd.lines());
        assertEquals(driver.confHash(changed), s.confHash());
        assertEquals(s, driver.observe("web"));
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aChangedReleaseOrIpIsRefusedAndTheJailKeepsRunning() {
        driver.ensure(web());
        cmd.calls.clear();
        BastilleJail newer = new BastilleJail(cmd, stateDir, "15.0-RELEASE", "bridge0");

        JailError release = assertThrows(JailError.class, () -> newer.ensure(web()));
        JailError ip = assertThrows(JailError.class, () -> driver.ensure(web(p -> {
        }, List.of(), "web.local", "10.17.0.9/24", false)));

        assertEquals(JailError.Kind.INVALID, release.kind());
        assertTrue(release.getMessage().contains("release changed from 14.2-RELEASE to 15.0-RELEASE"), release.getMessage());
        assertTrue(ip.getMessage().contains("ip changed from 10.17.0.2/24 to 10.17.0.9/24"), ip.getMessage());
        assertEquals(List.of(LIST, LIST), cmd.lines(), "only looked");
        assertTrue(driver.observe("web").running());
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aJailZedDidNotMakeIsNotTouched() {
        fake.jails.put("web", true);
        JailError e = assertThrows(JailError.class, () -> driver.ensure(web()));
        assertEquals(JailError.Kind.NOT_MANAGED, e.kind());
        assertEquals(List.of(LIST), cmd.lines());
        assertNull(driver.observe("web").confHash());
    }

    @Test
    void bastilleArgv_notOnFreeBsd_badNamesAreRefusedBeforeAnyCommandRuns() {
        JailSetup.HostMount m = new JailSetup.HostMount("/var/db/web", Path.of("/tank/zed/apps/web"), JailSetup.Mode.RW);
        for (String bad : List.of("web;reboot", "../web", "", "a b", "web.local", "$(id)", "web\n", "14.2-RELEASE", "Debian12")) {
            List<Runnable> calls = List.of(
                    () -> driver.create(bad, "14.2-RELEASE", "10.17.0.2", false),
                    () -> driver.start(bad),
                    () -> driver.stop(bad),
                    () -> driver.cmd(bad, List.of("id"), Duration.ofSeconds(5)),
                    () -> driver.mount(bad, m),
                    () -> driver.umount(bad, "/var/db/web"),
                    () -> driver.destroy(bad),
                    () -> driver.observe(bad));
            for (Runnable call : calls) {
                JailError e = assertThrows(JailError.class, call::run, bad);
                assertEquals(JailError.Kind.INVALID, e.kind(), bad);
            }
        }
        JailError e = assertThrows(JailError.class, () -> JailSetup.of(
                new LevelSpec.JailSpec("web/../x", "jails/web", null, null, null, false, Map.of(), List.of(), Pos.NONE), ds -> Path.of("/j")));
        assertEquals(JailError.Kind.INVALID, e.kind(), "ensure() cannot even be asked: the setup refuses the name");
        assertEquals(List.of(), cmd.calls, "not one command ran");
    }

    @Test
    void bastilleArgv_notOnFreeBsd_destroyStopsTheJailDestroysItAndChecksThatItWentAway() {
        driver.ensure(web());
        cmd.calls.clear();

        driver.destroy("web");

        assertEquals(List.of(LIST, LIST, B + " stop web", LIST, B + " destroy web", LIST), cmd.lines());
        assertEquals(JailState.absent("web"), driver.observe("web"));
        assertFalse(Files.exists(stateDir.resolve("web.bastille")));
    }

    @Test
    void bastilleArgv_notOnFreeBsd_aDestroyThatLeavesTheJailBehindIsAnError() {
        driver.ensure(web());
        driver.stop("web");
        fake.destroyRefuses = true;

        JailError e = assertThrows(JailError.class, () -> driver.destroy("web"));

        assertEquals(JailError.Kind.STILL_THERE, e.kind());
        assertTrue(e.getMessage().startsWith("jail web: still there: bastille destroy exited 0, but bastille list still shows the jail"), e.getMessage());
        assertTrue(e.getMessage().contains("Jail has mounted filesystems"), e.getMessage());
        assertTrue(Files.exists(stateDir.resolve("web.bastille")), "Zed still knows the jail it made");
    }

    @Test
    void bastilleArgv_notOnFreeBsd_destroyingAJailThatIsNotThereRunsOnlyList() {
        driver.destroy("web");
        assertEquals(List.of(LIST), cmd.lines());
    }

    @Test
    void bastilleArgv_notOnFreeBsd_cmdPassesItsArgvThroughAndReturnsWhatItSaid() {
        driver.ensure(web());
        cmd.calls.clear();
        Command.Result r = driver.cmd("web", List.of("sysrc", "-n", "hostname"), Duration.ofSeconds(30));
        assertEquals(List.of(B + " cmd web sysrc -n hostname"), cmd.lines());
        assertEquals("[web]:\nsysrc -n hostname\n", r.stdout());
    }

    @Test
    void bastilleArgv_notOnFreeBsd_wrapUsesJexecSoTheEnvironmentIsKept() {
        assertEquals(List.of("/usr/sbin/jexec", "web", "/usr/local/bin/web"), driver.wrap(web(), List.of("/usr/local/bin/web")));
        assertEquals(List.of(), cmd.calls);
    }

    @Test
    void bastilleArgv_notOnFreeBsd_listReadsBastille1AndBastille0Tables() {
        String v1 = """
                 JID  Name  Boot  Prio  State  Type  IP Address       Published Ports  Release          Tags
                 1    web   on    99    Up     thin  10.17.0.2        tcp/80:80        14.2-RELEASE-p1  prod
                                                     10.17.0.3
                 -    db    off   99    Down   thick 10.17.0.4        -                14.2-RELEASE-p1  -
                 -    old   off   99    n/a    thin  -                -                -                -
                """;
        assertEquals(Map.of("web", new BastilleList.Entry("web", true), "db", new BastilleList.Entry("db", false),
                "old", new BastilleList.Entry("old", false)), BastilleList.parse(v1));
        String v0 = """
                JID             IP Address      Hostname                                         Path
                web             10.17.0.2       web                                              /usr/local/bastille/jails/web/root
                db              10.17.0.4       db                                               /usr/local/bastille/jails/db/root
                """;
        assertEquals(List.of("web", "db"), List.copyOf(BastilleList.parse(v0).keySet()));
        assertTrue(BastilleList.parse(v0).get("db").running(), "0.x lists running jails only");
        assertEquals(Map.of(), BastilleList.parse(""));
        assertEquals(List.of("web"), List.copyOf(BastilleList.parse("\u001B[0;32m JID  Name  State\u001B[0m\n 1    web   Up\n").keySet()));
    }

    @Test
    void bastilleArgv_notOnFreeBsd_listNamesEveryJailWithWhetherItIsUp() {
        assertEquals(Map.of(), driver.list(), "Bastille's \"no jails here\" is an empty list, not an error");
        driver.ensure(web());
        driver.stop("web");
        assertEquals(Map.of("web", false), driver.list());
    }
}
