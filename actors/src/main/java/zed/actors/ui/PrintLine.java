package zed.actors.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's print line (its Zedfile's {@code print}) as parts a template writes, each escaped: text, and http(s) URLs
 * as links. Nothing of the line is ever raw HTML; a URL's characters stop at a space, a quote or an angle bracket, and
 * punctuation that ends a sentence ({@code "see http://h/."}) is text after the link. Pure.
 */
public final class PrintLine {
    /** A part of a line: {@link Text}, or a {@link Link} to {@code url}, shown as itself. */
    public sealed interface Part permits Text, Link {
        String text();

        /** Whether to write it as a link (to {@link #text()}); templates cannot match a type. */
        default boolean link() {
            return this instanceof Link;
        }
    }

    public record Text(String text) implements Part {
    }

    public record Link(String text) implements Part {
        public String url() {
            return text;
        }
    }

    private static final Pattern URL = Pattern.compile("https?://[^\\s<>\"'`]+", Pattern.CASE_INSENSITIVE);
    private static final String TRAILING = ".,;:!?)]}";

    private PrintLine() {
    }

    public static List<Part> of(String line) {
        List<Part> parts = new ArrayList<>();
        if (line == null || line.isEmpty()) return parts;
        Matcher m = URL.matcher(line);
        int at = 0;
        while (m.find()) {
            int end = m.end();
            while (end > m.start() && TRAILING.indexOf(line.charAt(end - 1)) >= 0) end--;
            String url = line.substring(m.start(), end);
            if (url.matches("(?i)https?://")) continue; // a scheme with nothing after it is text
            if (m.start() > at) parts.add(new Text(line.substring(at, m.start())));
            parts.add(new Link(url));
            at = end;
        }
        if (at < line.length()) parts.add(new Text(line.substring(at)));
        return parts;
    }
}
