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
                "write /etc/tmpfiles.d/zed.conf 0644 root:root",
                "write /etc/systemd/system/zed-ops.service 0644 root:root",
                "write /etc/systemd/system/zed-agent.service 0644 root:root"), said);
        assertEquals(List.of(), notes);
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
        assertTrue(agent.contains("\nExecStart=/opt/zed-0.2/bin/zed agent\n"), agent);
        // root, the single-process mode, until zed ops takes services, jails, replication and the key (docs/install.md)
        assertTrue(!agent.contains("\nUser=") && !agent.contains("Requires=zed-ops"), agent);
        assertTrue(BootLayout.unit("zed-ops.service", "/z/bin/zed").contains("\nExecStart=/z/bin/zed ops $ZED_OPS_FLAGS\n"));
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
