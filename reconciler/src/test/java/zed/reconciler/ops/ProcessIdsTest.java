package zed.reconciler.ops;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Which found process zed ops may take for one it started: the rule alone, on status files as the kernel writes them. */
class ProcessIdsTest {
    static String status(String uid, String gid) {
        return "Name:\tsleep\nUmask:\t0022\nState:\tS (sleeping)\nTgid:\t4242\nPid:\t4242\nPPid:\t1\n"
                + "Uid:\t" + uid + "\nGid:\t" + gid + "\nFDSize:\t64\nGroups:\t998 1001 \n";
    }

    static ProcessIds ids(String uid, String gid) {
        return ProcessIds.parse(status(uid, gid)).orElseThrow();
    }

    @Test
    void theUidAndGidLinesAreReadAsTheKernelWritesThem() {
        assertEquals(new ProcessIds(List.of(998L, 998L, 998L, 998L), List.of(997L, 997L, 997L, 997L)), ids("998\t998\t998\t998", "997\t997\t997\t997"));
        assertEquals(Optional.empty(), ProcessIds.parse("Name:\tsleep\nUid:\t998\t998\t998\t998\n"), "no Gid line");
        assertEquals(Optional.empty(), ProcessIds.parse(status("998\t998", "997\t997\t997\t997")), "not four uids");
        assertEquals(Optional.empty(), ProcessIds.parse(status("998\tx\t998\t998", "997\t997\t997\t997")));
    }

    @Test
    void aProcessOfAServiceUserIsTakenAndNoOtherAccountsIs() {
        Set<Long> services = Set.of(998L, 1500L);
        assertTrue(ids("998\t998\t998\t998", "997\t997\t997\t997").ofServiceUsers(services, false));
        assertFalse(ids("1000\t1000\t1000\t1000", "1000\t1000\t1000\t1000").ofServiceUsers(services, false), "the agent's own user, say");
        assertFalse(ids("998\t0\t0\t0", "997\t997\t997\t997").ofServiceUsers(services, false), "a set-uid root program run by a service user");
        assertFalse(ids("998\t1000\t998\t998", "997\t997\t997\t997").ofServiceUsers(services, false), "every uid must be a service user's");
    }

    @Test
    void rootIsTakenOnlyWhereTheOperatorNamedRoot() {
        ProcessIds root = ids("0\t0\t0\t0", "0\t0\t0\t0");
        assertFalse(root.ofServiceUsers(Set.of(998L), false));
        assertFalse(root.ofServiceUsers(Set.of(0L, 998L), false), "a uid-0 account named by another name is not root named");
        assertTrue(root.ofServiceUsers(Set.of(0L, 998L), true));
        assertFalse(ids("998\t998\t998\t998", "0\t0\t0\t0").ofServiceUsers(Set.of(998L), false), "a service user in group 0 is worth root");
        assertTrue(ids("998\t998\t998\t998", "0\t0\t0\t0").ofServiceUsers(Set.of(0L, 998L), true));
    }
}
