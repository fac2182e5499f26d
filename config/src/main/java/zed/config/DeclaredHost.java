package zed.config;

import zed.config.syntax.Body;
import zed.config.syntax.Expr;
import zed.config.syntax.Parser;

/**
 * The host a Zedfile places its level on ({@code level "web" { host = "h2" }}), read before the level is evaluated:
 * the node that receives a push must know where the level runs before anything evaluates it there. So it is a
 * quoted name, never an expression (an expression could only be evaluated on the host it has to choose).
 *
 * @param host the host name, null when the Zedfile names none
 * @param pos  where it is written (the attribute), null when none
 */
public record DeclaredHost(String host, Pos pos) {
    public static final DeclaredHost NONE = new DeclaredHost(null, null);

    /**
     * @return the declared host, or {@link #NONE}, also for a Zedfile that does not parse: its errors are the
     * evaluation's to report, with everything else wrong in it
     * @throws ZedfileException when {@code host} is written but is not a quoted host name
     */
    public static DeclaredHost of(String file, String source) {
        return named(file, source, "level", "host");
    }

    /**
     * The standby a Zedfile names ({@code failover { standby = "h3" }}), read before evaluation for the same reason:
     * the node that receives the push refuses a standby that is not a member, with its position.
     *
     * @throws ZedfileException when {@code standby} is written but is not a quoted host name
     */
    public static DeclaredHost standby(String file, String source) {
        return named(file, source, "failover", "standby");
    }

    private static DeclaredHost named(String file, String source, String block, String attribute) {
        Body body;
        try {
            body = Parser.parseFile(file, source);
        } catch (ZedfileException e) {
            return NONE;
        }
        for (Body.Block b : body.blocks(block)) {
            Body.Attribute a = b.body().attribute(attribute);
            if (a == null) continue;
            String name = a.expr() instanceof Expr.Template t ? t.staticText() : null;
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new ZedfileException(java.util.List.of(new Diagnostic(a.pos(),
                        block + "." + attribute + " must be a host name in quotes, e.g. " + attribute + " = \"h2\" (it is read before anything is evaluated)")));
            }
            return new DeclaredHost(name, a.pos());
        }
        return NONE;
    }
}
