package zed.actors.http;

import org.apache.pekko.event.LoggingAdapter;
import org.apache.pekko.http.ParsingErrorHandler;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.scaladsl.model.ErrorInfo;
import org.apache.pekko.http.scaladsl.model.StatusCode;
import org.apache.pekko.http.scaladsl.settings.ServerSettings;

/**
 * The answer to a request too malformed to reach the routes (a bad request line or header, a missing or doubled
 * Host, too many headers, an unknown method or transfer coding): JSON errors with a message, as every other answer
 * of the API, instead of pekko's plain text. An unknown method or transfer coding is the client's mistake, a 400:
 * pekko's 501 would say the node failed. Named by {@code pekko.http.server.parsing.error-handler} (ZedNode).
 */
public final class MalformedRequests extends ParsingErrorHandler {
    @Override
    public HttpResponse handle(StatusCode status, ErrorInfo info, LoggingAdapter log, ServerSettings settings) {
        log.warning("Illegal request, responding with status '{}': {}", status, info.formatPretty());
        String message = info.summary().isBlank() ? status.reason() : info.summary();
        return HttpApi.error(status.isFailure() && status.intValue() >= 500 ? StatusCodes.BAD_REQUEST : status, message);
    }
}
