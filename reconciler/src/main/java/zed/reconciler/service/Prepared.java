package zed.reconciler.service;

import java.nio.file.Path;
import java.util.List;

/**
 * A service ready to start.
 *
 * @param argv           the command to run, before any jail wraps it
 * @param workdir        the directory to run it in: the service's home
 * @param sourceRevision what was built or unpacked: the git commit, or the sha256 (hex) of the release archive, the
 *                       jar or the src tree; null for exec services, which have no source of their own. The service
 *                       needs a restart when this changes.
 */
public record Prepared(List<String> argv, Path workdir, String sourceRevision) {
    public Prepared {
        argv = List.copyOf(argv);
    }
}
