package zed.actors.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

import java.util.List;
import java.util.Map;

/**
 * The dashboard's pages and fragments as HTML, from the templates in {@code src/main/jte/ui}, which the build compiled
 * into classes (jte-maven-plugin): nothing is compiled at run time, and every value is HTML-escaped by jte.
 */
public final class Pages {
    private static final TemplateEngine ENGINE = TemplateEngine.createPrecompiled(ContentType.Html);

    private Pages() {
    }

    public static String fleet(List<FleetView.Row> rows, Grant grant, String csrf) {
        return render("ui/fleet.jte", Map.of("rows", rows, "grant", grant, "csrf", csrf));
    }

    /** The part of the Fleet page the event stream replaces. */
    public static String tree(List<FleetView.Row> rows, boolean mayDeploy, String csrf) {
        return render("ui/tree.jte", Map.of("rows", rows, "mayDeploy", mayDeploy, "csrf", csrf));
    }

    /** A page that says why there is nothing to show (not logged in, a used or expired link). */
    public static String message(String title, String message) {
        return render("ui/message.jte", Map.of("title", title, "message", message));
    }

    /** The login page ({@code /ui/login}); {@code passkeyProblem} says why passkeys cannot work here, null when they can. */
    public static String login(String passkeyProblem) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("passkeyProblem", passkeyProblem);
        return render("ui/login.jte", p);
    }

    /** The Passkeys page; {@code passkeyProblem} as for {@link #login}. */
    public static String passkeys(List<zed.actors.ui.passkey.Passkey> passkeys, Grant grant, String csrf, String passkeyProblem) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("passkeys", passkeys);
        p.put("grant", grant);
        p.put("csrf", csrf);
        p.put("passkeyProblem", passkeyProblem);
        return render("ui/passkeys.jte", p);
    }

    /** The SSH-key login's page: the nonce, the command that signs it, the form for the signature. */
    public static String sshLogin(String nonce, String command, long validSeconds) {
        return render("ui/ssh-login.jte", Map.of("nonce", nonce, "command", command, "validSeconds", validSeconds));
    }

    private static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, params, out);
        return out.toString();
    }
}
