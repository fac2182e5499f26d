package zed.reconciler.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import zed.reconciler.process.StartTime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The processes zed ops started for its agent, kept in a file (root's, 0600) so that an ops that restarts still knows
 * them: only these may an agent stop or signal through ops, never another process of the host. An entry goes when
 * its process exits, is stopped, or is found gone (its pid no longer the process of that start time).
 */
final class StartedTable {
    /**
     * @param token   the launch token in its environment, by which an agent killed before it stamped the pid finds it
     * @param service null for a process found by its token, whose start ops did not live to enter
     */
    record Entry(long pid, String startTime, String token, String user, String service) {
        boolean alive() {
            return StartTime.same(pid, startTime);
        }
    }

    private final Path file;
    private final List<Entry> entries = new ArrayList<>();

    /** Reads the file (where there is one), keeping the processes still alive. */
    StartedTable(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new IOException(file + " is not a plain file");
            List<Entry> read = Frames.JSON.readValue(Files.readAllBytes(file), new TypeReference<List<Entry>>() {
            });
            for (Entry e : read) if (e.alive()) entries.add(e);
            save();
        }
    }

    /** Once per process: a start and a find by its token may both enter it. */
    synchronized void add(Entry e) throws IOException {
        if (find(e.pid(), e.startTime()).isPresent()) return;
        entries.add(e);
        save();
    }

    /** The entry of this very process, if ops started it. */
    synchronized Optional<Entry> find(long pid, String startTime) {
        return entries.stream().filter(e -> e.pid() == pid && e.startTime().equals(startTime)).findFirst();
    }

    synchronized Optional<Entry> byToken(String token) {
        return entries.stream().filter(e -> token.equals(e.token()) && e.alive()).findFirst();
    }

    synchronized void remove(long pid, String startTime) {
        if (entries.removeIf(e -> e.pid() == pid && e.startTime().equals(startTime))) {
            try {
                save();
            } catch (IOException e) {
                // the file keeps an entry of a process that is gone: dropped at the next load, never a live one lost
            }
        }
    }

    synchronized List<Entry> all() {
        return List.copyOf(entries);
    }

    /** Written whole to a file beside it, then moved over it: a crash leaves the old table or the new, never half. */
    private void save() throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".new");
        Files.deleteIfExists(tmp);
        try (var out = Files.newByteChannel(tmp, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
            out.write(java.nio.ByteBuffer.wrap(Frames.JSON.writeValueAsBytes(entries)));
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
