package zed.actors.http;

import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * An answer to a request refused before its body was read. Refused unread, a streamed body had its connection closed
 * under a client still sending it, and the client saw a reset instead of the answer (fuzz regression 038): so the body
 * is read away first. It is at most pekko's max-content-length, so this reads a bounded amount.
 */
final class Refusal {
    private Refusal() {
    }

    static Route answer(HttpRequest req, HttpResponse answer) {
        return Directives.extractMaterializer(mat -> Directives.onComplete(req.entity().discardBytes(mat).completionStage(),
                read -> Directives.complete(answer)));
    }
}
