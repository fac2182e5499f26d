package zed.actors.ui.ssh;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * A public key as SSH encodes it (its "blob": what {@code authorized_keys} holds in base64, and an SSHSIG names), of
 * one of the two types a login accepts. The JDK verifies both (Ed25519 since Java 15, RSA always): no library is
 * needed, and none is trusted with the parsing, which is a few fields of SSH's wire encoding.
 */
public sealed interface SshKey permits SshKey.Ed25519, SshKey.Rsa {
    /** Shorter RSA keys are refused: 2048 bits is the least NIST and OpenSSH's own defaults still accept. */
    int RSA_MIN_BITS = 2048;

    String type();

    byte[] blob();

    /**
     * Whether {@code signature}, made with the signature algorithm {@code algorithm}, signs {@code data}; null when
     * it does, else why not.
     */
    String refuses(String algorithm, byte[] signature, byte[] data);

    /** As {@code ssh-keygen -l} prints it: {@code SHA256:} and the unpadded base64 of the blob's SHA-256. */
    default String fingerprint() {
        try {
            return "SHA256:" + Base64.getEncoder().withoutPadding().encodeToString(MessageDigest.getInstance("SHA-256").digest(blob()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    default boolean same(byte[] otherBlob) {
        return Arrays.equals(blob(), otherBlob);
    }

    /** The key a blob encodes; an {@link IllegalArgumentException} that says why when it is none a login accepts. */
    static SshKey of(byte[] blob) {
        Wire w = new Wire(blob, "the public key");
        String type = w.text("type");
        switch (type) {
            case "ssh-ed25519" -> {
                byte[] point = w.string("point");
                w.end();
                if (point.length != 32) throw new IllegalArgumentException("an ssh-ed25519 key of " + point.length + " bytes, not 32");
                return new Ed25519(blob.clone(), Ed25519.jdk(point));
            }
            case "ssh-rsa" -> {
                BigInteger e = w.mpint("exponent");
                BigInteger n = w.mpint("modulus");
                w.end();
                if (n.signum() <= 0 || e.signum() <= 0) throw new IllegalArgumentException("an ssh-rsa key with a negative modulus or exponent");
                if (n.bitLength() < RSA_MIN_BITS) {
                    throw new IllegalArgumentException("an ssh-rsa key of " + n.bitLength() + " bits: " + RSA_MIN_BITS + " at least (ssh-keygen -t rsa -b 3072)");
                }
                return new Rsa(blob.clone(), n, e);
            }
            default -> throw new IllegalArgumentException("a key of type " + type + ": a login accepts ssh-ed25519 and ssh-rsa keys");
        }
    }

    record Ed25519(byte[] blob, PublicKey jdk) implements SshKey {
        /** The DER of an Ed25519 SubjectPublicKeyInfo (RFC 8410) before its 32 bytes: the JDK takes the raw key this way. */
        private static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

        static PublicKey jdk(byte[] point) {
            byte[] der = Arrays.copyOf(X509_PREFIX, X509_PREFIX.length + 32);
            System.arraycopy(point, 0, der, X509_PREFIX.length, 32);
            try {
                return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("an ssh-ed25519 key the JDK cannot read: " + e.getMessage());
            }
        }

        @Override
        public String type() {
            return "ssh-ed25519";
        }

        @Override
        public String refuses(String algorithm, byte[] signature, byte[] data) {
            if (!algorithm.equals("ssh-ed25519")) return "an ssh-ed25519 key cannot make a " + algorithm + " signature";
            return SshKey.verify("Ed25519", jdk, signature, data);
        }
    }

    record Rsa(byte[] blob, BigInteger modulus, BigInteger exponent) implements SshKey {
        @Override
        public String type() {
            return "ssh-rsa";
        }

        @Override
        public String refuses(String algorithm, byte[] signature, byte[] data) {
            String jdkName = switch (algorithm) {
                case "rsa-sha2-256" -> "SHA256withRSA";
                case "rsa-sha2-512" -> "SHA512withRSA";
                case "ssh-rsa" -> null;
                default -> "";
            };
            if (jdkName == null) return "an ssh-rsa signature hashes with SHA-1, which is refused: sign with rsa-sha2-512 (what ssh-keygen -Y sign makes)";
            if (jdkName.isEmpty()) return "an ssh-rsa key cannot make a " + algorithm + " signature";
            // OpenSSH pads a short signature to the modulus' length before it verifies, and so does this (the JDK refuses one shorter)
            int length = (modulus.bitLength() + 7) / 8;
            if (signature.length > length) return "the RSA signature is longer than the key's modulus";
            byte[] padded = new byte[length];
            System.arraycopy(signature, 0, padded, length - signature.length, signature.length);
            try {
                return SshKey.verify(jdkName, KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent)), padded, data);
            } catch (GeneralSecurityException e) {
                return "the JDK cannot read this RSA key: " + e.getMessage();
            }
        }
    }

    private static String verify(String algorithm, PublicKey key, byte[] signature, byte[] data) {
        try {
            Signature s = Signature.getInstance(algorithm);
            s.initVerify(key);
            s.update(data);
            return s.verify(signature) ? null : "the signature does not match";
        } catch (GeneralSecurityException e) {
            return "the signature does not match (" + e.getMessage() + ")";
        }
    }
}
