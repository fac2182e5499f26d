package zed.actors.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.config.LevelSpec;

import java.util.List;

/**
 * A plan as the API shows it before it is applied: what changes, resource by resource, the source diff beside it,
 * and its hash ({@link PlanDigest}), which the apply brings back. Pure.
 *
 * @param revision   the revision the level holds now (0: none)
 * @param basis      what the plan starts from, in the hash
 * @param applies    what is applied, in the hash
 * @param sourceDiff unified diff lines of the Zedfile against the one the level holds
 */
public record LevelDiff(String level, long revision, String basis, String applies, List<ResourceChange> changes, List<String> sourceDiff) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public LevelDiff {
        changes = List.copyOf(changes);
        sourceDiff = List.copyOf(sourceDiff);
    }

    /** A Zedfile's plan: {@code after} applied to a level that holds {@code before} (null: nothing yet) at {@code revision}. */
    public static LevelDiff ofPush(String level, long revision, boolean stopped, Source before, LevelSpec after, Source pushed) {
        return new LevelDiff(level, revision, basis(revision, stopped), "spec " + after.hash(), SpecDiff.between(before == null ? null : before.spec(), after),
                SourceDiff.unified(before == null ? null : before.filename(), before == null ? null : before.text(), pushed.filename(), pushed.text()));
    }

    /** A rollback's plan: the datasets go back to {@code snapshots}, then {@code to} converges: {@code after} is its spec. */
    public static LevelDiff ofRollback(String level, long revision, String target, List<String> snapshots, long to, Source before, Source after) {
        return new LevelDiff(level, revision, basis(revision, false), "rollback " + target + " to " + String.join(",", snapshots) + " revision " + to,
                SpecDiff.between(before.spec(), after.spec()), SourceDiff.unified(before.filename(), before.text(), after.filename(), after.text()));
    }

    /** A Zedfile as a level holds or is sent it, and the spec it evaluated to. */
    public record Source(LevelSpec spec, String filename, String text) {
    }

    private static String basis(long revision, boolean stopped) {
        return "revision " + revision + (stopped ? " stopped" : "");
    }

    public String hash() {
        return PlanDigest.hash(level, basis, applies, changes);
    }

    /** Whether applying it does anything: a resource changes, or a stopped level starts again. */
    public boolean changed() {
        return basis.endsWith(" stopped") || changes.stream().anyMatch(c -> c.action() != ResourceChange.Action.UNCHANGED);
    }

    public ObjectNode json() {
        ObjectNode o = JSON.createObjectNode();
        o.put("level", level);
        o.put("revision", revision);
        o.put("planHash", hash());
        o.put("changed", changed());
        ArrayNode rs = o.putArray("resources");
        for (ResourceChange c : changes) {
            ObjectNode r = rs.addObject();
            r.put("kind", c.kind());
            r.put("name", c.name());
            r.put("action", c.action().word());
            ArrayNode ps = r.putArray("properties");
            for (ResourceChange.PropertyChange p : c.properties()) {
                ObjectNode n = ps.addObject();
                n.put("property", p.property());
                if (p.before() != null) n.set("before", tree(p.before()));
                if (p.after() != null) n.set("after", tree(p.after()));
            }
        }
        sourceDiff.forEach(o.putObject("source").putArray("diff")::add);
        return o;
    }

    private static JsonNode tree(String canonical) {
        try {
            return JSON.readTree(canonical);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("a property's value is canonical JSON: " + canonical, e);
        }
    }
}
