package zed.actors.http;

import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code /ui/static/}: htmx and its SSE extension from their WebJars, the dashboard's style sheet, and its passkeys' script. */
final class UiStatics extends AllDirectives {
    Route route() {
        return pathPrefix("static", () -> get(() -> concat(
                path("htmx.min.js", () -> getFromResource(webjar("htmx.org") + "/dist/htmx.min.js")),
                path("sse.js", () -> getFromResource(webjar("htmx-ext-sse") + "/sse.js")),
                path("zed.css", () -> getFromResource("zed/ui/zed.css")),
                path("passkey.js", () -> getFromResource("zed/ui/passkey.js")))));
    }

    /** A WebJar's folder, at the version the build put on the class path (its pom.properties say which). */
    private static String webjar(String artifact) {
        String props = "META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties";
        try (var in = UiStatics.class.getClassLoader().getResourceAsStream(props)) {
            if (in == null) throw new IllegalStateException("the WebJar " + artifact + " is not on the class path (" + props + ")");
            java.util.Properties p = new java.util.Properties();
            p.load(in);
            return "META-INF/resources/webjars/" + artifact + "/" + p.getProperty("version");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
