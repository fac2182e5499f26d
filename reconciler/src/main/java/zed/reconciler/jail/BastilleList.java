package zed.reconciler.jail;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the table {@code bastille list} prints. Two shapes are known: Bastille 1.x ({@code JID Name Boot Prio State
 * Type IP Address ...}, every jail with its state Up, Down or n/a) and 0.x ({@code JID IP Address Hostname Path},
 * running jails only, the name in the JID column). Columns are found by their header names, and values are taken
 * as the row's white-space separated words: the columns we read (JID, Name, Boot, Prio, State) come first and never
 * hold a space, so this holds even where a long value pushes the alignment off. Lines indented past the first
 * column are a jail's further IP addresses and are skipped.
 */
final class BastilleList {
    /** One listed jail. */
    record Entry(String name, boolean running) {
    }

    private BastilleList() {
    }

    /** The listed jails by name, in order; empty for output without a header (Bastille says "no jails" then). */
    static Map<String, Entry> parse(String stdout) {
        Map<String, Entry> out = new LinkedHashMap<>();
        List<String> lines = stdout.replaceAll("\u001B\\[[0-9;]*m", "").lines().filter(l -> !l.isBlank()).toList();
        Optional<String> header = lines.stream().filter(l -> words(l).contains("JID")).findFirst();
        if (header.isEmpty()) return out;
        List<String> cols = words(header.get());
        int nameCol = cols.contains("Name") ? cols.indexOf("Name") : cols.indexOf("JID");
        int stateCol = cols.indexOf("State");
        int firstColEnd = header.get().indexOf("JID") + "JID".length();
        for (String line : lines.subList(lines.indexOf(header.get()) + 1, lines.size())) {
            int indent = line.length() - line.stripLeading().length();
            if (indent >= firstColEnd) continue;
            List<String> w = words(line);
            if (w.size() <= Math.max(nameCol, stateCol)) continue;
            String name = w.get(nameCol);
            if (name.equals("-")) continue;
            boolean running = stateCol < 0 || w.get(stateCol).equals("Up");
            out.put(name, new Entry(name, running));
        }
        return out;
    }

    private static List<String> words(String line) {
        String t = line.strip();
        return t.isEmpty() ? List.of() : Arrays.asList(t.split("\\s+"));
    }
}
