package zed.actors.ui;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A unified diff, side by side and unified, each line with its numbers. */
class SourceDiffViewTest {
    @Test
    void removedLinesStandBesideTheAddedLinesThatReplaceThem() {
        SourceDiffView v = SourceDiffView.of(List.of("--- a/Zedfile", "+++ b/Zedfile", "@@ -3,4 +3,5 @@ level",
                " dataset \"d\" {", "-  a = 1", "-  b = 2", "+  a = 2", " }", "+dataset \"e\" {}", "\\ No newline at end of file"));
        assertEquals(List.of(
                new SourceDiffView.Row("hunk", 0, "@@ -3,4 +3,5 @@ level", 0, null),
                new SourceDiffView.Row("same", 3, "dataset \"d\" {", 3, "dataset \"d\" {"),
                new SourceDiffView.Row("changed", 4, "  a = 1", 4, "  a = 2"),
                new SourceDiffView.Row("removed", 5, "  b = 2", 0, null),
                new SourceDiffView.Row("same", 6, "}", 5, "}"),
                new SourceDiffView.Row("added", 0, null, 6, "dataset \"e\" {}")), v.rows());
        assertEquals(List.of(
                new SourceDiffView.Line("hunk", 0, "@@ -3,4 +3,5 @@ level"),
                new SourceDiffView.Line("same", 3, "dataset \"d\" {"),
                new SourceDiffView.Line("removed", 4, "  a = 1"),
                new SourceDiffView.Line("removed", 5, "  b = 2"),
                new SourceDiffView.Line("added", 4, "  a = 2"),
                new SourceDiffView.Line("same", 5, "}"),
                new SourceDiffView.Line("added", 6, "dataset \"e\" {}")), v.lines());
        assertEquals(List.of("−", "+", " "), List.of(v.lines().get(2).sign(), v.lines().get(4).sign(), v.lines().get(1).sign()));
    }

    @Test
    void aNewFileIsAllAdded() {
        SourceDiffView v = SourceDiffView.of(List.of("--- /dev/null", "+++ b/Zedfile", "@@ -0,0 +1,2 @@", "+level \"x\" {}", "+"));
        assertEquals(List.of(new SourceDiffView.Row("hunk", 0, "@@ -0,0 +1,2 @@", 0, null),
                new SourceDiffView.Row("added", 0, null, 1, "level \"x\" {}"), new SourceDiffView.Row("added", 0, null, 2, "")), v.rows());
    }
}
