package zed.reconciler.jail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code jls -n -q jid name host.hostname path}: one jail per line, {@code param=value} pairs separated by
 * spaces. With {@code -q}, jls puts a value in quotes when it holds a space, a tab or a quote, choosing the quote
 * character that the value does not contain ({@code '} around a value with {@code "}, and the other way round) and
 * escaping nothing; an empty value is {@code ""}. Chosen over {@code --libxo json} because its format is jls's
 * own and stable since FreeBSD 8, while libxo's key names have no man page.
 */
final class Jls {
    static final List<String> ARGS = List.of("-n", "-q", "jid", "name", "host.hostname", "path");

    private Jls() {
    }

    /** Each line's parameters, in order; a line that is not {@code param=value} pairs is skipped. */
    static List<Map<String, String>> parse(String stdout) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String line : stdout.split("\n")) {
            Map<String, String> m = line(line);
            if (m != null && !m.isEmpty()) out.add(m);
        }
        return out;
    }

    /** Whether a jail of that name is listed. */
    static boolean lists(String stdout, String name) {
        return parse(stdout).stream().anyMatch(m -> name.equals(m.get("name")));
    }

    private static Map<String, String> line(String line) {
        Map<String, String> m = new LinkedHashMap<>();
        int i = 0, n = line.length();
        while (true) {
            while (i < n && Character.isWhitespace(line.charAt(i))) i++;
            if (i >= n) return m;
            int eq = line.indexOf('=', i);
            if (eq < 0) return null;
            String key = line.substring(i, eq);
            if (key.isEmpty() || key.chars().anyMatch(Character::isWhitespace)) return null;
            i = eq + 1;
            String value;
            if (i < n && (line.charAt(i) == '"' || line.charAt(i) == '\'')) {
                char q = line.charAt(i);
                int end = line.indexOf(q, i + 1);
                if (end < 0) return null;
                value = line.substring(i + 1, end);
                i = end + 1;
            } else {
                int end = i;
                while (end < n && !Character.isWhitespace(line.charAt(end))) end++;
                value = line.substring(i, end);
                i = end;
            }
            m.put(key, value);
        }
    }
}
