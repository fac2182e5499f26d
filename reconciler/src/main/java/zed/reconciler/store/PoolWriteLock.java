package zed.reconciler.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One ZFS write to a pool at a time, on this machine: across the threads of this node (a lock per pool) and across
 * processes (an fcntl lock on a file per pool). A host runs one node, so across processes only ever matters when
 * several nodes share one machine's ZFS, as a cluster's tests do: zfs-fuse wedges under concurrent writes from
 * several processes. Where the lock file cannot be made, the process-wide lock alone is taken.
 */
final class PoolWriteLock {
    private static final Map<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
    private static final Path DIR = Files.isDirectory(Path.of("/run/lock")) ? Path.of("/run/lock") : Path.of(System.getProperty("java.io.tmpdir"));

    private PoolWriteLock() {
    }

    interface Write<T> {
        T run();
    }

    static <T> T holding(String pool, Write<T> write) {
        ReentrantLock lock = LOCKS.computeIfAbsent(pool, k -> new ReentrantLock());
        lock.lock();
        FileChannel ch = channel(pool);
        try {
            if (ch != null) {
                try {
                    ch.lock(); // released when the channel closes
                } catch (IOException e) {
                    // the file lock failed: this write is serialised within this node only
                }
            }
            return write.run();
        } finally {
            close(ch);
            lock.unlock();
        }
    }

    private static void close(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing releases the lock; a failure to close leaves nothing we could do better
        }
    }

    private static FileChannel channel(String pool) {
        try {
            return FileChannel.open(DIR.resolve("zed-zfs-" + pool.replace('/', '_') + ".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
