package zed.actors.boot;

import java.util.HashMap;
import java.util.Map;

/**
 * The users and groups of a root, read from its own {@code etc/passwd} and {@code etc/group} (never the host's name
 * service: a temporary root's users are not the host's).
 */
public record Accounts(Map<String, Integer> uids, Map<String, Integer> gids) {
    public Accounts {
        uids = Map.copyOf(uids);
        gids = Map.copyOf(gids);
    }

    /** From the texts of passwd and group (either may be empty: a root with none yet). */
    public static Accounts parse(String passwd, String group) {
        return new Accounts(ids(passwd), ids(group));
    }

    /** name:x:id:... lines; comments, blanks and NIS lines (+, -) are not accounts. */
    private static Map<String, Integer> ids(String text) {
        Map<String, Integer> ids = new HashMap<>();
        for (String line : text.split("\n")) {
            String[] f = line.split(":", -1);
            if (f.length < 3 || line.startsWith("#") || line.startsWith("+") || line.startsWith("-")) continue;
            try {
                ids.putIfAbsent(f[0], Integer.parseInt(f[2]));
            } catch (NumberFormatException ignored) {
                // not an account line
            }
        }
        return ids;
    }

    int uid(String user) {
        Integer id = "root".equals(user) ? Integer.valueOf(0) : uids.get(user);
        if (id == null) throw new IllegalStateException("user " + user + " is not in etc/passwd");
        return id;
    }

    int gid(String group) {
        Integer id = "root".equals(group) ? Integer.valueOf(0) : gids.get(group);
        if (id == null) throw new IllegalStateException("group " + group + " is not in etc/group");
        return id;
    }
}
