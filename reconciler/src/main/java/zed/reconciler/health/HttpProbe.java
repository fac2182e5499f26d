package zed.reconciler.health;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/**
 * {@code health "http"}: a GET of {@code url} must answer {@code expect} and, when set, a body containing
 * {@code bodyContains}.
 *
 * <p>Redirects are not followed: a 3xx is reported as what it is ("HTTP 302, expected 200"). A health endpoint that
 * redirects usually sends the probe to a login page or another host, and following it would let a different service
 * pass this one's check; an operator who means the redirect writes {@code expect = 302}.
 *
 * <p>The timeout covers the whole exchange: connecting, the status line and, for {@code body_contains}, the body.
 *
 * @param bodyContains null when the check does not look at the body
 */
public record HttpProbe(URI url, int expect, String bodyContains, Duration timeout) implements Probe {
    /*
     * One client for every probe: a client owns a selector thread, and Java 17 cannot close one, so a client per run
     * would leave threads behind until a GC. HTTP/1.1 because an HTTP/2 upgrade attempt confuses some small servers.
     */
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    public HttpProbe {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public ProbeResult run(Clock clock) {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(url).GET().timeout(timeout).build();
        } catch (IllegalArgumentException e) {
            return ProbeResult.failed("bad url " + url + ": " + e.getMessage(), clock.now());
        }
        HttpResponse.BodyHandler<String> body = bodyContains == null
                ? HttpResponse.BodyHandlers.replacing(null)
                : HttpResponse.BodyHandlers.ofString();
        CompletableFuture<HttpResponse<String>> exchange = CLIENT.sendAsync(request, body);
        try {
            // the request timeout stops waiting for headers; this one also bounds reading the body
            HttpResponse<String> response = exchange.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return judge(response.statusCode(), response.body(), clock);
        } catch (TimeoutException e) {
            exchange.cancel(true);
            return ProbeResult.failed("timed out after " + Durations.format(timeout), clock.now());
        } catch (ExecutionException e) {
            return ProbeResult.failed(why(e.getCause()), clock.now());
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            return ProbeResult.failed("probe interrupted", clock.now());
        }
    }

    private ProbeResult judge(int status, String body, Clock clock) {
        if (status != expect) return ProbeResult.failed("HTTP " + status + ", expected " + expect, clock.now());
        if (bodyContains != null && (body == null || !body.contains(bodyContains))) {
            return ProbeResult.failed("body does not contain \"" + bodyContains + "\"", clock.now());
        }
        return ProbeResult.passed("HTTP " + status, clock.now());
    }

    private String why(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpTimeoutException) return "timed out after " + Durations.format(timeout);
            if (t instanceof ConnectException) return connectFailure(t.getMessage());
            if (t instanceof UnknownHostException) return "unknown host " + url.getHost();
            if (t instanceof SSLException) return "TLS: " + t.getMessage();
        }
        if (failure instanceof IOException && failure.getMessage() != null) return failure.getMessage();
        return failure.toString();
    }

    /** The JDK reports a refused connection with no message at all, or with "Connection refused". */
    static String connectFailure(String message) {
        if (message == null || message.isBlank() || message.toLowerCase().contains("refused")) return "connection refused";
        return message.toLowerCase();
    }
}
