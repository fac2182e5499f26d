package zed.actors.warden;

import java.util.Set;
import java.util.TreeSet;

/**
 * The levels on this host that have a standby, and the node's pool: what the warden stops when the agent dies
 * uncleanly, as a downed agent does ({@link zed.actors.replica.Fencing#standDown}). One line each ({@code pool P},
 * {@code level L}), so that an operator can read it. Pure.
 *
 * @param pool null for the dir store, which nothing fails over from
 */
public record StandbyLevels(String pool, Set<String> levels) {
    public static final StandbyLevels NONE = new StandbyLevels(null, Set.of());

    public StandbyLevels {
        levels = Set.copyOf(levels);
    }

    /**
     * What the file says while a restarted node wakes its levels: these levels, and those of the last agent's file
     * ({@code inherited}) that this node has not had with a standby yet ({@code seen}), whose services may still run
     * here from before. Once a level has been seen, the node's set alone says whether it has a standby.
     */
    public StandbyLevels after(Set<String> inherited, Set<String> seen) {
        Set<String> all = new TreeSet<>(levels);
        for (String l : inherited) if (!seen.contains(l)) all.add(l);
        return new StandbyLevels(pool, all);
    }

    public String render() {
        StringBuilder b = new StringBuilder();
        if (pool != null) b.append("pool ").append(pool).append('\n');
        for (String l : new TreeSet<>(levels)) b.append("level ").append(l).append('\n');
        return b.toString();
    }

    /** Lines it does not know are passed over: a newer agent's file read by an older warden still names its levels. */
    public static StandbyLevels parse(String text) {
        String pool = null;
        Set<String> levels = new TreeSet<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("pool ")) pool = line.substring(5);
            else if (line.startsWith("level ")) levels.add(line.substring(6));
        }
        return new StandbyLevels(pool, levels);
    }
}
