package zed.reconciler.store;

import zed.reconciler.process.CannotStart;
import zed.reconciler.process.Capture;
import zed.reconciler.process.ProcessTree;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code send | receive} without a shell: two processes, the bytes copied between them by the calling thread. The
 * copy can be cut after a number of bytes, which is how tests interrupt a replication for real.
 *
 * <p>Not a {@link zed.reconciler.process.Subprocess}: that runs one command with its output in files, while here one
 * command's stdout is the other's stdin and the bytes between them are counted (and cut). The parts that are the
 * same are shared: stderr goes to files ({@link Capture}, so that no thread drains a pipe), a start failure reads as
 * everywhere else ({@link CannotStart}), and at the deadline both are stopped with what they started
 * ({@link ProcessTree}).
 */
public final class Pipe {
    static final File NO_INPUT = new File("/dev/null");

    public record Result(int sendExit, int receiveExit, String sendErr, String receiveErr, long bytes, boolean cut) {
        public boolean ok() {
            return sendExit == 0 && receiveExit == 0 && !cut;
        }
    }

    private Pipe() {
    }

    public static Result run(List<String> send, List<String> receive, Duration timeout, long cutAfterBytes) {
        String subject = String.join(" ", receive);
        try (Capture sErr = Capture.create(); Capture rErr = Capture.create()) {
            Process s = start(new ProcessBuilder(send).redirectInput(ProcessBuilder.Redirect.from(NO_INPUT)).redirectError(sErr.file().toFile()), subject);
            Process r;
            try {
                r = start(new ProcessBuilder(receive).redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(rErr.file().toFile()), subject);
            } catch (StoreError e) {
                ProcessTree.of(s.toHandle()).stop(Duration.ZERO);
                throw e;
            }
            Copied copied = copy(s, r, cutAfterBytes);
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean done = s.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)
                    && r.waitFor(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (!done) {
                ProcessTree.of(s.toHandle()).stop(Duration.ZERO);
                ProcessTree.of(r.toHandle()).stop(Duration.ZERO);
                throw new StoreError(StoreError.Kind.TIMEOUT, subject, "replication did not finish within " + timeout.toSeconds() + "s");
            }
            return new Result(s.exitValue(), r.exitValue(), sErr.read(0), rErr.read(0), copied.bytes, copied.cut);
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, subject, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreError(StoreError.Kind.OTHER, subject, "interrupted");
        }
    }

    static Process start(ProcessBuilder pb, String subject) {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, subject, CannotStart.of(pb.command().get(0), e).getMessage());
        }
    }

    private record Copied(long bytes, boolean cut) {
    }

    private static Copied copy(Process s, Process r, long cutAfterBytes) {
        long copied = 0;
        try (InputStream in = s.getInputStream(); OutputStream out = r.getOutputStream()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (cutAfterBytes >= 0 && copied + n > cutAfterBytes) {
                    int part = (int) (cutAfterBytes - copied);
                    out.write(buf, 0, part);
                    // no kill: a killed zfs send leaks a hold on its snapshot in zfs-fuse. Closing both ends makes
                    // the receiver see a short stream and the sender a broken pipe, and both exit on their own.
                    return new Copied(copied + part, true);
                }
                out.write(buf, 0, n);
                copied += n;
            }
        } catch (IOException e) {
            // the receiver went away (or the sender did); their exit codes and stderr say why
        }
        return new Copied(copied, false);
    }
}
