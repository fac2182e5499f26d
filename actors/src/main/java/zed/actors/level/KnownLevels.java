package zed.actors.level;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The ids of the levels this node has accepted a revision of: read from the journal at start, added to when a level's
 * first revision is journaled. The API asks it before it addresses a level, so that a request for an id nobody
 * pushed answers 404 and starts no entity (one would otherwise live on, idle, for every such request).
 */
public final class KnownLevels {
    private final Set<String> ids = new ConcurrentSkipListSet<>();

    public void addAll(Collection<String> levels) {
        ids.addAll(levels);
    }

    public void add(String level) {
        ids.add(level);
    }

    public boolean contains(String level) {
        return ids.contains(level);
    }

    /** Every known id, sorted. */
    public List<String> all() {
        return List.copyOf(new TreeSet<>(ids));
    }

    /** The known levels below {@code level} (ids are paths: {@code level/...}). */
    public List<String> below(String level) {
        return all().stream().filter(x -> x.startsWith(level + "/")).toList();
    }
}
