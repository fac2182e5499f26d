package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A service's or a job's home, its dataset's mountpoint, given to the user it runs as in the single-process mode, so
 * that it can write there: the directory itself, not what a build or an unpacked release left inside, which it only
 * reads. Through zed ops, ops does the same on its side ({@code serviceHome}).
 */
final class Home {
    private Home() {
    }

    static void give(String ref, RunAs as, Path home) {
        try {
            if (home == null || !Files.isDirectory(home)) return;
            // a parent it cannot pass would only show as a crash loop (its shell cannot enter its home): said here instead
            for (Path up = home.toAbsolutePath().getParent(); up != null; up = up.getParent()) {
                if (!Reach.passes(as, up)) {
                    throw new Launcher.LaunchError(ref + ": user \"" + as.user() + "\" cannot reach its home " + home + ": " + up
                            + " is closed to it (" + Reach.describe(up) + "); give it a dataset of its own, whose mountpoint is its home");
                }
            }
            if (((Number) Files.getAttribute(home, "unix:uid")).longValue() != as.uid()) Files.setAttribute(home, "unix:uid", (int) as.uid());
            if (((Number) Files.getAttribute(home, "unix:gid")).longValue() != as.gid()) Files.setAttribute(home, "unix:gid", (int) as.gid());
        } catch (IOException | UnsupportedOperationException e) {
            throw new Launcher.LaunchError(ref + ": cannot give its home " + home + " to user \"" + as.user() + "\": " + e.getMessage());
        }
    }
}
