package zed.actors.plan;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * A plan's hash: a digest of exactly what applying it would do. The canonical form holds the level, what the plan is
 * based on (the revision the level holds now, and whether it is stopped), what is applied (the new spec's drift hash,
 * or a rollback's target snapshots and revision) and every change, property by property. An apply that brings the
 * hash it was shown is refused when the plan computed then differs: the level moved, or what is applied did. Pure.
 */
public final class PlanDigest {
    private PlanDigest() {
    }

    /**
     * @param basis   what the plan starts from, e.g. {@code revision 3} or {@code revision 3 stopped}
     * @param applies what is applied, e.g. {@code spec <drift hash>} or {@code rollback @rev:1 -> revision 1 ...}
     */
    public static String canonical(String level, String basis, String applies, List<ResourceChange> changes) {
        StringBuilder b = new StringBuilder("zed-plan 1\n");
        b.append("level ").append(quoted(level)).append('\n');
        b.append("basis ").append(quoted(basis)).append('\n');
        b.append("applies ").append(quoted(applies)).append('\n');
        for (ResourceChange c : changes) {
            b.append(c.kind()).append(' ').append(quoted(c.name())).append(' ').append(c.action().word()).append('\n');
            for (ResourceChange.PropertyChange p : c.properties()) {
                b.append("  ").append(quoted(p.property())).append(' ').append(value(p.before())).append(" -> ").append(value(p.after())).append('\n');
            }
        }
        return b.toString();
    }

    /** {@code sha256:<hex>} of the canonical form. */
    public static String hash(String level, String basis, String applies, List<ResourceChange> changes) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(canonical(level, basis, applies, changes).getBytes(StandardCharsets.UTF_8));
            return "sha256:" + HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has SHA-256", e);
        }
    }

    /** Absent is not the JSON null: a value is canonical JSON already, absent is a bare dash. */
    private static String value(String v) {
        return v == null ? "-" : v;
    }

    /** A name as a JSON string: no name can end a line or pose as a separator. */
    private static String quoted(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') b.append('\\').append(c);
            else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
            else b.append(c);
        }
        return b.append('"').toString();
    }
}
