package zed.reconciler.ops;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The ids a process runs under, as the kernel says them ({@code /proc/<pid>/status}: real, effective, saved and
 * filesystem uid and gid), and whether zed ops may take a process of them for one it started. Pure: no I/O.
 */
record ProcessIds(List<Long> uids, List<Long> gids) {
    ProcessIds {
        uids = List.copyOf(uids);
        gids = List.copyOf(gids);
    }

    /** The Uid and Gid lines of a status file; empty when either is missing or not four numbers. */
    static Optional<ProcessIds> parse(String status) {
        List<Long> uids = null, gids = null;
        for (String line : status.split("\n")) {
            if (line.startsWith("Uid:")) uids = ids(line);
            else if (line.startsWith("Gid:")) gids = ids(line);
        }
        return uids == null || gids == null ? Optional.empty() : Optional.of(new ProcessIds(uids, gids));
    }

    private static List<Long> ids(String line) {
        List<Long> out = new ArrayList<>();
        for (String f : line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
            if (!f.matches("\\d{1,10}")) return null;
            out.add(Long.parseLong(f));
        }
        return out.size() == 4 ? out : null;
    }

    /**
     * Whether every uid is one of the service users' (ops starts only as those), and no id is root's unless the
     * operator named root: a process that carries the token but runs as anyone else (the agent's own user, a set-uid
     * program, root) is not one ops started, and taking it would let the agent stop it.
     *
     * @param serviceUids the uids of the users named by {@code --service-user}
     * @param rootNamed   whether {@code --service-user root} was given
     */
    boolean ofServiceUsers(Set<Long> serviceUids, boolean rootNamed) {
        if (!rootNamed && (uids.contains(0L) || gids.contains(0L))) return false;
        return serviceUids.containsAll(uids);
    }
}
