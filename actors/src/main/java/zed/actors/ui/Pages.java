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

    /** @param error why the hosts could not be read (their cards are then empty), null when they were */
    public static String hosts(List<HostsView.Host> hosts, String error, String csrf) {
        Map<String, Object> params = new java.util.HashMap<>(Map.of("hosts", hosts, "csrf", csrf));
        params.put("error", error);
        return render("ui/hosts.jte", params);
    }

    /** The part of the Hosts and GPUs page the event stream replaces. */
    public static String hostCards(List<HostsView.Host> hosts, String error) {
        Map<String, Object> params = new java.util.HashMap<>(Map.of("hosts", hosts));
        params.put("error", error);
        return render("ui/hostcards.jte", params);
    }

    /** A page that says why there is nothing to show (not logged in, a used or expired link). */
    public static String message(String title, String message) {
        return render("ui/message.jte", Map.of("title", title, "message", message));
    }

    private static String render(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        ENGINE.render(template, params, out);
        return out.toString();
    }
}
