package zed.actors.plan;

import com.github.difflib.DiffUtils;
import com.github.difflib.UnifiedDiffUtils;

import java.util.List;

/**
 * The Zedfile's text against the level's current one, as unified diff lines ({@code diff -u}), for the plan's
 * "source diff beside it". Pure. java-diff-utils rather than a diff of our own: Myers' algorithm and the hunk format
 * are easy to get subtly wrong, and the library has no dependencies.
 */
public final class SourceDiff {
    /** Lines of context around each change, as {@code diff -u}. */
    static final int CONTEXT = 3;

    private SourceDiff() {
    }

    /**
     * @param before the current source, or null (none yet: every line is added); likewise {@code after} (a revision
     *               kept without its text)
     * @return empty when nothing differs
     */
    public static List<String> unified(String beforeName, String before, String afterName, String after) {
        List<String> was = before == null ? List.of() : before.lines().toList();
        List<String> now = after == null ? List.of() : after.lines().toList();
        return List.copyOf(UnifiedDiffUtils.generateUnifiedDiff(before == null ? "/dev/null" : "a/" + beforeName, "b/" + afterName, was,
                DiffUtils.diff(was, now), CONTEXT));
    }
}
