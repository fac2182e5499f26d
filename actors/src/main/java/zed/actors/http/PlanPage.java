package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import zed.actors.ui.MarkedSource;
import zed.actors.ui.Pages;
import zed.actors.ui.PlanView;
import zed.actors.ui.Sessions;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The Plan page ({@code /ui/levels/{id}/plan}): a Zedfile, pasted, edited from the level's own or uploaded, planned
 * through {@code push-plan} (its errors at their lines, or the plan as a diff), then applied by the plan's hash through
 * {@code PUT /v1/levels/{id}}, which the node refuses (409) if the plan changed since it was shown; then the level's
 * state, live. It keeps the level's filename, dir and parent (the desired revision's): the page edits the Zedfile,
 * not where it lives.
 */
final class PlanPage extends AllDirectives {
    private final UiSessions gate;
    private final NodeApi api;

    PlanPage(UiSessions gate, NodeApi api) {
        this.gate = gate;
        this.api = api;
    }

    /** {@code GET} and {@code POST /ui/levels/{id}/plan}, for {@link ReviewPages}. */
    Route route(String level) {
        return concat(
                get(() -> gate.session(s -> completeWithFuture(form(s, level)))),
                post(() -> gate.session(s -> gate.form(s, form -> completeWithFuture(form.containsKey("planHash") ? apply(s, level, form) : plan(s, level, form))))));
    }

    /**
     * The API's path of {@code level}'s {@code action} (null: the level itself), its id in one segment: a level whose
     * last name is an action word ({@code shop/plan}) is that level, not {@code shop}'s plan.
     */
    static String apiPath(String level, String action) {
        return LevelPath.of(level) + (action == null ? "" : "/" + action);
    }

    /** The Zedfile the level holds, to edit and plan. */
    private CompletionStage<HttpResponse> form(Sessions.Session s, String level) {
        return held(s, level).thenApply(h -> h.refusal() != null ? refusal(h.refusal())
                : UiAnswers.page(StatusCodes.OK, Pages.plan(level, s.grant(), s.csrf(), h.source(), h.filename(), null, null, null)));
    }

    /** The level's desired revision as the node holds it: what a plan starts from and keeps, or why it cannot be read. */
    record Held(String source, String filename, String dir, String parent, NodeApi.Answer refusal) {
    }

    private CompletionStage<Held> held(Sessions.Session s, String level) {
        return api.call(s.grant(), "GET", apiPath(level, "revisions"), null).thenApply(a -> {
            if (!a.ok()) return new Held(null, null, null, null, a);
            long desired = a.body().path("desiredRevision").asLong();
            for (JsonNode r : a.body().path("revisions")) {
                if (r.path("revision").asLong() == desired) {
                    return new Held(r.path("source").asText(""), r.path("filename").asText("Zedfile"), r.path("dir").asText(),
                            r.hasNonNull("parent") ? r.get("parent").asText() : null, null);
                }
            }
            return new Held(null, null, null, null, new NodeApi.Answer(409, JsonNodeFactory.instance.objectNode().set("errors",
                    JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode().put("message", "level " + level + " keeps no Zedfile of its desired revision " + desired)))));
        });
    }

    /**
     * The Zedfile of the form: the uploaded file's when one was chosen, else the text area's. A browser sends a form's
     * line breaks as CRLF: back to the file's LF, or the source diff would show every line changed.
     */
    static String source(Map<String, String> form) {
        String file = form.getOrDefault("file", "");
        return (!file.isEmpty() ? file : form.getOrDefault("source", "")).replace("\r\n", "\n");
    }

    private ObjectNode body(String source, Held h, String planHash) {
        ObjectNode b = JsonNodeFactory.instance.objectNode().put("source", source).put("filename", h.filename()).put("dir", h.dir());
        if (h.parent() != null) b.put("parent", h.parent());
        if (planHash != null) b.put("planHash", planHash);
        return b;
    }

    private CompletionStage<HttpResponse> plan(Sessions.Session s, String level, Map<String, String> form) {
        String source = source(form);
        return held(s, level).thenCompose(h -> h.refusal() != null ? CompletableFuture.completedFuture(refusal(h.refusal()))
                : api.call(s.grant(), "POST", apiPath(level, "push-plan"), body(source, h, null).toString()).thenApply(a -> {
            if (a.ok()) return UiAnswers.page(StatusCodes.OK, Pages.plan(level, s.grant(), s.csrf(), source, h.filename(), null, PlanView.of(a.body()), null));
            if (a.status() == 400 && a.body().path("errors").path(0).has("line")) {
                return UiAnswers.page(StatusCodes.OK, Pages.plan(level, s.grant(), s.csrf(), source, h.filename(), MarkedSource.of(source, h.filename(), a.body().path("errors")), null, null));
            }
            return UiAnswers.page(StatusCodes.get(a.status()), Pages.plan(level, s.grant(), s.csrf(), source, h.filename(), null, null, "Not planned: " + a.error()));
        }));
    }

    /** Apply: the push with the plan's hash, as the session; a plan that changed is refused by the node, nothing applied. */
    private CompletionStage<HttpResponse> apply(Sessions.Session s, String level, Map<String, String> form) {
        String source = source(form);
        String planHash = form.get("planHash");
        return held(s, level).thenCompose(h -> h.refusal() != null ? CompletableFuture.completedFuture(refusal(h.refusal()))
                : api.call(s.grant(), "PUT", apiPath(level, null), body(source, h, planHash).toString()).thenApply(a -> {
            if (a.ok()) {
                String said = a.body().path("changed").asBoolean()
                        ? "Applied: revision " + a.body().path("revision").asLong() + " of " + level + " accepted; it converges now."
                        : "Nothing to apply: " + level + " already holds this Zedfile.";
                return UiAnswers.page(StatusCodes.OK, Pages.applied(level, s.grant(), s.csrf(), said));
            }
            String why = a.status() == 409 ? "Not applied: " + a.error() : "Not applied (HTTP " + a.status() + "): " + a.error();
            return UiAnswers.page(StatusCodes.get(a.status()), Pages.plan(level, s.grant(), s.csrf(), source, h.filename(), null, null, why));
        }));
    }

    /** A level the session cannot read (none such, or its scope): the API's words, on a page. */
    static HttpResponse refusal(NodeApi.Answer a) {
        return UiAnswers.page(StatusCodes.get(a.status()), Pages.message("Not shown", a.error()));
    }
}
