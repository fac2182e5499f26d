package zed.chaos;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The distribution as an operator gets it: the tarball the actors module's package phase built, unpacked by tar,
 * holds exactly the launcher, the jars, the units, the rc.d script, agent.conf and the completion script with their
 * modes; its {@code bin/zed} runs from the unpacked tree (no sources there to build from); its completion script is
 * bash that completes zed's commands; and its {@code zed agent install} sets a root up (as root, which CI is), checked
 * in that root's files and passwd, and by {@code systemd-analyze verify} there.
 */
class DistributionTest {
    static final Path REPO = ZedProcess.bin().getParent().getParent();

    @TempDir
    static Path tmp;
    static String version;
    static Path unpacked;

    @BeforeAll
    static void unpackTheTarball() throws Exception {
        Matcher v = Pattern.compile("<version>([^<]+)</version>").matcher(Files.readString(REPO.resolve("pom.xml")));
        assertTrue(v.find(), "the project's version in pom.xml");
        version = v.group(1);
        Path tarball = REPO.resolve("actors/target/zed-" + version + ".tar.gz");
        assertTrue(Files.isRegularFile(tarball), tarball + " (mvn package builds it)");
        Path into = Files.createDirectories(tmp.resolve("unpacked"));
        run(List.of("tar", "-C", into.toString(), "-xzf", tarball.toString()));
        unpacked = into.resolve("zed-" + version);
    }

    /** Runs a command to its end and returns its output (both streams); fails on a non-zero exit. */
    static String run(List<String> argv) throws IOException, InterruptedException {
        Outcome o = outcome(argv);
        assertEquals(0, o.exit, argv + ": " + o.output);
        return o.output;
    }

    record Outcome(int exit, String output) {
    }

