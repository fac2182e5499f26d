package zed.reconciler.host;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One command of a sudo hook, run to its end or to its deadline, with the given environment and nothing else.
 * stderr goes to a temporary file rather than a pipe: a background process left behind by the command would hold a
 * pipe open and a reader would wait on it forever, whereas a file it can write to as long as it likes.
 */
final class ShellCommand {
    /** How long a timed-out command has between SIGTERM and SIGKILL. */
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final int TAIL_BYTES = 2048;
    private static final int TAIL_LINES = 5;

    /**
     * @param exit         the exit status; meaningless when timed out
     * @param stderrTail   the last lines the command wrote to stderr, joined by " | "
     * @param stillRunning pids of a timed-out command's processes that we could not kill (root processes under sudo
     *                     that ignored the relayed SIGTERM): the operator has to see to them
     */
    record Finished(int exit, boolean timedOut, String stderrTail, List<Long> stillRunning) {
    }

    private ShellCommand() {
    }

    /** @throws IOException when the command cannot be started at all (a missing sudo, say) */
    static Finished run(List<String> argv, Map<String, String> environment, Duration timeout) throws IOException, InterruptedException {
        Path err = Files.createTempFile("zed-sudo-", ".stderr");
        try {
            ProcessBuilder pb = new ProcessBuilder(argv)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(err.toFile());
            pb.environment().clear();
            pb.environment().putAll(environment);
            Process p = pb.start();
            try {
                if (p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) return new Finished(p.exitValue(), false, tail(err), List.of());
            } catch (InterruptedException e) {
                kill(p);
                throw e;
            }
            List<Long> left = kill(p);
            return new Finished(p.isAlive() ? -1 : p.exitValue(), true, tail(err), left);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /**
     * SIGTERM to the command and everything it started, then SIGKILL to what is left after {@link #GRACE}. TERM
     * first because sudo passes TERM on to its command, which runs as root where we cannot signal it; KILL it could
     * not pass on. The tree is listed before anything dies, since orphans are no longer our descendants.
     *
     * @return the pids that we could not signal and that are still alive (root processes under sudo)
     */
    private static List<Long> kill(Process p) throws InterruptedException {
        List<ProcessHandle> tree = Stream.concat(Stream.of(p.toHandle()), p.descendants()).toList();
        tree.forEach(ProcessHandle::destroy);
        p.waitFor(GRACE.toNanos(), TimeUnit.NANOSECONDS);
        List<Long> left = new ArrayList<>();
        for (ProcessHandle h : tree) {
            // destroyForcibly is false only when kill(2) was refused, which for a live process means not ours
            if (h.isAlive() && !h.destroyForcibly() && h.isAlive()) left.add(h.pid());
        }
        // bounded: should even sudo itself have been beyond our signals, we report rather than hang
        p.waitFor(GRACE.toNanos(), TimeUnit.NANOSECONDS);
        return left;
    }

    /** The last lines of the file, reading only its end: a command may write a lot to stderr. */
    private static String tail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file)) {
            long size = ch.size();
            long from = Math.max(0, size - TAIL_BYTES);
            ByteBuffer buf = ByteBuffer.allocate((int) (size - from));
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read until full
            }
            List<String> lines = new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8).lines().toList();
            // a tail that starts mid-file starts mid-line, maybe mid-character: drop that first piece
            if (from > 0 && !lines.isEmpty()) lines = lines.subList(1, lines.size());
            List<String> kept = lines.stream().map(String::strip).filter(l -> !l.isEmpty()).toList();
            return String.join(" | ", kept.subList(Math.max(0, kept.size() - TAIL_LINES), kept.size()));
        }
    }
}
