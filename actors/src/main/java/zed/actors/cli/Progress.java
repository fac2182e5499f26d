package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code zed up} shows while a level converges: one line per resource (its state, health, pid and print line).
 * On a terminal the lines are redrawn in place, under a line that says how long the level has been at it; anywhere
 * else (a pipe, a log, CI) a resource's line is printed again only when it changed, so the output reads as a history.
 */
final class Progress {
    private final PrintStream out;
    private final boolean terminal;
    private final int width;
    private final Map<String, String> shown = new HashMap<>();
    private int drawn; // lines of the live block on the screen, which the next redraw replaces

    Progress(PrintStream out, boolean terminal, int width) {
        this.out = out;
        this.terminal = terminal;
        this.width = width;
    }

    /** For standard output: redrawn when it is a terminal (and not a dumb one), one line per change otherwise. */
    static Progress forStdout() {
        boolean tty = System.console() != null && !"dumb".equals(System.getenv("TERM"));
        int columns = 80;
        String c = System.getenv("COLUMNS");
        if (c != null && c.matches("\\d{2,4}")) columns = Integer.parseInt(c);
        return new Progress(System.out, tty, columns);
    }

    /** One resource of a level's status, as its line shows it. */
    static String line(JsonNode r) {
        StringBuilder b = new StringBuilder(r.path("kind").asText()).append(' ').append(r.path("name").asText()).append("  ").append(r.path("state").asText());
        // the revision's gate, and beside it what the checks say now
        if (r.has("gate")) b.append(' ').append(r.get("gate").asText());
        if (r.has("health")) b.append(" (").append(r.get("health").asText().toLowerCase(java.util.Locale.ROOT)).append(')');
        if (r.has("why")) b.append(": ").append(r.get("why").asText());
        if (r.path("pid").asLong() > 0) b.append("  pid ").append(r.get("pid").asLong());
        if (r.has("print")) b.append("  ").append(r.get("print").asText());
        return b.toString();
    }

    /** Shows a fresh status of {@code level}, which has been converging for {@code elapsed}. */
    void show(String level, JsonNode status, Duration elapsed) {
        List<String> lines = new ArrayList<>();
        for (JsonNode r : status.path("resources")) lines.add("  " + line(r));
        if (!terminal) {
            for (JsonNode r : status.path("resources")) {
                String key = r.path("kind").asText() + " " + r.path("name").asText();
                String line = line(r);
                if (!line.equals(shown.put(key, line))) out.println("  " + line);
            }
            out.flush();
            return;
        }
        StringBuilder b = new StringBuilder();
        if (drawn > 0) b.append("\033[").append(drawn).append("F\033[J"); // back to the block's first line, and clear below
        for (String l : lines) b.append(fit(l)).append('\n');
        b.append(fit("  " + level + ": " + status.path("state").asText() + " (" + elapsed.toSeconds() + "s)")).append('\n');
        drawn = lines.size() + 1;
        out.print(b);
        out.flush();
    }

    /** The level is done: on a terminal its status line goes and the resource lines stay, as history. */
    void finish() {
        if (terminal && drawn > 0) {
            out.print("\033[1F\033[J");
            out.flush();
        }
        drawn = 0;
    }

    /** A redrawn line must not wrap: the cursor moves by lines, and a wrapped one would leave its tail behind. */
    private String fit(String line) {
        return line.length() < width ? line : line.substring(0, Math.max(1, width - 4)) + "...";
    }
}
