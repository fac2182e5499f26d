package zed.config.eval;

import java.util.Collection;

/** "Did you mean" suggestions: the closest known name within a small edit distance. */
public final class Names {
    private Names() {
    }

    /** {@code "; did you mean \"x\"?"}, or an empty string when no known name is close. */
    public static String didYouMean(String name, Collection<String> known) {
        String best = closest(name, known);
        return best == null ? "" : "; did you mean \"" + best + "\"?";
    }

    public static String closest(String name, Collection<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        int limit = Math.max(1, Math.min(3, name.length() / 3));
        for (String k : known) {
            int d = distance(name, k);
            if (d <= limit && d < bestD) {
                best = k;
                bestD = d;
            }
        }
        return best;
    }

    /** Damerau-Levenshtein (optimal string alignment), so that a swapped pair of letters counts as one edit. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) d[i][0] = i;
        for (int j = 0; j <= b.length(); j++) d[0][j] = j;
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
