package zed.reconciler.secret;

import zed.config.Value;
import zed.reconciler.process.Secrets;

/**
 * A Zedfile's {@code secret(slot, field?)} resolved from the host's {@link SecretStore}, when a process starts and at
 * no other time. A slot that is not set fails that start with an error naming the slot. For a service's start it
 * records the service as the slot's consumer ({@code com.zed:secret.<slot>.consumers}).
 */
public final class StoredSecrets implements Secrets {
    private final java.util.function.Supplier<SecretStore> store;
    /** The service whose start this is, recorded as the slot's consumer; null: record none. */
    private final String service;

    public StoredSecrets(SecretStore store) {
        this(() -> store);
    }

    /** Opens the store at each start: a key made ({@code zed secrets init}) after the node started is found. */
    public StoredSecrets(java.util.function.Supplier<SecretStore> store) {
        this(store, null);
    }

    private StoredSecrets(java.util.function.Supplier<SecretStore> store, String service) {
        this.store = store;
        this.service = service;
    }

    @Override
    public Secrets forService(String service) {
        return new StoredSecrets(store, service);
    }

    @Override
    public String resolve(Value.SecretRef ref) {
        return opened(ref).text(new Slot(ref.slot()), ref.field());
    }

    @Override
    public String stamp(Value.SecretRef ref) {
        return opened(ref).stamp(new Slot(ref.slot()), ref.field());
    }

    /** The store, the service recorded as the slot's consumer (before any value is read). */
    private SecretStore opened(Value.SecretRef ref) {
        if (!Slot.valid(ref.slot())) {
            throw new IllegalStateException("secret slot \"" + ref.slot() + "\" cannot be in the host's store: a slot there is lowercase letters, digits, '_' and '-'");
        }
        Slot slot = new Slot(ref.slot());
        SecretStore opened;
        try {
            opened = store.get();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("secret slot \"" + slot + "\" cannot be read: " + e.getMessage());
        }
        // before the value: a slot asked for but never set is then "unset" in zed secrets verify
        if (service != null) opened.consumer(slot, service);
        return opened;
    }
}
