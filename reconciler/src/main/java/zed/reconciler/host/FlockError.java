package zed.reconciler.host;

import java.nio.file.Path;

/** An flock(2), open(2) or close(2) call that failed, naming the file and what the kernel said (errno). */
public final class FlockError extends RuntimeException {
    private final Path path;
    private final int errno;

    public FlockError(Path path, String call, int errno, String reason) {
        super(path + ": " + call + " failed: errno " + errno + " (" + reason + ")");
        this.path = path;
        this.errno = errno;
    }

    public Path path() {
        return path;
    }

    public int errno() {
        return errno;
    }
}
