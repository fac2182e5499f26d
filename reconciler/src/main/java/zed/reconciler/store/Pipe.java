package zed.reconciler.store;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * {@code send | receive} without a shell: two processes, the bytes copied between them by a thread. The copy can
 * be cut after a number of bytes, which is how tests interrupt a replication for real.
 */
public final class Pipe {
    public record Result(int sendExit, int receiveExit, String sendErr, String receiveErr, long bytes, boolean cut) {
        public boolean ok() {
            return sendExit == 0 && receiveExit == 0 && !cut;
        }
    }

    private Pipe() {
    }

    public static Result run(List<String> send, List<String> receive, Duration timeout, long cutAfterBytes) {
        Process s, r;
        try {
            s = new ProcessBuilder(send).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            r = new ProcessBuilder(receive).start();
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, String.join(" ", receive), "cannot start: " + e.getMessage());
        }
        CompletableFuture<String> sErr = CompletableFuture.supplyAsync(() -> ProcessCommand.read(s.getErrorStream()));
        CompletableFuture<String> rErr = CompletableFuture.supplyAsync(() -> ProcessCommand.read(r.getErrorStream()));
        CompletableFuture<String> rOut = CompletableFuture.supplyAsync(() -> ProcessCommand.read(r.getInputStream()));
        long copied = 0;
        boolean cut = false;
        try (InputStream in = s.getInputStream(); OutputStream out = r.getOutputStream()) {
            byte[] buf = new byte[1 << 16];
            int n;
            while ((n = in.read(buf)) > 0) {
                if (cutAfterBytes >= 0 && copied + n > cutAfterBytes) {
                    int part = (int) (cutAfterBytes - copied);
                    out.write(buf, 0, part);
                    copied += part;
                    cut = true;
                    // no kill: a killed zfs send leaks a hold on its snapshot in zfs-fuse. Closing both ends makes
                    // the receiver see a short stream and the sender a broken pipe, and both exit on their own.
                    break;
                }
                out.write(buf, 0, n);
                copied += n;
            }
        } catch (IOException e) {
            // the receiver went away (or the sender did); their exit codes and stderr say why
        }
        try {
            long deadline = System.nanoTime() + timeout.toNanos();
            boolean done = s.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    && r.waitFor(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            if (!done) {
                s.destroyForcibly();
                r.destroyForcibly();
                throw new StoreError(StoreError.Kind.TIMEOUT, String.join(" ", receive), "replication did not finish within " + timeout.toSeconds() + "s");
            }
            rOut.get();
            return new Result(s.exitValue(), r.exitValue(), sErr.get(), rErr.get(), copied, cut);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreError(StoreError.Kind.OTHER, String.join(" ", receive), "interrupted");
        } catch (java.util.concurrent.ExecutionException e) {
            throw new StoreError(StoreError.Kind.OTHER, String.join(" ", receive), e.getCause().toString());
        }
    }
}
