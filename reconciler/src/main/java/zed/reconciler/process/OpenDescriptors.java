package zed.reconciler.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * The descriptors of this JVM above stderr, which a spawned process would otherwise inherit: the JDK opens its files
 * and sockets without close-on-exec (its own launcher closes them in the child), and a service holding the node's
 * listening socket would keep the port from a restarted node. Each is closed in the child by a spawn file action.
 * A descriptor another thread opens between this listing and the spawn still leaks; that is one file, not all.
 */
final class OpenDescriptors {
    /** FreeBSD's /dev/fd lists only 0 to 2 unless fdescfs is mounted: then every number up to this is closed. */
    private static final int RANGE_MAX = 65_536;

    private OpenDescriptors() {
    }

    static List<Integer> aboveStderr() {
        Path listing = switch (HostOs.current()) {
            case LINUX, ILLUMOS -> Path.of("/proc/self/fd");
            case FREEBSD, MACOS, OTHER -> Path.of("/dev/fd");
        };
        try (Stream<Path> entries = Files.list(listing)) {
            List<Integer> fds = entries.map(p -> p.getFileName().toString()).filter(n -> n.chars().allMatch(Character::isDigit))
                    .map(Integer::valueOf).filter(fd -> fd > 2).toList();
            // a JVM always has more open (its jars, and this listing itself): none means the listing is not all of them
            if (!fds.isEmpty()) return fds;
        } catch (IOException | RuntimeException e) {
            // no listing: close them all by number
        }
        int max = Math.min(Libc.posix().getdtablesize(), RANGE_MAX);
        return IntStream.range(3, Math.max(3, max)).boxed().toList();
    }
}
