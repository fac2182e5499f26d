package zed.chaos.fault;

import java.util.ArrayList;
import java.util.List;

/**
 * What a chaos scenario did and found: how many runs, how many faults it injected, what it checked after each, and
 * every failure (an invariant that did not hold), as docs/reliability.md tabulates them.
 */
public final class Outcome {
    private final String scenario;
    private final String checked;
    private int runs;
    private int faults;
    private final List<String> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    public Outcome(String scenario, String checked) {
        this.scenario = scenario;
        this.checked = checked;
    }

    public void run() {
        runs++;
    }

    public void fault() {
        faults++;
    }

    /** Records a failure when {@code ok} is false. */
    public synchronized boolean check(boolean ok, String failure) {
        if (!ok) failures.add("run " + runs + ": " + failure);
        return ok;
    }

    /** A line of what the run measured, printed after the table (the soak's figures). */
    public synchronized void note(String line) {
        notes.add(line);
    }

    public List<String> notes() {
        return List.copyOf(notes);
    }

    public synchronized List<String> failures() {
        return List.copyOf(failures);
    }

    public int runs() {
        return runs;
    }

    public int faults() {
        return faults;
    }

    /** The scenario's row of the reliability table. */
    public String row() {
        return "| " + scenario + " | " + runs + " | " + faults + " | " + checked + " | " + failures.size() + " |";
    }

    public static String header() {
        return "| scenario | runs | faults injected | checked after each | failures |\n|---|---|---|---|---|";
    }

    @Override
    public String toString() {
        return header() + "\n" + row() + (notes.isEmpty() ? "" : "\n\n" + String.join("\n", notes))
                + (failures.isEmpty() ? "" : "\n\nFailures:\n- " + String.join("\n- ", failures));
    }
}