    static Outcome outcome(List<String> argv) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(argv + " did not finish within 120 s");
        }
        return new Outcome(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
    }

    static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, java.nio.file.LinkOption.NOFOLLOW_LINKS));
    }

    static ZedProcess.Outcome zed(Path bin, String... args) throws Exception {
        return ZedProcess.run(bin, tmp, Map.of("ZED_HOME", Files.createDirectories(tmp.resolve("home")).toString()), Duration.ofSeconds(60), args);
    }

    @Test
    void theTarballHoldsTheLauncherJarsUnitsAndScriptsWithTheirModesAndItsZedRunsFromThere() throws Exception {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(unpacked)) {
            for (Path p : all.filter(Files::isRegularFile).toList()) files.put(unpacked.relativize(p).toString(), mode(p));
        }
        assertEquals(new TreeMap<>(Map.of(
                "bin/zed", "rwxr-xr-x",
                "lib/zed.jar", "rw-r--r--",
                "lib/zed-cli.jar", "rw-r--r--",
                "share/zed/agent.conf", "rw-r--r--",
                "share/zed/ops.env", "rw-r--r--",
                "share/zed/completion/zed.bash", "rw-r--r--",
                "share/zed/rc.d/zed_agent", "rwxr-xr-x",
                "share/zed/systemd/zed-agent.service", "rw-r--r--",
                "share/zed/systemd/zed-ops.service", "rw-r--r--",
                "share/zed/tmpfiles.d/zed.conf", "rw-r--r--")), files);

        String agent = Files.readString(unpacked.resolve("share/zed/systemd/zed-agent.service"));
        // the agent as zed, through zed ops, which it needs (docs/install.md)
        assertTrue(agent.contains("\nExecStart=/opt/zed/bin/zed agent --ops-socket /run/zed/ops.sock\n") && agent.contains("\nUser=zed\n")
                && agent.contains("\nRequires=zed-ops.service\n"), agent);
        String ops = Files.readString(unpacked.resolve("share/zed/systemd/zed-ops.service"));
        assertTrue(ops.contains("\nExecStart=/opt/zed/bin/zed ops $ZED_OPS_FLAGS\n") && ops.contains("\nEnvironmentFile=-/etc/zed/ops.env\n")
                && !ops.contains("\nUser=") && ops.contains("\nEnvironment=ZED_SECRETS_KEY=/etc/zed/secrets.key\n"), "zed ops runs as root, its roots from ops.env: " + ops);
        // ops.env names no root: the operator's pool is not known here, and ops refuses to start without one
        assertTrue(Files.readAllLines(unpacked.resolve("share/zed/ops.env")).stream().allMatch(l -> l.isEmpty() || l.startsWith("#")));
        Path rc = unpacked.resolve("share/zed/rc.d/zed_agent");
        run(List.of("sh", "-n", rc.toString()));
        String rcd = Files.readString(rc);
        assertTrue(rcd.contains("\nname=zed_agent\n") && rcd.contains("\nrcvar=zed_agent_enable\n") && rcd.contains(": ${zed_agent_program:=\"/opt/zed/bin/zed\"}"), rcd);
        // the default agent.conf sets one thing: services that name no user run as zed-svc, which install makes
        List<String> set = Files.readAllLines(unpacked.resolve("share/zed/agent.conf")).stream().filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertEquals(List.of("service-user = zed-svc"), set);

        // the packaged launcher: the version of this build and the commit it was built from, from a tree with no
        // sources (the repository's bin/zed would build, this one cannot)
        String head = run(List.of("git", "-C", REPO.toString(), "rev-parse", "HEAD")).strip();
        ZedProcess.Outcome o = zed(unpacked.resolve("bin/zed"), "version");
        assertEquals(0, o.exit(), o.toString());
        assertTrue(o.out().matches("zed " + Pattern.quote(version) + " \\(commit " + head.substring(0, 12) + "(-dirty)?\\)\n"), o.toString());
        assertEquals("", o.err(), o.toString());
        ZedProcess.Outcome flag = zed(unpacked.resolve("bin/zed"), "--version");
        assertEquals(0, flag.exit(), flag.toString());
        assertEquals(o.out(), flag.out());
    }

    @Test
    void theCompletionScriptIsBashThatCompletesZedsCommands() throws Exception {
        Path script = unpacked.resolve("share/zed/completion/zed.bash");
        ZedProcess.Outcome generated = zed(unpacked.resolve("bin/zed"), "completion", "bash");
        assertEquals(0, generated.exit(), generated.toString());
        assertEquals(Files.readString(script), generated.out(), "the tarball's script is what zed completion bash prints");
        run(List.of("bash", "-n", script.toString()));

        assertEquals(List.of("version"), complete(script, "zed", "vers"));
        assertEquals(List.of("install"), complete(script, "zed", "agent", "ins"));
        assertEquals(List.of("bash"), complete(script, "zed", "completion", ""));
        assertTrue(complete(script, "zed", "").containsAll(List.of("agent", "up", "status", "version", "completion")));
    }

    /** What bash offers for the last word, through the function the script registers for zed with complete -F. */
    static List<String> complete(Path script, String... words) throws Exception {
        StringBuilder w = new StringBuilder();
        for (String s : words) w.append(" '").append(s).append("'");
        String line = String.join(" ", words);
        // compopt complains outside a completion that readline started; what it sets (no space after an option that
        // takes a value) is not what this checks
        String bash = "compopt() { :; }\n"
                + "source '" + script + "'\n"
                + "f=$(complete -p zed | sed -E 's/.* -F ([^ ]+) .*/\\1/')\n"
                + "COMP_WORDS=(" + w + ")\nCOMP_CWORD=" + (words.length - 1) + "\nCOMP_LINE='" + line + "'\nCOMP_POINT=${#COMP_LINE}\n"
                + "\"$f\" zed '" + words[words.length - 1] + "' '" + words[words.length - 2] + "'\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        String out = run(List.of("bash", "-c", bash));
        List<String> offered = new ArrayList<>();
        for (String s : out.split("\n")) if (!s.isBlank()) offered.add(s.strip());
        return offered;
    }

    @Test
    void agentInstallSetsARootUpOnceAndThenChangesNothing() throws Exception {
        boolean root = Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        if (!root) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("CI runs as root, and zed agent install needs it");
            Assumptions.abort("zed agent install needs root");
        }
        byte[] passwd = Files.readAllBytes(Path.of("/etc/passwd"));
        byte[] group = Files.readAllBytes(Path.of("/etc/group"));

        // a root as an image has it: systemd's own units (so that verify finds sysinit.target there), and this
        // version unpacked in /opt behind the link /opt/zed, as docs/install.md says
        Path dir = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(dir.resolve("usr/lib/systemd"));
        run(List.of("cp", "-a", "/usr/lib/systemd/system", dir.resolve("usr/lib/systemd/system").toString()));
        Files.createDirectories(dir.resolve("opt"));
        run(List.of("cp", "-a", unpacked.toString(), dir.resolve("opt").toString()));
        Files.createSymbolicLink(dir.resolve("opt/zed"), Path.of("zed-" + version));
        Path zed = dir.resolve("opt/zed/bin/zed");

        // units that would run nothing are refused before anything is made
        ZedProcess.Outcome wrong = zed(zed, "agent", "install", "--root", dir.toString(), "--zed", "/opt/zed/bin/zd");
        assertEquals(2, wrong.exit(), wrong.toString());
        assertEquals(List.of("zed agent install: the units would run /opt/zed/bin/zd, which is no executable file under " + dir + "; nothing was changed"), wrong.errLines());
        assertFalse(Files.exists(dir.resolve("etc")), "nothing was made");

        ZedProcess.Outcome first = zed(zed, "agent", "install", "--root", dir.toString());
        assertEquals(0, first.exit(), first.toString());
        assertEquals(List.of(
                "add system user zed (Zed agent, home /var/lib/zed, no login shell)",
                "add system user zed-svc (Zed services, home /nonexistent, no login shell)",
                "make /etc/zed/ 0750 root:zed",
                "make /var/lib/zed/ 0750 zed:zed",
                "make /var/log/zed/ 0750 zed:zed",
                "make /run/zed/ 0750 root:zed",
                "write /etc/zed/agent.conf 0600 zed:zed",
                "write /etc/zed/ops.env 0600 root:root",
                "write /etc/tmpfiles.d/zed.conf 0644 root:root",
                "write /etc/systemd/system/zed-ops.service 0644 root:root",
                "write /etc/systemd/system/zed-agent.service 0644 root:root",
                "installed in " + dir + "; the units run /opt/zed/bin/zed"), first.outLines());

        // the users are the root's, system users without a login shell; the host's own passwd and group are untouched
        Map<String, String[]> users = entries(dir.resolve("etc/passwd"));
        Map<String, String[]> groups = entries(dir.resolve("etc/group"));
        for (String u : List.of("zed", "zed-svc")) {
            String[] e = users.get(u);
            assertTrue(e != null && groups.containsKey(u), u + " in " + users.keySet() + " and " + groups.keySet());
            assertTrue(Integer.parseInt(e[2]) < 1000, u + " is a system user: uid " + e[2]);
            assertEquals("/usr/sbin/nologin", e[6], u + "'s shell");
            assertEquals(groups.get(u)[2], e[3], u + "'s primary group is its own");
        }
        assertEquals("/var/lib/zed", users.get("zed")[5]);
        assertEquals("/nonexistent", users.get("zed-svc")[5]);
        assertFalse(Files.exists(dir.resolve("var/lib/zed/.bashrc")), "no home was populated");
        assertEquals(new String(passwd, StandardCharsets.UTF_8), Files.readString(Path.of("/etc/passwd")), "the host's passwd is untouched");
        assertEquals(new String(group, StandardCharsets.UTF_8), Files.readString(Path.of("/etc/group")), "the host's group is untouched");

        int zedUid = Integer.parseInt(users.get("zed")[2]), zedGid = Integer.parseInt(groups.get("zed")[2]);
        assertOwned(dir.resolve("etc/zed"), "rwxr-x---", 0, zedGid);
        assertOwned(dir.resolve("var/lib/zed"), "rwxr-x---", zedUid, zedGid);
        assertOwned(dir.resolve("var/log/zed"), "rwxr-x---", zedUid, zedGid);
        assertOwned(dir.resolve("run/zed"), "rwxr-x---", 0, zedGid);
        assertOwned(dir.resolve("etc/zed/agent.conf"), "rw-------", zedUid, zedGid);
        assertEquals(Files.readString(unpacked.resolve("share/zed/agent.conf")), Files.readString(dir.resolve("etc/zed/agent.conf")));
        assertOwned(dir.resolve("etc/zed/ops.env"), "rw-------", 0, 0);
        assertOwned(dir.resolve("etc/tmpfiles.d/zed.conf"), "rw-r--r--", 0, 0);
        for (String unit : List.of("zed-ops.service", "zed-agent.service")) {
            Path u = dir.resolve("etc/systemd/system").resolve(unit);
            assertOwned(u, "rw-r--r--", 0, 0);
            assertEquals(Files.readString(unpacked.resolve("share/zed/systemd").resolve(unit)), Files.readString(u),
                    unit + ": the tarball's, running the launcher through /opt/zed");
        }
        Outcome verify = outcome(List.of("systemd-analyze", "verify", "--root=" + dir, "/etc/systemd/system/zed-ops.service", "/etc/systemd/system/zed-agent.service"));
        assertEquals(new Outcome(0, ""), verify, "systemd-analyze verify in the root");

        ZedProcess.Outcome second = zed(zed, "agent", "install", "--root", dir.toString());
        assertEquals(0, second.exit(), second.toString());
        assertEquals(List.of("nothing to change in " + dir + ": the users, directories and units of zed " + version + " are in place"), second.outLines());

        // the operator's agent.conf is theirs; a mode gone wrong is put right, and only that; a host whose agent ran
        // as root (an upgrade) has its key moved to root's place and the state that agent left given to zed
        Files.writeString(dir.resolve("etc/zed/agent.conf"), "host = h7\n");
        Files.setPosixFilePermissions(dir.resolve("var/lib/zed"), PosixFilePermissions.fromString("rwxr-xr-x"));
        Path oldKey = Files.writeString(dir.resolve("var/lib/zed/secrets.key"), "AGE-SECRET-KEY-1TEST\n");
        Files.setPosixFilePermissions(oldKey, PosixFilePermissions.fromString("r--------"));
        Path journal = Files.createDirectories(dir.resolve("var/lib/zed/journal"));
        Files.writeString(journal.resolve("journal.mv.db"), "h2");
        Files.setPosixFilePermissions(journal, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.setPosixFilePermissions(journal.resolve("journal.mv.db"), PosixFilePermissions.fromString("rw-r--r--"));
        ZedProcess.Outcome third = zed(zed, "agent", "install", "--root", dir.toString());
        assertEquals(0, third.exit(), third.toString());
        assertEquals(List.of("chmod /var/lib/zed 0755 -> 0750",
                "move /var/lib/zed/secrets.key to /etc/zed/secrets.key 0400 root:root (the host key is root's, where the agent cannot replace it)",
                "chown 2 paths under /var/lib/zed/ to zed:zed (left by an agent that ran as root)",
                "kept /etc/zed/agent.conf: it differs from the default, so it is the operator's and is not overwritten",
                "installed in " + dir + "; the units run /opt/zed/bin/zed"), third.outLines());
        assertEquals("host = h7\n", Files.readString(dir.resolve("etc/zed/agent.conf")));
        assertOwned(dir.resolve("var/lib/zed"), "rwxr-x---", zedUid, zedGid);
        assertFalse(Files.exists(oldKey, java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertOwned(dir.resolve("etc/zed/secrets.key"), "r--------", 0, 0);
        assertEquals("AGE-SECRET-KEY-1TEST\n", Files.readString(dir.resolve("etc/zed/secrets.key")));
        assertOwned(journal, "rwxr-xr-x", zedUid, zedGid);
        assertOwned(journal.resolve("journal.mv.db"), "rw-r--r--", zedUid, zedGid);
        ZedProcess.Outcome fourth = zed(zed, "agent", "install", "--root", dir.toString());
        assertEquals(List.of("kept /etc/zed/agent.conf: it differs from the default, so it is the operator's and is not overwritten",
                "nothing to change in " + dir + ": the users, directories and units of zed " + version + " are in place"), fourth.outLines());
    }

    static Map<String, String[]> entries(Path file) throws IOException {
        Map<String, String[]> m = new TreeMap<>();
        for (String line : Files.readAllLines(file)) {
            String[] f = line.split(":", -1);
            m.put(f[0], f);
        }
        return m;
    }

    static void assertOwned(Path p, String mode, int uid, int gid) throws IOException {
        assertEquals(mode + " " + uid + ":" + gid, mode(p) + " " + Files.getAttribute(p, "unix:uid", java.nio.file.LinkOption.NOFOLLOW_LINKS)
                + ":" + Files.getAttribute(p, "unix:gid", java.nio.file.LinkOption.NOFOLLOW_LINKS), p.toString());
    }
}
