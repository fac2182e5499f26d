package zed.actors.http;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;
import zed.actors.job.NodeCheckpoints;
import zed.actors.job.NodeCheckpoints.Answer;
import zed.reconciler.job.CheckpointPost;

import java.time.Duration;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * {@code POST /v1/checkpoints/<token>}: a job's checkpoint ({@link NodeCheckpoints}). The token in the path is the
 * whole credential, so a job never holds the node's API token; every other guard of the API still applies (Host,
 * Origin, {@code Content-Type: application/json}). Errors are {@code {"error": "..."}}, as docs/gpu.md tells job
 * authors. An unknown token and a closed one are the same 404, and the token is in no answer and no log line: the
 * route has no request timeout of pekko's (whose log line would name the URL), but its own.
 */
final class CheckpointRoute extends AllDirectives {
    /** The longest a POST waits: behind another of its job's, then the snapshot (a busy pool's write takes up to 2 min). */
    static final Duration ANSWER = Duration.ofMinutes(5);

    private final NodeCheckpoints checkpoints;

    CheckpointRoute(NodeCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
    }

    Route route() {
        return pathPrefix(segment("v1").slash("checkpoints"), () -> path(segment(), token -> post(() -> withoutRequestTimeout(() ->
                handleRejections(tooLarge(), () -> handleExceptions(sizeExceeded(), () -> withSizeLimit(CheckpointPost.MAX_BYTES,
                        () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(answer(token, body))))))))));
    }

    private CompletionStage<HttpResponse> answer(String token, String body) {
        // a copy: the job's next POST waits for the checkpoint itself, not for this answer's deadline
        return checkpoints.post(token, body).copy()
                .completeOnTimeout(new Answer.Failed("the checkpoint did not finish within " + ANSWER.toMinutes() + " minutes (the pool is busy); "
                        + "it may still be taken: post a later step"), ANSWER.toSeconds(), TimeUnit.SECONDS)
                .thenApply(CheckpointRoute::response);
    }

    static HttpResponse response(Answer a) {
        if (a instanceof Answer.Checkpointed c) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            o.put("snapshot", c.snapshot());
            o.put("step", c.step());
            return HttpApi.json(StatusCodes.CREATED, o);
        }
        if (a instanceof Answer.Refused r) return error(StatusCodes.BAD_REQUEST, r.why());
        if (a instanceof Answer.Clash c) return error(StatusCodes.CONFLICT, c.why());
        if (a instanceof Answer.Failed f) return error(StatusCodes.SERVICE_UNAVAILABLE, f.why());
        return error(StatusCodes.NOT_FOUND, "no such checkpoint URL");
    }

    static HttpResponse error(StatusCode code, String message) {
        ObjectNode o = JsonNodeFactory.instance.objectNode();
        o.put("error", message);
        return HttpResponse.create().withStatus(code).withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, o.toString()));
    }

    private static final String TOO_LARGE = "the body is larger than " + CheckpointPost.MAX_BYTES + " bytes: a checkpoint is {\"step\": N, \"metrics\": {...}}";

    private static boolean sizeExceeded(Throwable e) {
        Throwable t = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
        return t instanceof EntityStreamSizeException;
    }

    private ExceptionHandler sizeExceeded() {
        return ExceptionHandler.newBuilder()
                .match(Throwable.class, CheckpointRoute::sizeExceeded, e -> complete(error(StatusCodes.PAYLOAD_TOO_LARGE, TOO_LARGE)))
                .matchAny(e -> complete(error(StatusCodes.INTERNAL_SERVER_ERROR, "the node failed: " + e.getClass().getSimpleName())))
                .build();
    }

    private RejectionHandler tooLarge() {
        return RejectionHandler.newBuilder()
                .handle(MalformedRequestContentRejection.class, r -> sizeExceeded(r.getCause())
                        ? complete(error(StatusCodes.PAYLOAD_TOO_LARGE, TOO_LARGE))
                        : complete(error(StatusCodes.BAD_REQUEST, "the body cannot be read: " + r.message())))
                .build();
    }
}
