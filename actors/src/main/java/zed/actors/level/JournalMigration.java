package zed.actors.level;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.serialization.jackson.JacksonMigration;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads journals written before the level's events and state moved out of LevelEntity: their records were nested
 * classes of it ({@code LevelEntity$SpecAccepted}, ..., {@code LevelEntity$State}). The events keep their fields, so
 * only the class name changes; the old state becomes a {@link RevisionLog}, with what it knew of each revision. The
 * node's config maps every old class name to this migration ({@link #OLD}).
 */
public final class JournalMigration extends JacksonMigration {
    private static final String OLD_PREFIX = "zed.actors.level.LevelEntity$";
    private static final String STATE = OLD_PREFIX + "State";

    /** The class names journals of the first tranche hold. */
    public static final List<String> OLD = List.of("SpecAccepted", "ConvergeStarted", "RestartRequested", "SnapshotTaken", "Converged",
            "ConvergeFailed", "RolledBack", "DriftCorrected", "LevelStopped", "State").stream().map(n -> OLD_PREFIX + n).toList();

    /** The config that maps every old class name to this migration, under {@code pekko.serialization.jackson}. */
    public static String config() {
        StringBuilder b = new StringBuilder("pekko.serialization.jackson.migrations {\n");
        for (String old : OLD) b.append("  \"").append(old).append("\" = \"").append(JournalMigration.class.getName()).append("\"\n");
        return b.append("}\n").toString();
    }

    @Override
    public int currentVersion() {
        return 2;
    }

    @Override
    public String transformClassName(int fromVersion, String className) {
        if (className.equals(STATE)) return RevisionLog.class.getName();
        if (className.startsWith(OLD_PREFIX)) return LevelEvent.class.getName() + "$" + className.substring(OLD_PREFIX.length());
        return className;
    }

    @Override
    public JsonNode transform(int fromVersion, JsonNode json) {
        // only the old state changed shape; it is told from the events by its "specs" map
        if (!(json instanceof ObjectNode o) || !o.has("specs") || o.has("revisions")) return json;
        return state(o);
    }

    /** LevelEntity$State's fields as a RevisionLog: the newest revision whole, older ones by their spec alone. */
    static ObjectNode state(ObjectNode old) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode n = f.objectNode();
        n.set("level", old.get("level"));
        n.put("revision", old.path("revision").asLong());
        n.put("desired", old.path("desired").asLong());
        n.put("phase", old.path("phase").asText("None"));
        n.put("stableRevision", old.path("stableRevision").asLong());
        n.putNull("stableSnapshot");
        n.set("ports", old.get("ports"));
        n.put("generation", old.path("generation").asLong());
        n.set("lastError", old.get("lastError"));
        n.putNull("rollback");
        ObjectNode revisions = n.putObject("revisions");
        long newest = old.path("revision").asLong();
        for (Iterator<Map.Entry<String, JsonNode>> it = old.path("specs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode r = revisions.putObject(e.getKey());
            r.put("number", Long.parseLong(e.getKey()));
            r.set("specJson", e.getValue());
            if (Long.parseLong(e.getKey()) == newest) {
                for (String field : List.of("hash", "source", "filename", "dir", "parent")) r.set(field, old.get(field));
            }
        }
        long stable = old.path("stableRevision").asLong();
        if (stable > 0 && !revisions.has(String.valueOf(stable)) && old.hasNonNull("stableSpecJson")) {
            ObjectNode r = revisions.putObject(String.valueOf(stable));
            r.put("number", stable);
            r.set("specJson", old.get("stableSpecJson"));
        }
        return n;
    }
}
