package zed.chaos.fuzz;

import java.util.ArrayList;
import java.util.List;

/** The table docs/reliability.md keeps per scenario: runs, faults injected, what was checked, failures found. */
final class FuzzTable {
    record Row(String what, long runs, String faults, String checked, long failures) {
    }

    private final List<Row> rows = new ArrayList<>();

    void add(Row r) {
        rows.add(r);
    }

    long failures() {
        return rows.stream().mapToLong(Row::failures).sum();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("| fuzzed | runs | faults injected | what was checked | failures found |\n|---|---:|---|---|---:|\n");
        for (Row r : rows) sb.append("| ").append(r.what()).append(" | ").append(String.format("%,d", r.runs())).append(" | ").append(r.faults()).append(" | ")
                .append(r.checked()).append(" | ").append(r.failures()).append(" |\n");
        return sb.toString();
    }
}
