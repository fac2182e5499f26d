package zed.reconciler.process;

import jnr.ffi.LibraryLoader;
import jnr.ffi.Memory;
import jnr.ffi.Pointer;
import jnr.ffi.Runtime;
import jnr.ffi.byref.IntByReference;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;

import java.util.ArrayList;
import java.util.List;

/**
 * Looks accounts up in this host's user database through the C library (getpwnam, getgrnam, getgrouplist), so that
 * NSS sources (LDAP, systemd's dynamic users) answer as they do for login(1). A name that is not there fails the
 * service's start, naming the account: never a fall back to root.
 */
public final class HostUsers {
    public interface C {
        int getgrouplist(String user, int group, Pointer groups, IntByReference ngroups);
    }

    private static final class Loaded {
        static final POSIX POSIX = POSIXFactory.getNativePOSIX();
        static final C C = LibraryLoader.create(HostUsers.C.class).load("c");
        static final Runtime RUNTIME = Runtime.getRuntime(C);
    }

    private HostUsers() {
    }

    /**
     * @param service the service's name, for the message
     * @param user    the account's name
     * @param group   its group instead of the account's primary one; null for that
     * @throws Launcher.LaunchError when the user or the group does not exist on this host
     */
    /**
     * The account a service or a job runs as, looked up on this host at each start (an account made or removed since
     * counts); null for root with root's group, which is how the node itself runs: no drop at all. A user that is not
     * there fails the start, naming it.
     */
    public static RunAs runAs(String ref, String user, String group) {
        if (user.equals("root") && group == null) return null; // as the node: nothing to look up or drop
        RunAs as = lookup(ref, user, group);
        return as.root() && as.gid() == 0 ? null : as;
    }

    public static synchronized RunAs lookup(String service, String user, String group) {
        Passwd pw = Loaded.POSIX.getpwnam(user);
        if (pw == null) {
            throw new Launcher.LaunchError(service + ": user \"" + user + "\" does not exist on this host; nothing was started (create it, or name another user)");
        }
        long gid = pw.getGID();
        String groupName;
        if (group != null) {
            Group g = Loaded.POSIX.getgrnam(group);
            if (g == null) throw new Launcher.LaunchError(service + ": group \"" + group + "\" does not exist on this host; nothing was started");
            gid = g.getGID();
            groupName = group;
        } else {
            Group g = Loaded.POSIX.getgrgid((int) gid);
            groupName = g == null ? String.valueOf(gid) : g.getName();
        }
        return new RunAs(user, pw.getUID(), groupName, gid, groupsOf(user, gid), pw.getHome());
    }

    /** initgroups(3)'s answer without changing ours: the groups that list the user, and {@code gid}. */
    private static List<Long> groupsOf(String user, long gid) {
        for (int size = 64; ; size *= 4) {
            Pointer buf = Memory.allocateDirect(Loaded.RUNTIME, size * 4);
            IntByReference n = new IntByReference(size);
            int rc = Loaded.C.getgrouplist(user, (int) gid, buf, n);
            if (rc >= 0) {
                List<Long> out = new ArrayList<>();
                for (int i = 0; i < n.getValue(); i++) out.add(Integer.toUnsignedLong(buf.getInt(4L * i)));
                return out;
            }
            if (size > 65536) throw new Launcher.LaunchError(user + ": more than " + size + " groups");
        }
    }
}
