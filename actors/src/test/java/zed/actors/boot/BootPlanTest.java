package zed.actors.boot;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What zed agent install would change, from what a root holds: pure, no files. */
class BootPlanTest {
    static final List<Wanted> LAYOUT = BootLayout.linux("/opt/zed/bin/zed");
    static final Accounts WITH_USERS = Accounts.parse("root:x:0:0::/root:/bin/bash\nzed:x:998:998::/var/lib/zed:/usr/sbin/nologin\nzed-svc:x:997:997::/nonexistent:/usr/sbin/nologin\n",
            "root:x:0:\nzed:x:998:\nzed-svc:x:997:\n");

    /** A root as a map of host paths to what is there; anything else is nothing. */
    static java.util.function.Function<String, Found> root(Map<String, Found> paths) {
        return p -> paths.getOrDefault(p, Found.NOTHING);
    }

    /** What a finished install leaves: every directory and file as wanted. */
    static Map<String, Found> installed() {
        Map<String, Found> m = new HashMap<>();
        for (Wanted w : LAYOUT) {
            if (w instanceof Wanted.Directory d) m.put(d.path(), new Found(Found.Kind.DIRECTORY, d.mode(), WITH_USERS.uid(d.owner()), WITH_USERS.gid(d.group()), null));
            if (w instanceof Wanted.Content c) m.put(c.path(), new Found(Found.Kind.FILE, c.mode(), WITH_USERS.uid(c.owner()), WITH_USERS.gid(c.group()), c.text()));
        }
        return m;
    }

    @Test
    void anEmptyRootGetsBothUsersThenEveryDirectoryAndFile() {
        List<Change> users = BootPlan.accounts(LAYOUT, Accounts.parse("", ""));
        assertEquals(List.of("zed", "zed-svc"), users.stream().map(c -> ((Change.AddAccount) c).account().name()).toList());

        List<String> notes = new ArrayList<>();
        List<String> said = BootPlan.files(LAYOUT, root(Map.of()), WITH_USERS, notes).stream().map(Change::describe).toList();
        assertEquals(List.of(
                "make /etc/zed/ 0750 root:zed",
                "make /var/lib/zed/ 0750 zed:zed",
                "make /var/log/zed/ 0750 zed:zed",
                "make /run/zed/ 0750 root:zed",
                "write /etc/zed/agent.conf 0600 zed:zed",
                "write /etc/zed/ops.env 0600 root:root",
                "write /etc/tmpfiles.d/zed.conf 0644 root:root",
                "write /etc/systemd/system/zed-ops.service 0644 root:root",
                "write /etc/systemd/system/zed-agent.service 0644 root:root"), said);
        assertEquals(List.of(), notes);
    }

    @Test
    void aHostWhoseAgentRanAsRootHasItsKeyMovedToRootsPlaceAndItsStateGivenToTheAgent() {
        Map<String, Found> host = installed();
        host.put("/var/lib/zed/secrets.key", new Found(Found.Kind.FILE, 0400, 0, 0, "AGE-SECRET-KEY-1..."));
        List<String> notes = new ArrayList<>();
        assertEquals(List.of("move /var/lib/zed/secrets.key to /etc/zed/secrets.key 0400 root:root (the host key is root's, where the agent cannot replace it)"),
                BootPlan.files(LAYOUT, root(host), WITH_USERS, notes).stream().map(Change::describe).toList());
        assertEquals(List.of(), notes);

        // a key at both places: the one the units read stays, the other is left for the operator, never given to zed
        host.put("/etc/zed/secrets.key", new Found(Found.Kind.FILE, 0400, 0, 0, "AGE-SECRET-KEY-2..."));
        assertEquals(List.of(), BootPlan.files(LAYOUT, root(host), WITH_USERS, notes));
        assertEquals(List.of("left /var/lib/zed/secrets.key alone: /etc/zed/secrets.key is there already, and is the one read now; remove the other once you know which is right"), notes);

        List<Wanted.OwnedTree> asked = new ArrayList<>();
        List<Change> trees = BootPlan.trees(LAYOUT, (t, ids) -> {
            asked.add(t);
            return 3;
        }, WITH_USERS);
        assertEquals(List.of("chown 3 paths under /var/lib/zed/ to zed:zed (left by an agent that ran as root)"), trees.stream().map(Change::describe).toList());
        assertEquals("/var/lib/zed/secrets.key", asked.get(0).except(), "the old key is never the agent's");
        assertEquals(List.of(), BootPlan.trees(LAYOUT, (t, ids) -> 0, WITH_USERS), "all the agent's already: nothing");
    }

