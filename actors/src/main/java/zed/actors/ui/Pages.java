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

    /** The Level page: @param after the id of the newest event shown, after which its stream goes on */
    public static String level(LevelView view, List<EventRow> newestFirst, long after, String csrf) {
        return render("ui/level.jte", Map.of("view", view, "events", newestFirst, "after", after, "csrf", csrf));
    }

    /** The part of the Level page its stream replaces: the level on each host, its resources, its snapshots. */
    public static String levelParts(LevelView view) {
        return render("ui/levelparts.jte", Map.of("view", view));
    }

    /** A logged-in page that says why there is nothing to show (no such level, not a filter). */
    public static String problem(String title, String message, String csrf) {
        return render("ui/problem.jte", Map.of("title", title, "message", message, "csrf", csrf));
    }

    /** Events as list items, newest first: a page's list, or one more on top of it. */
    public static String eventRows(List<EventRow> newestFirst) {
        return render("ui/eventrows.jte", Map.of("rows", newestFirst));
    }

    /** The Events page: @param levels the levels its filter offers */
    public static String events(EventFilter filter, List<String> levels, List<EventRow> newestFirst, long after, String csrf) {
        return render("ui/events.jte", Map.of("filter", filter, "levels", levels, "rows", newestFirst, "after", after, "csrf", csrf));
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
