package zed.reconciler.secret;

import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519KeyPairGenerator;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.HexFormat;
import java.util.List;

/**
 * The host's X25519 key pair in age's terms: the identity ({@code AGE-SECRET-KEY-1...}) and its recipient
 * ({@code age1...}). Encrypts and decrypts whole age files in memory (a secret is small), and makes the fingerprints:
 * an HMAC-SHA256 under a key derived from the identity, so that a fingerprint in a ZFS property (which a snapshot, a
 * {@code zfs send} stream and {@code zfs get} all show) cannot be checked against guesses of a low-entropy value
 * without the host's key. No file I/O here: {@link KeyFile} reads and writes the key.
 */
public record HostKey(String identity, String recipient) {
    /** The label the fingerprint's MAC key is derived under: a key of its own, never the identity itself. */
    private static final byte[] FINGERPRINT_LABEL = "zed secret fingerprint v1".getBytes(StandardCharsets.US_ASCII);
    public static final String FINGERPRINT_PREFIX = "hmac-sha256:";

    public HostKey {
        if (identity == null || !identity.startsWith("AGE-SECRET-KEY-1")) throw new IllegalArgumentException("not an age X25519 identity (AGE-SECRET-KEY-1...)");
        if (recipient == null || !recipient.startsWith("age1")) throw new IllegalArgumentException("not an age X25519 recipient (age1...)");
    }

    public static HostKey generate() {
        try {
            KeyPair pair = new X25519KeyPairGenerator().generateKeyPair();
            return new HostKey(pair.getPrivate().toString(), pair.getPublic().toString());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make an X25519 key: " + e.getMessage());
        }
    }

    /** The file that {@code age -i} reads too: age-keygen's layout, the recipient in a comment. */
    public String fileText(String createdAt) {
        return "# created: " + createdAt + "\n# public key: " + recipient + "\n" + identity + "\n";
    }

    /**
     * Reads age-keygen's layout: one identity line, the recipient from its {@code # public key:} comment; then checks
     * that the two belong together (a file encrypted to the recipient opens with the identity).
     */
    public static HostKey parse(String text) {
        String identity = null;
        String recipient = null;
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.startsWith("# public key:")) recipient = l.substring("# public key:".length()).strip();
            else if (l.startsWith("AGE-SECRET-KEY-1")) {
                if (identity != null) throw new IllegalArgumentException("holds more than one identity");
                identity = l;
            }
        }
        if (identity == null) throw new IllegalArgumentException("holds no identity (AGE-SECRET-KEY-1...)");
        if (recipient == null) throw new IllegalArgumentException("has no \"# public key: age1...\" line");
        HostKey key = new HostKey(identity, recipient);
        byte[] probe = "zed".getBytes(StandardCharsets.US_ASCII);
        byte[] back;
        try {
            back = key.decrypt(key.encrypt(probe));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("its public key does not belong to its identity");
        }
        if (!java.util.Arrays.equals(probe, back)) throw new IllegalArgumentException("its public key does not belong to its identity");
        return key;
    }

    /** An age file (binary, not armored) of {@code plaintext}, to this host's recipient. */
    public byte[] encrypt(byte[] plaintext) {
        try {
            RecipientStanzaWriter to = X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient);
            ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length + 256);
            try (WritableByteChannel ch = new StandardEncryptingChannelFactory().newEncryptingChannel(Channels.newChannel(out), List.of(to))) {
                ch.write(java.nio.ByteBuffer.wrap(plaintext));
            }
            return out.toByteArray();
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot encrypt: " + e.getClass().getSimpleName());
        }
    }

    /**
     * The plaintext of an age file to this host.
     *
     * @throws IllegalArgumentException when it is no age file, is for another recipient, or was altered; the message
     *                                  never holds any of the content
     */
    public byte[] decrypt(byte[] ageFile) {
        try {
            RecipientStanzaReader with = X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity);
            try (ReadableByteChannel ch = new StandardDecryptingChannelFactory().newDecryptingChannel(Channels.newChannel(new ByteArrayInputStream(ageFile)), List.of(with));
                 java.io.InputStream in = Channels.newInputStream(ch)) {
                return in.readAllBytes();
            }
        } catch (GeneralSecurityException | IOException | RuntimeException e) {
            throw new IllegalArgumentException("not an age file for this host's key (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** {@code hmac-sha256:<hex>} of the slot's value, the slot's name bound in (the same value in two slots reads differently). */
    public String fingerprint(Slot slot, byte[] value) {
        try {
            Mac derive = Mac.getInstance("HmacSHA256");
            derive.init(new SecretKeySpec(identity.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
            byte[] macKey = derive.doFinal(FINGERPRINT_LABEL);
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(macKey, "HmacSHA256"));
            mac.update(slot.name().getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            return FINGERPRINT_PREFIX + HexFormat.of().formatHex(mac.doFinal(value));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("no HmacSHA256 in this JVM: " + e.getMessage());
        }
    }

    /** Never the identity: a key printed by mistake (a log line, an exception) shows only its recipient. */
    @Override
    public String toString() {
        return "HostKey[" + recipient + "]";
    }
}
