package zed.reconciler.ops;

import zed.config.Value;
import zed.reconciler.process.Secrets;
import zed.reconciler.store.StoreError;

import java.nio.file.Path;

/**
 * The secrets of an unprivileged agent: a reference becomes a {@link SecretMarks mark}, which zed ops fills with the
 * value when it starts the process or writes the file, under the host key only ops (root) reads; a digest's stamp
 * (the slot's HMAC under that key) is asked of ops. So the agent's user holds neither the key nor any value.
 */
public final class MarkedSecrets implements Secrets {
    private final Path socket;
    private final String consumer;

    public MarkedSecrets(Path socket) {
        this(socket, null);
    }

    private MarkedSecrets(Path socket, String consumer) {
        this.socket = socket;
        this.consumer = consumer;
    }

    @Override
    public Secrets forService(String service) {
        return new MarkedSecrets(socket, service);
    }

    @Override
    public String resolve(Value.SecretRef ref) {
        return SecretMarks.mark(consumer, ref);
    }

    @Override
    public String stamp(Value.SecretRef ref) {
        var r = Frames.JSON.createObjectNode().put("op", "secretStamp").put("slot", ref.slot());
        if (ref.field() != null) r.put("field", ref.field());
        try {
            return OpsStore.call(socket, r).asText();
        } catch (StoreError e) {
            throw new IllegalStateException("secret slot \"" + ref.slot() + "\": " + e.getMessage());
        }
    }
}