    @Test
    void aRootInstalledAlreadyChangesNothing() {
        assertEquals(List.of(), BootPlan.accounts(LAYOUT, WITH_USERS));
        List<String> notes = new ArrayList<>();
        assertEquals(List.of(), BootPlan.files(LAYOUT, root(installed()), WITH_USERS, notes));
        assertEquals(List.of(), notes);
    }

    @Test
    void anEditedAgentConfIsKeptWhateverItsModeAndAChangedUnitIsReplaced() {
        Map<String, Found> m = installed();
        m.put("/etc/zed/agent.conf", new Found(Found.Kind.FILE, 0640, 0, 0, "host = h7\n"));
        m.put("/etc/systemd/system/zed-agent.service", new Found(Found.Kind.FILE, 0644, 0, 0, "[Service]\nExecStart=/old/bin/zed agent\n"));
        List<String> notes = new ArrayList<>();
        List<String> said = BootPlan.files(LAYOUT, root(m), WITH_USERS, notes).stream().map(Change::describe).toList();
        assertEquals(List.of("replace (it differed from this version's) /etc/systemd/system/zed-agent.service 0644 root:root"), said);
        assertEquals(List.of("kept /etc/zed/agent.conf: it differs from the default, so it is the operator's and is not overwritten"), notes);
    }

    @Test
    void aWrongModeOrOwnerIsFixedInPlace() {
        Map<String, Found> m = installed();
        m.put("/var/lib/zed", new Found(Found.Kind.DIRECTORY, 0755, 0, 0, null));
        m.put("/etc/systemd/system/zed-ops.service", new Found(Found.Kind.FILE, 0666, 0, 0, BootLayout.unit("zed-ops.service", "/opt/zed/bin/zed")));
        List<String> said = BootPlan.files(LAYOUT, root(m), WITH_USERS, new ArrayList<>()).stream().map(Change::describe).toList();
        assertEquals(List.of("chown /var/lib/zed zed:zed", "chmod /var/lib/zed 0755 -> 0750", "chmod /etc/systemd/system/zed-ops.service 0666 -> 0644"), said);
    }

    @Test
    void aFileWhereADirectoryGoesOrALinkIsRefusedNotReplaced() {
        Map<String, Found> m = installed();
        m.put("/etc/zed", new Found(Found.Kind.FILE, 0644, 0, 0, "x"));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> BootPlan.files(LAYOUT, root(m), WITH_USERS, new ArrayList<>()));
        assertEquals("/etc/zed should be a directory but is a file; move it away and run zed agent install again", e.getMessage());

        Map<String, Found> l = installed();
        l.put("/etc/systemd/system/zed-agent.service", new Found(Found.Kind.OTHER, 0777, 0, 0, null));
        e = assertThrows(IllegalStateException.class, () -> BootPlan.files(LAYOUT, root(l), WITH_USERS, new ArrayList<>()));
        assertTrue(e.getMessage().contains("is a link or special file"), e.getMessage());
    }

    @Test
    void theUnitsRunTheLauncherTheyAreGivenAndRefuseOneSystemdWouldSplit() {
        String agent = BootLayout.unit("zed-agent.service", "/opt/zed-0.2/bin/zed");
        // the agent as zed, always through zed ops, which starts first and whose stop stops it (docs/install.md)
        assertTrue(agent.contains("\nExecStart=/opt/zed-0.2/bin/zed agent --ops-socket /run/zed/ops.sock\n"), agent);
        assertTrue(agent.contains("\nUser=zed\n") && agent.contains("\nRequires=zed-ops.service\n") && agent.contains("zed-ops.service\n")
                && agent.contains("\nNoNewPrivileges=yes\n"), agent);
        String ops = BootLayout.unit("zed-ops.service", "/z/bin/zed");
        assertTrue(ops.contains("\nExecStart=/z/bin/zed ops $ZED_OPS_FLAGS\n") && !ops.contains("\nUser="), ops);
        assertTrue(ops.contains("\nEnvironment=ZED_SECRETS_KEY=" + BootLayout.SECRETS_KEY + "\n"), "ops reads the key from root's place: " + ops);
        assertThrows(IllegalArgumentException.class, () -> BootLayout.linux("/opt/my zed/bin/zed"));
        assertThrows(IllegalArgumentException.class, () -> BootLayout.linux("bin/zed"));
    }

    @Test
    void accountsComeFromTheRootsOwnFilesSkippingWhatIsNoAccount() {
        Accounts a = Accounts.parse("# c\n+nis\nzed:x:998:998::/var/lib/zed:/usr/sbin/nologin\nbad:x:notanumber:0::/:/bin/sh\n", "zed:x:998:\n");
        assertEquals(Map.of("zed", 998), a.uids());
        assertEquals(998, a.gid("zed"));
        assertEquals(0, a.uid("root"));
        assertThrows(IllegalStateException.class, () -> a.uid("zed-svc"));
    }
}
