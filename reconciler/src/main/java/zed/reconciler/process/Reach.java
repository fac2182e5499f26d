package zed.reconciler.process;


import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/** Whether an account may pass through a directory (search permission), by its owner, group and mode bits. */
final class Reach {
    private Reach() {
    }

    static boolean passes(RunAs as, Path dir) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir);
        long uid = ((Number) Files.getAttribute(dir, "unix:uid")).longValue();
        long gid = ((Number) Files.getAttribute(dir, "unix:gid")).longValue();
        if (uid == as.uid()) return mode.contains(PosixFilePermission.OWNER_EXECUTE);
        if (gid == as.gid() || as.groups().contains(gid)) return mode.contains(PosixFilePermission.GROUP_EXECUTE);
        return mode.contains(PosixFilePermission.OTHERS_EXECUTE);
    }

    static String describe(Path dir) throws IOException {
        return "mode " + java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)) + ", owner uid "
                + Files.getAttribute(dir, "unix:uid");
    }
}
