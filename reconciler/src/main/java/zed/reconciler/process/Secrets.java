package zed.reconciler.process;

import zed.config.Value;

/**
 * Resolves secret references on the host, at start time, and nowhere else: a resolved value goes into a process's
 * environment or a rendered file, never into a spec, a stamp, a log line or an event. The host's store is
 * {@code zed.reconciler.secret.StoredSecrets}.
 */
@FunctionalInterface
public interface Secrets {
    String resolve(Value.SecretRef ref);

    /** The same, for the start of {@code service} ({@code level/kind/name}): a store that records its consumers does so. */
    default Secrets forService(String service) {
        return this;
    }

    /**
     * What a digest that may be published sees of a reference: never the value, nor a plain hash of it (a weak
     * password could be guessed offline against it). This default keys the hash with a random key of this process,
     * so a digest over it changes once when the node restarts; the host's store answers its HMAC under the host key.
     */
    default String stamp(Value.SecretRef ref) {
        try {
            javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
            mac.init(new javax.crypto.spec.SecretKeySpec(ProcessKey.KEY, "HmacSHA256"));
            return java.util.HexFormat.of().formatHex(mac.doFinal(resolve(ref).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this JVM: " + e.getMessage());
        }
    }

    /** {@link #text}, each reference as its {@link #stamp}: what a digest of a rendered file covers. */
    default String stampText(Value v) {
        if (v instanceof Value.Secret s) {
            StringBuilder sb = new StringBuilder();
            for (Object p : s.parts()) sb.append(p instanceof String str ? str : "\0secret:" + stamp((Value.SecretRef) p) + "\0");
            return sb.toString();
        }
        return text(v);
    }

    /** The key of {@link #stamp}'s default: made once per process, never written anywhere. */
    final class ProcessKey {
        static final byte[] KEY = new byte[32];

        static {
            new java.security.SecureRandom().nextBytes(KEY);
        }

        private ProcessKey() {
        }
    }

    /** The text of a value: a string as it is, a secret with its references resolved. */
    default String text(Value v) {
        if (v instanceof Value.Str s) return s.value();
        if (v instanceof Value.Secret s) {
            StringBuilder sb = new StringBuilder();
            for (Object p : s.parts()) sb.append(p instanceof String str ? str : resolve((Value.SecretRef) p));
            return sb.toString();
        }
        if (v instanceof Value.Num n) return n.plain();
        if (v instanceof Value.Bool b) return String.valueOf(b.value());
        throw new IllegalArgumentException("not text: " + v.typeName());
    }
}
