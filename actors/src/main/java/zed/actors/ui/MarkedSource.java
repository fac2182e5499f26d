package zed.actors.ui;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A Zedfile with its errors at their lines, as the Plan page shows a push-plan's 400: every line numbered, each error
 * under its line with its column, and a summary of all the errors linking to them ({@code #error-N}). An error the
 * file's lines cannot hold (another file's, or no line) is in the summary only. Pure.
 *
 * @param lines  the source, one entry a line
 * @param errors every error, in the API's order
 */
public record MarkedSource(List<Line> lines, List<Error> errors) {
    public MarkedSource {
        lines = List.copyOf(lines);
        errors = List.copyOf(errors);
    }

    /** A line of the source and the errors found on it. */
    public record Line(int number, String text, List<Error> errors) {
        public Line {
            errors = List.copyOf(errors);
        }
    }

    /**
     * @param id     its anchor on the page ({@code error-1}, ...)
     * @param placed whether it is shown under its line
     */
    public record Error(String id, String file, int line, int col, String message, boolean placed) {
        /** "line 3, column 5" (the column only where known), or where else it is. */
        public String where() {
            if (!placed) return (file == null || file.isEmpty() ? "" : file + " ") + (line > 0 ? "line " + line : "(no line)");
            return "line " + line + (col > 0 ? ", column " + col : "");
        }
    }

    /** @param filename the pushed Zedfile's name: errors of other files are not placed on its lines */
    public static MarkedSource of(String source, String filename, JsonNode errors) {
        String[] text = source.split("\r?\n", -1);
        int count = text.length > 1 && text[text.length - 1].isEmpty() ? text.length - 1 : text.length; // a final newline ends the last line
        List<Error> all = new ArrayList<>();
        int n = 0;
        for (JsonNode e : errors) {
            String file = e.path("file").asText("");
            int line = e.path("line").asInt(0);
            boolean ours = file.isEmpty() || file.equals(filename) || file.endsWith("/" + filename);
            all.add(new Error("error-" + ++n, file, line, e.path("col").asInt(0), e.path("message").asText(), ours && line >= 1 && line <= count));
        }
        List<Line> lines = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            int at = i;
            lines.add(new Line(i, text[i - 1], all.stream().filter(e -> e.placed() && e.line() == at).toList()));
        }
        return new MarkedSource(lines, all);
    }
}
