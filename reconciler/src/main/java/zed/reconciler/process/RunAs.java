package zed.reconciler.process;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The account a service runs as, resolved on this host ({@link HostUsers#lookup}): numbers, so that what runs is
 * what was looked up, inside a jail with its own /etc too.
 *
 * @param user   its name, as the Zedfile says it
 * @param group  the name of its primary group
 * @param groups its supplementary groups, as initgroups(3) would set them (the primary one included)
 * @param home   its home directory, from the password database
 */
public record RunAs(String user, long uid, String group, long gid, List<Long> groups, String home) {
    /** Where setpriv(1) (util-linux) is, on hosts that have it. */
    private static final List<Path> SETPRIV = List.of(Path.of("/usr/bin/setpriv"), Path.of("/bin/setpriv"));

    public RunAs {
        groups = List.copyOf(groups);
    }

    public boolean root() {
        return uid == 0;
    }

    /** This host's setpriv(1), if it has one. */
    public static Optional<Path> setpriv() {
        return SETPRIV.stream().filter(Files::isExecutable).findFirst();
    }

    /**
     * The argv that drops to this account and execs what follows it: real, effective and saved uid and gid, the
     * supplementary groups, and no capability kept in any set (a jail's may keep {@code CAP_NET_BIND_SERVICE}, to bind
     * low ports as the sandbox promises). setpriv execs, so the process keeps its pid, group and start time.
     */
    public List<String> dropTo(String setpriv, boolean bindLowPorts) {
        List<String> a = new ArrayList<>(List.of(setpriv, "--reuid=" + uid, "--regid=" + gid));
        a.add(groups.isEmpty() ? "--clear-groups" : "--groups=" + groups.stream().map(String::valueOf).collect(Collectors.joining(",")));
        String caps = bindLowPorts ? "-all,+net_bind_service" : "-all";
        a.add("--inh-caps=" + caps);
        a.add("--ambient-caps=" + caps);
        a.add("--");
        return a;
    }
}
