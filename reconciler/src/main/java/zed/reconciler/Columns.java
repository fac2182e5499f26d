package zed.reconciler;

import java.util.List;

/** Rows of text as the CLI and refusals print them: each column as wide as its widest cell, two spaces apart. */
public final class Columns {
    private Columns() {
    }

    /** One line per row, each ending in a newline, trailing spaces stripped. */
    public static String render(List<String[]> rows) {
        int[] w = new int[rows.isEmpty() ? 0 : rows.get(0).length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) w[i] = Math.max(w[i], r[i].length());
        StringBuilder b = new StringBuilder();
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) line.append(String.format("%-" + (w[i] + 2) + "s", r[i]));
            b.append(line.toString().stripTrailing()).append('\n');
        }
        return b.toString();
    }
}
