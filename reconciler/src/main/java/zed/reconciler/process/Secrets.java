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
