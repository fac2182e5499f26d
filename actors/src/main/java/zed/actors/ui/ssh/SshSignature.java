package zed.actors.ui.ssh;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;

/**
 * A signature as {@code ssh-keygen -Y sign} writes it: OpenSSH's SSHSIG format (PROTOCOL.sshsig), armored between
 * {@value #BEGIN} and {@value #END}. The blob is the magic {@code SSHSIG}, version 1, the signer's public key, the
 * namespace, a reserved string, the message's hash algorithm (sha256 or sha512), and the signature (its algorithm and
 * its bytes).
 */
public record SshSignature(byte[] publicKey, String namespace, byte[] reserved, String hashAlgorithm, String algorithm, byte[] signature) {
    public static final String BEGIN = "-----BEGIN SSH SIGNATURE-----";
    public static final String END = "-----END SSH SIGNATURE-----";
    private static final byte[] MAGIC = "SSHSIG".getBytes(StandardCharsets.US_ASCII);
    /** Far more than an RSA-16384 signature's armor: a larger paste is not one. */
    public static final int MAX_ARMORED = 16 * 1024;

    /** The signature an armored text holds; an {@link IllegalArgumentException} saying why when it holds none. */
    public static SshSignature parse(String armored) {
        if (armored.length() > MAX_ARMORED) throw new IllegalArgumentException("the signature is longer than " + MAX_ARMORED + " characters");
        int begin = armored.indexOf(BEGIN);
        int end = armored.indexOf(END);
        if (begin < 0 || end < begin) throw new IllegalArgumentException("not an SSH signature: paste all that ssh-keygen -Y sign printed, " + BEGIN + " to " + END);
        String body = armored.substring(begin + BEGIN.length(), end).replaceAll("\\s", "");
        byte[] blob;
        try {
            blob = Base64.getDecoder().decode(body);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the signature between its armor lines is not base64: " + e.getMessage());
        }
        Wire w = new Wire(blob, "the signature");
        if (!Arrays.equals(w.raw(MAGIC.length, "magic"), MAGIC)) throw new IllegalArgumentException("not an SSHSIG signature (no SSHSIG magic)");
        int version = w.uint32("version");
        if (version != 1) throw new IllegalArgumentException("an SSHSIG signature of version " + Integer.toUnsignedString(version) + ": only version 1 is known");
        byte[] key = w.string("public key");
        String namespace = w.text("namespace");
        byte[] reserved = w.string("reserved field");
        String hash = w.text("hash algorithm");
        byte[] sig = w.string("signature");
        w.end();
        Wire s = new Wire(sig, "the signature's inner blob");
        String algorithm = s.text("algorithm");
        byte[] bytes = s.string("bytes");
        s.end();
        return new SshSignature(key, namespace, reserved, hash, algorithm, bytes);
    }

    /** What the signature covers for {@code message} (PROTOCOL.sshsig): magic, namespace, reserved, hash algorithm, H(message). */
    public byte[] signedData(byte[] message) {
        String jdk = switch (hashAlgorithm) {
            case "sha256" -> "SHA-256";
            case "sha512" -> "SHA-512";
            default -> throw new IllegalArgumentException("the message's hash algorithm is " + hashAlgorithm + ": sha256 or sha512 only");
        };
        try {
            byte[] digest = MessageDigest.getInstance(jdk).digest(message);
            return new Wire.Out().raw(MAGIC).string(namespace).string(reserved).string(hashAlgorithm).string(digest).bytes();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
