package zed.actors.ui.passkey;

import com.webauthn4j.converter.AttestationObjectConverter;
import com.webauthn4j.converter.AuthenticatorDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.data.attestation.AttestationObject;
import com.webauthn4j.data.attestation.authenticator.AAGUID;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.authenticator.AuthenticatorData;
import com.webauthn4j.data.attestation.authenticator.EC2COSEKey;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;

/**
 * A passkey made and used in software, for tests that need no browser: an ES256 key pair, a credential id, and the
 * CTAP2 answers a real authenticator gives (a "none" attestation for create(), authenticator data and a signature for
 * get()), built with webauthn4j's own converters and Java's own ECDSA, so that the node's verifier sees what a browser
 * would send. Stands in for the hardware only; the verification it meets is the node's real one. Its signature counter
 * is the test's to set.
 */
public final class SoftwareAuthenticator {
    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private final KeyPair keys;
    public final byte[] credentialId = new byte[16];

    public SoftwareAuthenticator() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        keys = g.generateKeyPair();
        new SecureRandom().nextBytes(credentialId);
    }

    /** What create() gives for {@code challenge} at {@code rp}, user verified: the attestation object and clientDataJSON. */
    public byte[][] create(RelyingParty rp, String challenge, long counter) throws Exception {
        AttestedCredentialData acd = new AttestedCredentialData(AAGUID.ZERO, credentialId, EC2COSEKey.create((ECPublicKey) keys.getPublic(), COSEAlgorithmIdentifier.ES256));
        byte flags = (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV | AuthenticatorData.BIT_AT);
        AuthenticatorData<com.webauthn4j.data.extension.authenticator.RegistrationExtensionAuthenticatorOutput> data = new AuthenticatorData<>(rpIdHash(rp), flags, counter, acd);
        byte[] attestation = new AttestationObjectConverter(CONVERTER).convertToBytes(new AttestationObject(data, new NoneAttestationStatement()));
        return new byte[][]{attestation, clientData("webauthn.create", rp, challenge)};
    }

    /** What get() gives for {@code challenge} at {@code rp}, user verified, showing {@code counter}: authenticator data, clientDataJSON, signature. */
    public byte[][] get(RelyingParty rp, String challenge, long counter) throws Exception {
        byte flags = (byte) (AuthenticatorData.BIT_UP | AuthenticatorData.BIT_UV);
        byte[] data = new AuthenticatorDataConverter(CONVERTER).convert(new AuthenticatorData<>(rpIdHash(rp), flags, counter));
        byte[] client = clientData("webauthn.get", rp, challenge);
        Signature s = Signature.getInstance("SHA256withECDSA");
        s.initSign(keys.getPrivate());
        s.update(data);
        s.update(MessageDigest.getInstance("SHA-256").digest(client));
        return new byte[][]{data, client, s.sign()};
    }

    public String id() {
        return Passkeys.b64(credentialId);
    }

    private static byte[] rpIdHash(RelyingParty rp) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(rp.id().getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] clientData(String type, RelyingParty rp, String challenge) {
        return ("{\"type\":\"" + type + "\",\"challenge\":\"" + challenge + "\",\"origin\":\"" + rp.origin() + "\",\"crossOrigin\":false}").getBytes(StandardCharsets.UTF_8);
    }

    public static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
