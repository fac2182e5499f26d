package zed.actors.http;

import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.headers.CacheControl;
import org.apache.pekko.http.javadsl.model.headers.CacheDirectives;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** How the dashboard answers a browser: a whole page with its security headers, or a fragment htmx swaps in. */
final class UiAnswers {
    private UiAnswers() {
    }

    /**
     * A whole page: no caching, no framing, scripts and styles from this node only, no Referer sent to another site.
     * {@code same-origin}, not {@code no-referrer}: under {@code no-referrer} Chromium sends a form's POST (Log out)
     * with {@code Origin: null}, which the guard refuses as any other origin not the node's.
     */
    static HttpResponse page(StatusCode status, String html) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html))
                .addHeader(CacheControl.create(CacheDirectives.NO_STORE))
                .addHeader(RawHeader.create("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
                        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'"))
                .addHeader(RawHeader.create("X-Frame-Options", "DENY"))
                .addHeader(RawHeader.create("Referrer-Policy", "same-origin"));
    }

    /** Plain text, escaped, as HTML that htmx puts into the page's status line. */
    static HttpResponse fragment(StatusCode status, String text) {
        return html(status, escape(text));
    }

    /** Text as HTML: it can hold no markup. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    /** A fragment of HTML already rendered (by a template, which escapes every value). */
    static HttpResponse html(StatusCode status, String html) {
        return HttpResponse.create().withStatus(status).withEntity(HttpEntities.create(ContentTypes.TEXT_HTML_UTF8, html))
                .addHeader(CacheControl.create(CacheDirectives.NO_STORE));
    }

    static String csrfRefused() {
        return "This form did not carry this session's CSRF token: reload the page and try again.";
    }
}
