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
        Body body;
        try {
            body = Parser.parseFile(file, source);
        } catch (ZedfileException e) {
            return NONE;
        }
        for (Body.Block b : body.blocks("level")) {
            Body.Attribute a = b.body().attribute("host");
            if (a == null) continue;
            String name = a.expr() instanceof Expr.Template t ? t.staticText() : null;
            if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                throw new ZedfileException(java.util.List.of(new Diagnostic(a.pos(),
                        "level.host must be a host name in quotes, e.g. host = \"h2\" (it is read before anything is evaluated)")));
            }
            return new DeclaredHost(name, a.pos());
        }
        return NONE;
    }
}
