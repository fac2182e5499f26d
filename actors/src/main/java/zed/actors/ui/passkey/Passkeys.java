package zed.actors.ui.passkey;

import com.webauthn4j.WebAuthnManager;
import com.webauthn4j.converter.AttestedCredentialDataConverter;
import com.webauthn4j.converter.util.ObjectConverter;
import com.webauthn4j.credential.CredentialRecordImpl;
import com.webauthn4j.data.AuthenticationData;
import com.webauthn4j.data.AuthenticationParameters;
import com.webauthn4j.data.AuthenticationRequest;
import com.webauthn4j.data.PublicKeyCredentialParameters;
import com.webauthn4j.data.PublicKeyCredentialType;
import com.webauthn4j.data.RegistrationData;
import com.webauthn4j.data.RegistrationParameters;
import com.webauthn4j.data.RegistrationRequest;
import com.webauthn4j.data.attestation.authenticator.AttestedCredentialData;
import com.webauthn4j.data.attestation.statement.COSEAlgorithmIdentifier;
import com.webauthn4j.data.attestation.statement.NoneAttestationStatement;
import com.webauthn4j.data.client.Origin;
import com.webauthn4j.data.client.challenge.DefaultChallenge;
import com.webauthn4j.server.ServerProperty;
import com.webauthn4j.verifier.exception.MaliciousCounterValueException;
import zed.actors.ui.BrowserKeys;
import zed.actors.ui.Grant;
import zed.actors.ui.SingleUse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Set;

/**
 * The dashboard's passkeys (WebAuthn, verified by webauthn4j): registering one in a session, logging in with one,
 * listing and removing them. Every ceremony starts with a challenge good for one use within {@link #VALID}
 * ({@link SingleUse}); the challenge names what it is for (a session's registration, or a login), so one ceremony's
 * answer never completes another. Attestation is not asked for ("none"): a passkey is trusted because a logged-in
 * session registered it, not because of who made the authenticator. User verification (the device's PIN, fingerprint
 * or face) is required at both: a passkey may open an admin session, and a security key picked up from a desk must
 * not be enough. The signature counter must grow at each login
 * (an authenticator that counts), or stay 0 (one that never counts, as synced passkeys do).
 */
public final class Passkeys {
    public static final Duration VALID = Duration.ofMinutes(2);
    /** Ceremonies under way at once; past that, none starts until the oldest is forgotten. */
    static final int MAX = 256;
    /** ES256 first (every authenticator), EdDSA, then RS256 (Windows Hello). */
    public static final List<COSEAlgorithmIdentifier> ALGORITHMS = List.of(COSEAlgorithmIdentifier.ES256, COSEAlgorithmIdentifier.EdDSA, COSEAlgorithmIdentifier.RS256);

    /** What a challenge is for. */
    public sealed interface Ceremony {
        /** @param user the WebAuthn user handle the new credential is made for, base64url */
        record Registering(Grant grant, String name, String user) implements Ceremony {
        }

        record LoggingIn() implements Ceremony {
        }
    }

    public sealed interface Outcome {
        record Done(Passkey passkey) implements Outcome {
        }

        record Refused(String why) implements Outcome {
        }
    }

    private static final ObjectConverter CONVERTER = new ObjectConverter();
    private final WebAuthnManager webauthn = WebAuthnManager.createNonStrictWebAuthnManager(CONVERTER);
    private final AttestedCredentialDataConverter credentials = new AttestedCredentialDataConverter(CONVERTER);
    private final SingleUse<Ceremony> challenges = new SingleUse<>(VALID, VALID, MAX, BrowserKeys::fresh);
    private final PasskeysFile file;
    private final Clock clock;

    public Passkeys(Path zedHome, Clock clock) {
        this.file = new PasskeysFile(zedHome);
        this.clock = clock;
    }

    public List<Passkey> all() {
        return file.all();
    }

    /** A challenge for {@code ceremony}: its key is the challenge the browser signs (base64url of its bytes). */
    public SingleUse.Issued<Ceremony> challenge(Ceremony ceremony) {
        return challenges.issue(ceremony, clock.instant());
    }

