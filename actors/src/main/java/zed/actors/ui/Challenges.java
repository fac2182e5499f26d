package zed.actors.ui;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.function.Function;

/**
 * The challenges of the logins anyone may start (a passkey's, the SSH key's nonce): stateless, so that asking for them
 * fills nothing. Each is 12 random bytes, its expiry (seconds since the epoch, 4 bytes) and an HMAC-SHA256 of both and
 * the purpose (16 bytes of it), under a key made at the node's start and held in its memory only: 32 bytes, as the
 * single-use keys before them. One that the node did not make (or made for another purpose, or before a restart) is
 * refused as unknown, a late one as expired. Single use is kept by remembering only the challenges spent by a login
 * that verified, until they expire: only a valid credential adds one, so nobody can fill it by asking. A refused
 * attempt spends nothing (the signature it lacked is what a second attempt would need too). Pure but for the random
 * bytes: the time is the caller's.
 */
public final class Challenges {
    /** Whether a challenge may be used, or why not. */
    public sealed interface Checked permits Fresh, Refused {
    }

    public record Fresh(Instant expires) implements Checked {
    }

    public record Refused(SingleUse.Why why) implements Checked {
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;
    private static final int TAG = 16;
    private static final int LENGTH = NONCE + 4 + TAG;

    private final String purpose;
    private final Duration valid;
    private final Function<byte[], String> encode;
    private final Function<String, byte[]> decode;
    private final SecretKeySpec key;
    /** The spent challenges (their bytes, in hex: no secret, the MAC's key is), each until it expires. */
    private final Map<String, Instant> spent = new HashMap<>();

    /**
     * @param purpose what the challenges are for: one purpose's never passes as another's
     * @param encode  the challenge's form (hex for a shell's echo, base64url for WebAuthn); {@code decode} its inverse,
     *                throwing IllegalArgumentException on what is not of that form
     */
    public Challenges(String purpose, Duration valid, Function<byte[], String> encode, Function<String, byte[]> decode) {
        this.purpose = purpose;
        this.valid = valid;
        this.encode = encode;
        this.decode = decode;
        byte[] k = new byte[32];
        RANDOM.nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
    }

    public Duration valid() {
        return valid;
    }

    /** A fresh challenge, good until {@code now + valid} (to the second, rounded up). */
    public String issue(Instant now) {
        byte[] b = new byte[LENGTH];
        RANDOM.nextBytes(b);
        long expires = now.plus(valid).plusMillis(999).getEpochSecond();
        ByteBuffer.wrap(b, NONCE, 4).putInt((int) expires);
        System.arraycopy(tag(b), 0, b, NONCE + 4, TAG);
        return encode.apply(b);
    }

    /** Whether {@code challenge} may be used at {@code now}; spends nothing. */
    public synchronized Checked check(String challenge, Instant now) {
        forget(now);
        byte[] b;
        try {
            b = challenge == null ? null : decode.apply(challenge);
        } catch (IllegalArgumentException e) {
            b = null;
        }
        if (b == null || b.length != LENGTH) return new Refused(SingleUse.Why.UNKNOWN);
        byte[] presented = java.util.Arrays.copyOfRange(b, NONCE + 4, LENGTH);
        if (!MessageDigest.isEqual(presented, tag(b))) return new Refused(SingleUse.Why.UNKNOWN);
        Instant expires = Instant.ofEpochSecond(Integer.toUnsignedLong(ByteBuffer.wrap(b, NONCE, 4).getInt()));
        if (!now.isBefore(expires)) return new Refused(SingleUse.Why.EXPIRED);
        if (spent.containsKey(HexFormat.of().formatHex(b))) return new Refused(SingleUse.Why.USED);
        return new Fresh(expires);
    }

    /**
     * Spends {@code challenge} for a login that verified: {@link Fresh} when this call spent it, else why not (another
     * login with it got there first, or it expired meanwhile). Checked and spent at once.
     */
    public synchronized Checked spend(String challenge, Instant now) {
        Checked c = check(challenge, now);
        // by its bytes, not its text: another spelling of the same bytes (hex in capitals) is the same challenge
        if (c instanceof Fresh f) spent.put(HexFormat.of().formatHex(decode.apply(challenge)), f.expires());
        return c;
    }

    /** The challenges remembered as spent now: at most the logins that verified within {@link #valid}. */
    synchronized int spentRemembered() {
        return spent.size();
    }

    private void forget(Instant now) {
        spent.values().removeIf(expires -> !now.isBefore(expires));
    }

    /** The MAC of the random bytes, the expiry and the purpose, cut to {@link #TAG} bytes. */
    private byte[] tag(byte[] b) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(b, 0, NONCE + 4);
            mac.update(purpose.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Arrays.copyOf(mac.doFinal(), TAG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
