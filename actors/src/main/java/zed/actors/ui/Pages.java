package zed.actors.ui;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;

import java.util.HashMap;
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

    /**
     * The Plan page: the Zedfile to plan (the level's own, or as pasted), and, once planned, its errors at their lines
     * ({@code marked}) or the plan ({@code plan}); {@code notice} says why an apply was refused. Null: not shown.
     */
    public static String plan(String level, Grant grant, String csrf, String source, String filename, MarkedSource marked, PlanView plan, String notice) {
        Map<String, Object> p = new HashMap<>(Map.of("level", level, "grant", grant, "csrf", csrf, "source", source, "filename", filename));
        p.put("marked", marked);
        p.put("plan", plan);
        p.put("notice", notice);
        return render("ui/plan.jte", p);
    }

    /** The Rollback page: the revisions to pick from and, once one is picked, the rollback's plan ({@code target}, {@code plan}). */
    public static String rollback(String level, Grant grant, String csrf, long desired, List<RevisionChoice> choices, List<SnapshotChoice> snapshots,
                                  String target, PlanView plan, String notice) {
        Map<String, Object> p = new HashMap<>(Map.of("level", level, "grant", grant, "csrf", csrf, "desired", desired, "choices", choices, "snapshots", snapshots));
        p.put("target", target);
        p.put("plan", plan);
        p.put("notice", notice);
        return render("ui/rollback.jte", p);
    }

    /** What the node said to an apply or a rollback, and the level's state, live ({@link #progress}). */
    public static String applied(String level, Grant grant, String csrf, String said) {
        return render("ui/applied.jte", Map.of("level", level, "grant", grant, "csrf", csrf, "said", said));
    }

    /** One level's state now: the fragment the applied page's stream replaces. */
    public static String progress(String level, FleetView.Place place) {
        return render("ui/progress.jte", Map.of("level", level, "p", place));
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

    /** The login page ({@code /ui/login}); {@code passkeyProblem} says why passkeys cannot work here, null when they can. */
    public static String login(String passkeyProblem) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("passkeyProblem", passkeyProblem);
        return render("ui/login.jte", p);
    }

    /** The Passkeys page; {@code fallen}: why each passkey that no longer logs in does not; {@code passkeyProblem} as for {@link #login}. */
    public static String passkeys(List<zed.actors.ui.passkey.Passkey> passkeys, Map<String, String> fallen, Grant grant, String csrf, String passkeyProblem) {
        Map<String, Object> p = new java.util.HashMap<>();
        p.put("passkeys", passkeys);
        p.put("fallen", fallen);
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
