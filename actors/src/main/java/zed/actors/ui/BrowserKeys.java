package zed.actors.ui;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The random keys a browser holds (a login link's key, a session's cookie, its CSRF token, a passkey ceremony's
 * challenge; 256 bits, URL-safe), and the hashes kept of them. Not the secrets of {@code zed secrets}: nothing here is
 * stored beyond the node's memory.
 */
public final class BrowserKeys {
    private static final SecureRandom RANDOM = new SecureRandom();

    private BrowserKeys() {
    }

    public static String fresh() {
        byte[] b = new byte[32];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Kept instead of the secret: a copy of the node's memory does not hand out live links or sessions. */
    public static String hash(String secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** In constant time: how long it takes says nothing of how close a guess came. */
    static boolean same(String a, String b) {
        return a != null && b != null && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