    /** A new passkey for {@code session}, from what navigator.credentials.create() gave. */
    public Outcome register(Grant session, String challenge, RelyingParty rp, byte[] attestationObject, byte[] clientDataJSON, Set<String> transports) {
        SingleUse.Taken<Ceremony> t = challenges.take(challenge, clock.instant());
        if (t instanceof SingleUse.Refused<Ceremony> r) return refused(r);
        if (!(((SingleUse.Granted<Ceremony>) t).value() instanceof Ceremony.Registering reg) || !reg.grant().equals(session)) return new Outcome.Refused("this challenge is not this session's registration: start again");
        RegistrationData data;
        try {
            List<PublicKeyCredentialParameters> params = ALGORITHMS.stream().map(a -> new PublicKeyCredentialParameters(PublicKeyCredentialType.PUBLIC_KEY, a)).toList();
            data = webauthn.verify(new RegistrationRequest(attestationObject, clientDataJSON, transports), new RegistrationParameters(server(rp, challenge), params, true, true));
        } catch (RuntimeException e) {
            // all of it is the browser's, and webauthn4j lets its CBOR parser's own exceptions through too
            return new Outcome.Refused("the passkey was not made as asked: " + e.getMessage());
        }
        var authenticator = data.getAttestationObject().getAuthenticatorData();
        AttestedCredentialData acd = authenticator.getAttestedCredentialData();
        String id = b64(acd.getCredentialId());
        Instant now = clock.instant();
        Passkey p = new Passkey(id, reg.name(), now, null, reg.grant().scope(), reg.grant().token(), authenticator.getSignCount(), b64(credentials.convert(acd)));
        boolean[] taken = {false};
        file.change(all -> {
            taken[0] = all.stream().anyMatch(k -> k.id().equals(id) || k.name().equals(reg.name()));
            if (!taken[0]) all.add(p);
            return all;
        });
        if (taken[0]) return new Outcome.Refused("a passkey of that name, or this very passkey, is registered already");
        return new Outcome.Done(p);
    }

    /** The passkey that signed a login's challenge, its counter and last use updated; from navigator.credentials.get(). */
    public Outcome login(String challenge, RelyingParty rp, byte[] credentialId, byte[] userHandle, byte[] authenticatorData, byte[] clientDataJSON, byte[] signature) {
        SingleUse.Taken<Ceremony> t = challenges.take(challenge, clock.instant());
        if (t instanceof SingleUse.Refused<Ceremony> r) return refused(r);
        if (!(((SingleUse.Granted<Ceremony>) t).value() instanceof Ceremony.LoggingIn)) return new Outcome.Refused("this challenge is not a login's: start again");
        String id = b64(credentialId);
        Passkey known = file.find(id).orElse(null);
        if (known == null) return new Outcome.Refused("this passkey is not registered on this node (or was removed)");
        AuthenticationData data;
        try {
            AttestedCredentialData acd = credentials.convert(Base64.getUrlDecoder().decode(known.credential()));
            CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null, known.counter(), acd, null, null, null, null);
            data = webauthn.verify(new AuthenticationRequest(credentialId, userHandle, authenticatorData, clientDataJSON, null, signature),
                    new AuthenticationParameters(server(rp, challenge), record, List.of(credentialId), true, true));
        } catch (MaliciousCounterValueException e) {
            return new Outcome.Refused("this passkey's signature counter went back (" + known.counter() + " before): it may have been copied; it is not accepted");
        } catch (RuntimeException e) {
            return new Outcome.Refused("the passkey's answer does not verify: " + e.getMessage());
        }
        long counter = data.getAuthenticatorData().getSignCount();
        Instant now = clock.instant();
        Passkey used = new Passkey(known.id(), known.name(), known.created(), now, known.scope(), known.token(), counter, known.credential());
        file.change(all -> all.stream().map(k -> k.id().equals(id) ? used : k).collect(java.util.stream.Collectors.toList()));
        return new Outcome.Done(used);
    }

    /** Removes a passkey; a session may remove only those of a scope its own allows. Null when done, else why not. */
    public String remove(Grant session, String id) {
        Passkey p = file.find(id).orElse(null);
        if (p == null) return "no such passkey";
        if (!session.scope().allows(p.scope())) return "this session has scope " + session.scope().word() + "; the passkey " + p.name() + " has " + p.scope().word();
        file.change(all -> all.stream().filter(k -> !k.id().equals(id)).collect(java.util.stream.Collectors.toList()));
        return null;
    }

    private static Outcome refused(SingleUse.Refused<Ceremony> r) {
        return new Outcome.Refused(switch (r.why()) {
            case USED -> "this challenge was used already: start again";
            case EXPIRED -> "this challenge expired (it is good for " + VALID.toSeconds() + " s): start again";
            case UNKNOWN -> "this node did not make this challenge, or forgot it: start again";
        });
    }

    private static ServerProperty server(RelyingParty rp, String challenge) {
        return new ServerProperty(new Origin(rp.origin()), rp.id(), new DefaultChallenge(Base64.getUrlDecoder().decode(challenge)));
    }

    static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
