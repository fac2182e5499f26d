package zed.reconciler.secret;

import zed.config.Value;
import zed.reconciler.process.Secrets;

/**
 * A Zedfile's {@code secret(slot, field?)} resolved from the host's {@link SecretStore}, when a process starts and at
 * no other time. A slot that is not set fails that start with an error naming the slot.
 */
public final class StoredSecrets implements Secrets {
    private final java.util.function.Supplier<SecretStore> store;

    public StoredSecrets(SecretStore store) {
        this(() -> store);
    }

    /** Opens the store at each start: a key made ({@code zed secrets init}) after the node started is found. */
    public StoredSecrets(java.util.function.Supplier<SecretStore> store) {
        this.store = store;
    }

    @Override
    public String resolve(Value.SecretRef ref) {
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
        return opened.text(slot, ref.field());
    }
}
