package zed.reconciler.ops;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.reconciler.replica.ReplicaPlan;
import zed.reconciler.replica.Replicas;
import zed.reconciler.store.StoreError;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Replication of an unprivileged node: each method is a typed request to {@code zed ops}, which runs it with its
 * {@link zed.reconciler.store.ZfsReplicas}. A send's and a receive's bytes travel on the request's own connection as
 * {@link Chunks} between the request and its answer; the agent names datasets, snapshots and a step, never an argv.
 */
public final class OpsReplicas implements Replicas {
    /** How long a send's close waits for ops to stop its zfs send. */
    static final java.time.Duration STOPPING = java.time.Duration.ofSeconds(30);
    private final Path socket;

    public OpsReplicas(Path socket) {
        this.socket = socket;
    }

    @Override
    public List<ReplicaPlan.Snap> snapshots(String dataset) {
        return Frames.JSON.convertValue(call(req("replicaSnapshots", dataset)), new TypeReference<List<ReplicaPlan.Snap>>() {
        });
    }

    @Override
    public ReplicaPlan.Target target(String dataset) {
        return Frames.JSON.convertValue(call(req("replicaTarget", dataset)), ReplicaPlan.Target.class);
    }

    @Override
    public String snapshot(List<String> datasets, Instant at) {
        ObjectNode r = Frames.JSON.createObjectNode().put("op", "replicaSnapshot").put("at", at.toString());
        datasets.forEach(r.putArray("datasets")::add);
        return call(r).asText();
    }

    @Override
    public void prune(String dataset, String keep) {
        call(req("prune", dataset).put("keep", keep));
    }

    @Override
    public void promote(String dataset) {
        call(req("promote", dataset));
    }

    @Override
    public List<String> replicasOf(String root, String level, String origin) {
        return strings(call(req("replicasOf", root).put("level", level).put("origin", origin)));
    }

    @Override
    public List<String> toTakeOver(String root, String level, String origin) {
        return strings(call(req("toTakeOver", root).put("level", level).put("origin", origin)));
    }

    @Override
    public void takeOver(String dataset, String snapshot) {
        call(req("takeOver", dataset).put("snap", snapshot));
    }

    @Override
    public void demote(String dataset, String of) {
        call(req("demote", dataset).put("of", of));
    }

    @Override
    public Sending send(String dataset, ReplicaPlan.Step step) {
        ObjectNode r = req("send", dataset);
        r.set("step", ReplicaSteps.json(step));
        SocketChannel ch = open(dataset);
        try {
            Frames.write(ch, r);
            result(dataset, Frames.read(ch, Frames.MAX_ANSWER));
            return new Streaming(ch, dataset);
        } catch (IOException e) {
            close(ch);
            throw broken(dataset, e);
        } catch (RuntimeException e) {
            close(ch);
            throw e;
        }
    }

    /** A send ops runs: its bytes from the connection, then its answer (zfs send's exit) in {@link #finish()}. */
    private final class Streaming implements Sending {
        private final SocketChannel ch;
        private final String dataset;
        private final Chunks.In in;

        Streaming(SocketChannel ch, String dataset) {
            this.ch = ch;
            this.dataset = dataset;
            this.in = new Chunks.In(ch);
        }

        @Override
        public InputStream stream() {
            return in;
        }

        @Override
        public void finish() {
            try {
                in.drain();
                result(dataset, Frames.read(ch, Frames.MAX_ANSWER));
            } catch (IOException e) {
                throw broken(dataset, e);
            } finally {
                OpsReplicas.close(ch);
            }
        }

        /**
         * Half-closes the connection, which stops ops's zfs send, and reads what is left until ops closes its side (after
         * its zfs send exited), as the direct send's close waits for its process: the snapshot is then free to prune.
         */
        @Override
        public void close() {
            if (!ch.isOpen()) return;
            try {
                ch.shutdownOutput();
                java.nio.ByteBuffer rest = java.nio.ByteBuffer.allocate(64 << 10);
                long deadline = System.nanoTime() + STOPPING.toNanos();
                while (System.nanoTime() < deadline && ch.read(rest.clear()) >= 0) {
                    // discarded: bytes ops wrote before it stopped, its end marker and its answer
                }
            } catch (IOException gone) {
                // ops went first: nothing is left to wait for
            } finally {
                OpsReplicas.close(ch);
            }
        }
    }

    @Override
    public void receive(String target, ReplicaPlan.Step step, InputStream stream, String origin) {
        receive("receive", target, step, stream, origin);
    }

    @Override
    public void receiveModel(String target, ReplicaPlan.Step step, InputStream stream, String origin) {
        receive("receiveModel", target, step, stream, origin);
    }

    /**
     * Sends the request, waits for the go-ahead, copies the stream as chunks, and returns ops's answer. A source that
     * breaks mid-stream is never ended with the marker: the connection is half-closed, ops's zfs receive sees its
     * input cut, lands nothing, and its answer says so.
     */
    private void receive(String op, String target, ReplicaPlan.Step step, InputStream stream, String origin) {
        ObjectNode r = req(op, target).put("origin", origin);
        r.set("step", ReplicaSteps.json(step));
        try (SocketChannel ch = open(target)) {
            Frames.write(ch, r);
            result(target, Frames.read(ch, Frames.MAX_ANSWER));
            String cut = null;
            boolean written = true;
            Chunks.Out out = new Chunks.Out(ch);
            byte[] buf = new byte[256 << 10];
            while (stream != null && written) {
                int n;
                try {
                    n = stream.read(buf);
                } catch (IOException e) {
                    cut = e.getMessage();
                    break;
                }
                if (n < 0) break;
                try {
                    out.write(buf, 0, n);
                } catch (IOException e) {
                    written = false; // ops stopped reading: its answer says why
                }
            }
            if (cut != null) ch.shutdownOutput();
            else if (written) out.close();
            try {
                result(target, Frames.read(ch, Frames.MAX_ANSWER));
            } catch (StoreError e) {
                if (cut == null) throw e;
                throw new StoreError(e.kind(), target, "replication interrupted: the stream broke: " + cut + "; " + e.getMessage());
            }
            if (cut != null) throw new StoreError(StoreError.Kind.OTHER, target, "replication interrupted: the stream broke: " + cut);
        } catch (IOException e) {
            throw broken(target, e);
        }
    }

    private static ObjectNode req(String op, String dataset) {
        return Frames.JSON.createObjectNode().put("op", op).put("dataset", dataset);
    }

    private static List<String> strings(JsonNode n) {
        return Frames.JSON.convertValue(n, new TypeReference<List<String>>() {
        });
    }

    private SocketChannel open(String subject) {
        try {
            SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            try {
                ch.connect(UnixDomainSocketAddress.of(socket));
            } catch (IOException e) {
                ch.close();
                throw e;
            }
            return ch;
        } catch (IOException e) {
            throw new StoreError(StoreError.Kind.OTHER, subject, "zed ops on " + socket + ": " + e.getMessage());
        }
    }

    private static void close(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closed is all that is asked
        }
    }

    private StoreError broken(String subject, IOException e) {
        return new StoreError(StoreError.Kind.OTHER, subject, "replication interrupted: zed ops on " + socket + ": " + e.getMessage());
    }

    private JsonNode call(ObjectNode request) {
        return OpsStore.call(socket, request);
    }

    private static JsonNode result(String subject, ObjectNode answer) {
        return OpsStore.result(subject, answer);
    }
}
