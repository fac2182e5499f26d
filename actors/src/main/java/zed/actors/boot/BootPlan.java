package zed.actors.boot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What {@code zed agent install} changes to get a root from what it holds to what {@link BootLayout} wants: nothing
 * for what is already so, which makes a second run change nothing. Pure: the driver ({@link HostRoot}) reads and
 * applies.
 */
public final class BootPlan {
    private BootPlan() {
    }

    /** The users to add: first, since the directories' and files' owners are looked up after. */
    public static List<Change> accounts(List<Wanted> wanted, Accounts have) {
        List<Change> changes = new ArrayList<>();
        for (Wanted w : wanted) {
            if (w instanceof Wanted.Account a && !have.uids().containsKey(a.name())) changes.add(new Change.AddAccount(a));
        }
        return changes;
    }

    /**
     * The directories and files to make or fix, in the order wanted (a directory before what it holds).
     *
     * @param found what is at a path now
     * @param notes what is left alone and why (an operator's edited file)
     * @throws IllegalStateException when a path holds what cannot be fixed in place (a file where a directory goes, a
     *                               link), or an owner is not in the root's passwd or group
     */
    public static List<Change> files(List<Wanted> wanted, Function<String, Found> found, Accounts ids, List<String> notes) {
        List<Change> changes = new ArrayList<>();
        for (Wanted w : wanted) {
            if (w instanceof Wanted.Directory d) {
                directory(d, found.apply(d.path()), ids, changes);
            } else if (w instanceof Wanted.Content c) {
                content(c, found.apply(c.path()), ids, changes, notes);
            } else if (w instanceof Wanted.Moved m) {
                moved(m, found.apply(m.from()), found.apply(m.to()), ids, changes, notes);
            }
        }
        return changes;
    }

    private static void directory(Wanted.Directory d, Found f, Accounts ids, List<Change> changes) {
        int uid = ids.uid(d.owner()), gid = ids.gid(d.group());
        String owner = d.owner() + ":" + d.group();
        switch (f.kind()) {
            case NOTHING -> changes.add(new Change.MakeDirectory(d.path(), d.mode(), uid, gid, owner));
            case DIRECTORY -> fix(d.path(), d.mode(), uid, gid, owner, f, changes);
            default -> throw new IllegalStateException(d.path() + " should be a directory but is " + what(f) + "; move it away and run zed agent install again");
        }
    }

    private static void content(Wanted.Content c, Found f, Accounts ids, List<Change> changes, List<String> notes) {
        int uid = ids.uid(c.owner()), gid = ids.gid(c.group());
        String owner = c.owner() + ":" + c.group();
        switch (f.kind()) {
            case NOTHING -> changes.add(new Change.WriteFile(c.path(), c.mode(), uid, gid, owner, c.text(), "write"));
            case FILE -> {
                if (c.operators()) {
                    if (!c.text().equals(f.text())) notes.add("kept " + c.path() + ": it differs from the default, so it is the operator's and is not overwritten");
                } else if (!c.text().equals(f.text())) {
                    changes.add(new Change.WriteFile(c.path(), c.mode(), uid, gid, owner, c.text(), "replace (it differed from this version's)"));
                } else {
                    fix(c.path(), c.mode(), uid, gid, owner, f, changes);
                }
            }
            default -> throw new IllegalStateException(c.path() + " should be a file but is " + what(f) + "; move it away and run zed agent install again");
        }
    }

    private static void moved(Wanted.Moved m, Found from, Found to, Accounts ids, List<Change> changes, List<String> notes) {
        if (from.kind() == Found.Kind.NOTHING) return;
        if (from.kind() != Found.Kind.FILE) {
            notes.add("left " + m.from() + " alone: it is " + what(from) + ", not a file; " + m.to() + " is where it is read now");
        } else if (to.kind() != Found.Kind.NOTHING) {
            notes.add("left " + m.from() + " alone: " + m.to() + " is there already, and is the one read now; remove the other once you know which is right");
        } else {
            changes.add(new Change.MoveFile(m.from(), m.to(), m.mode(), ids.uid(m.owner()), ids.gid(m.group()), m.owner() + ":" + m.group(), m.why()));
        }
    }

    /**
     * The owner of everything under a tree, after the files: {@code notOwned} is how many paths under it (the
     * directory itself aside, {@code except} aside) have another owner now.
     */
    public static List<Change> trees(List<Wanted> wanted, java.util.function.ToIntBiFunction<Wanted.OwnedTree, Accounts> notOwned, Accounts ids) {
        List<Change> changes = new ArrayList<>();
        for (Wanted w : wanted) {
            if (!(w instanceof Wanted.OwnedTree t)) continue;
            int n = notOwned.applyAsInt(t, ids);
            if (n > 0) changes.add(new Change.SetTreeOwner(t.path(), ids.uid(t.owner()), ids.gid(t.group()), t.owner() + ":" + t.group(), t.except(), n));
        }
        return changes;
    }

    private static void fix(String path, int mode, int uid, int gid, String owner, Found f, List<Change> changes) {
        if (f.uid() != uid || f.gid() != gid) changes.add(new Change.SetOwner(path, uid, gid, owner));
        if (f.mode() != mode) changes.add(new Change.SetMode(path, f.mode(), mode));
    }

    private static String what(Found f) {
        return switch (f.kind()) {
            case DIRECTORY -> "a directory";
            case FILE -> "a file";
            case OTHER -> "a link or special file";
            case NOTHING -> "nothing";
        };
    }
}
