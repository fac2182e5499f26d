package zed.actors.cli;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A level's {@code start.lock}, held by one {@code zed up} for its whole bring-up, so that two never interleave.
 *
 * <p>A java.nio {@link FileLock} (fcntl(2) on Linux), not flock(2) through JNR (as it was until issue 10): loading JNR
 * costs a command line a quarter of a second, half of a no-op {@code zed up}. Between processes, which is
 * all that this lock is for, the two exclude alike; fcntl's catches do not arise here, because one {@code zed up}
 * opens each lock file once and closes it only to let go. The kernel drops the lock when its holder dies.
 */
final class StartLock implements AutoCloseable {
    private final FileChannel file;

    private StartLock(FileChannel file) {
        this.file = file;
    }

    /** Waits until no other process holds {@code file} (created if missing), then holds it. */
    static StartLock take(Path file) throws IOException {
        FileChannel c = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            c.lock(); // released when the channel closes
            return new StartLock(c);
        } catch (IOException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    /** Lets go: closing the file releases its lock. */
    @Override
    public void close() throws IOException {
        file.close();
    }
}
