package zed.config;

import zed.config.syntax.Body;
import zed.config.syntax.Expr;
import zed.config.syntax.Parser;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The hosts a Zedfile places its level on, read before the level is evaluated: {@code host = "h2"} (one instance) or
 * {@code hosts = ["h1", "h2"]} (one instance per host). The node that receives a push must know where the level runs
 * before anything evaluates it there. So they are quoted names, never expressions (an expression could only be
 * evaluated on the host it has to choose).
 *
 * @param host  the one host, null when the Zedfile names none or several
 * @param hosts the hosts of a level with one instance per host, in the order written; empty for a single-host level
 * @param pos   where it is written (the attribute), null when none
 */
public record DeclaredHost(String host, List<String> hosts, Pos pos) {
    public static final DeclaredHost NONE = new DeclaredHost(null, List.of(), null);
    private static final String NAME = "[A-Za-z0-9][A-Za-z0-9._-]{0,62}";

    public DeclaredHost {
        hosts = List.copyOf(hosts);
    }

    public DeclaredHost(String host, Pos pos) {
        this(host, List.of(), pos);
    }

    /** Whether the level runs one instance on each of several hosts. */
    public boolean multi() {
        return !hosts.isEmpty();
    }

    /**
     * @return the declared host(s), or {@link #NONE}, also for a Zedfile that does not parse: its errors are the
     * evaluation's to report, with everything else wrong in it
     * @throws ZedfileException when {@code host} or {@code hosts} is written but is not quoted host names, or both are
     */
    public static DeclaredHost of(String file, String source) {
        Body body = parsed(file, source);
        if (body == null) return NONE;
        for (Body.Block b : body.blocks("level")) {
            Body.Attribute one = b.body().attribute("host");
            Body.Attribute many = b.body().attribute("hosts");
            if (one != null && many != null) {
                throw refused(many.pos(), "a level has host = \"NAME\" (one instance) or hosts = [...] (one per host), not both");
            }
            if (one != null) return new DeclaredHost(named(one, "level", "host"), one.pos());
            if (many != null) return new DeclaredHost(null, hosts(many), many.pos());
        }
        return NONE;
    }

    /**
     * The standby a Zedfile names ({@code failover { standby = "h3" }}), read before evaluation for the same reason:
     * the node that receives the push refuses a standby that is not a member, with its position.
     *
     * @throws ZedfileException when {@code standby} is written but is not a quoted host name
     */
    public static DeclaredHost standby(String file, String source) {
        Body body = parsed(file, source);
        if (body == null) return NONE;
        for (Body.Block b : body.blocks("failover")) {
            Body.Attribute a = b.body().attribute("standby");
            if (a != null) return new DeclaredHost(named(a, "failover", "standby"), a.pos());
        }
        return NONE;
    }

    /**
     * The hosts a Zedfile's models receive their weights from ({@code source { host = "h1", snapshot = ... }}), each
     * with its position, read before evaluation for the same reason: the node that receives the push refuses one that
     * is not a member, or is the level's own host.
     *
     * @throws ZedfileException when {@code host} is written but is not a quoted host name
     */
    public static List<DeclaredHost> modelSources(String file, String source) {
        Body body = parsed(file, source);
        if (body == null) return List.of();
        List<DeclaredHost> out = new ArrayList<>();
        for (Body.Block m : body.blocks("model")) {
            for (Body.Block src : m.body().blocks("source")) {
                Body.Attribute a = src.body().attribute("host");
                if (a != null) out.add(new DeclaredHost(named(a, "source", "host"), a.pos()));
            }
        }
        return out;
    }

    /**
     * The file parsed, or null when it does not parse: its errors are the evaluation's to report. What is read before
     * evaluation (here, {@link zed.config.eval.DeclaredRollout}, {@link zed.config.eval.DeclaredGpus}) reads it so.
     */
    public static Body parsed(String file, String source) {
        try {
            return Parser.parseFile(file, source);
        } catch (ZedfileException e) {
            return null;
        }
    }

    private static String named(Body.Attribute a, String block, String attribute) {
        String name = name(a.expr());
        if (name == null) {
            throw refused(a.pos(), block + "." + attribute + " must be a host name in quotes, e.g. " + attribute + " = \"h2\" (it is read before anything is evaluated)");
        }
        return name;
    }

    private static List<String> hosts(Body.Attribute a) {
        String shape = "level.hosts must be a list of host names in quotes, e.g. hosts = [\"h1\", \"h2\"] (it is read before anything is evaluated)";
        if (!(a.expr() instanceof Expr.ListExpr l) || l.items().isEmpty()) throw refused(a.pos(), shape);
        LinkedHashSet<String> out = new LinkedHashSet<>();
        for (Expr item : l.items()) {
            String name = name(item);
            if (name == null) throw refused(a.pos(), shape);
            if (!out.add(name)) throw refused(a.pos(), "level.hosts names host \"" + name + "\" twice");
        }
        return new ArrayList<>(out);
    }

    private static String name(Expr e) {
        String name = e instanceof Expr.Template t ? t.staticText() : null;
        return name != null && name.matches(NAME) ? name : null;
    }

    private static ZedfileException refused(Pos pos, String message) {
        return new ZedfileException(List.of(new Diagnostic(pos, message)));
    }
}
