package zed.actors.ui;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff ({@code diff -u} lines, as the API answers a plan's source diff) for the page: side by side, each
 * removed line beside the added line that replaces it, and as the unified lines for a narrow screen. Pure.
 *
 * @param rows  side by side: old on the left, new on the right
 * @param lines unified, each with its sign in words
 */
public record SourceDiffView(List<Row> rows, List<Line> lines) {
    private static final Pattern HUNK = Pattern.compile("^@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    public SourceDiffView {
        rows = List.copyOf(rows);
        lines = List.copyOf(lines);
    }

    /**
     * A side-by-side row.
     *
     * @param kind    same, changed, removed, added, or hunk (a {@code @@} line: {@code left} holds it)
     * @param leftNo  the old line's number, 0 for none; likewise {@code rightNo}
     * @param left    the old line's text, null for none; likewise {@code right}
     */
    public record Row(String kind, int leftNo, String left, int rightNo, String right) {
    }

    /**
     * A unified line.
     *
     * @param kind same, removed, added, or hunk
     * @param no   its number in the new file (in the old one for a removed line), 0 for a hunk
     */
    public record Line(String kind, int no, String text) {
        /** What a screen reader says before the line, and the sign a reader of diffs expects. */
        public String sign() {
            return switch (kind) {
                case "removed" -> "−";
                case "added" -> "+";
                default -> " ";
            };
        }
    }

    public boolean empty() {
        return lines.isEmpty();
    }

    public static SourceDiffView of(List<String> diff) {
        List<Row> rows = new ArrayList<>();
        List<Line> lines = new ArrayList<>();
        List<String[]> removed = new ArrayList<>(); // pending "-" lines, paired with the "+" lines after them
        List<String[]> added = new ArrayList<>();
        int left = 0, right = 0;
        for (String l : diff) {
            if (l.startsWith("--- ") || l.startsWith("+++ ")) continue; // the file names: the page says which files
            Matcher h = HUNK.matcher(l);
            if (h.matches()) {
                flush(rows, removed, added);
                left = Integer.parseInt(h.group(1));
                right = Integer.parseInt(h.group(2));
                rows.add(new Row("hunk", 0, l, 0, null));
                lines.add(new Line("hunk", 0, l));
            } else if (l.startsWith("-")) {
                removed.add(new String[]{String.valueOf(left), l.substring(1)});
                lines.add(new Line("removed", left++, l.substring(1)));
            } else if (l.startsWith("+")) {
                added.add(new String[]{String.valueOf(right), l.substring(1)});
                lines.add(new Line("added", right++, l.substring(1)));
            } else if (l.startsWith("\\")) {
                continue; // "\ No newline at end of file": nothing a reader of the Zedfile needs
            } else {
                flush(rows, removed, added);
                String text = l.isEmpty() ? "" : l.substring(1);
                rows.add(new Row("same", left, text, right, text));
                lines.add(new Line("same", right, text));
                left++;
                right++;
            }
        }
        flush(rows, removed, added);
        return new SourceDiffView(rows, lines);
    }

    private static void flush(List<Row> rows, List<String[]> removed, List<String[]> added) {
        for (int i = 0; i < Math.max(removed.size(), added.size()); i++) {
            String[] r = i < removed.size() ? removed.get(i) : null;
            String[] a = i < added.size() ? added.get(i) : null;
            String kind = r != null && a != null ? "changed" : r != null ? "removed" : "added";
            rows.add(new Row(kind, r == null ? 0 : Integer.parseInt(r[0]), r == null ? null : r[1], a == null ? 0 : Integer.parseInt(a[0]), a == null ? null : a[1]));
        }
        removed.clear();
        added.clear();
    }
}
