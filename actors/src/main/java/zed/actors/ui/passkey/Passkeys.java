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
import zed.actors.ui.Authority;
import zed.actors.ui.BrowserKeys;
import zed.actors.ui.Challenges;
import zed.actors.ui.Grant;
import zed.actors.ui.SingleUse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The dashboard's passkeys (WebAuthn, verified by webauthn4j): registering one in a session, logging in with one,
 * listing and removing them. A login's challenge is one of {@link Challenges} (anyone may ask for one, so asking
 * stores nothing; a login that verified spends it); a registration's is a {@link SingleUse} key that names the session
 * it is for (only a session may ask), so one ceremony's answer never completes another. Both are good for
 * {@link #VALID}. Attestation is not asked for ("none"): a passkey is trusted because a logged-in session registered
 * it, not because of who made the authenticator, and it logs in only while what that session stood on (its token, its
 * SSH key: {@link Authority}) still stands. User verification (the device's PIN, fingerprint or face) is required at
 * both: a passkey may open an admin session, and a security key picked up from a desk must not be enough. The
 * signature counter must grow at each login (an authenticator that counts), or stay 0 (one that never counts, as
 * synced passkeys do); its check and its update are one step per passkey, so two logins that show the same counter
 * cannot both pass.
 */
public final class Passkeys {
    public static final Duration VALID = Duration.ofMinutes(2);
    /** Registrations under way at once (sessions' only); past that, none starts until the oldest is forgotten. */
    static final int MAX = 256;
    /** ES256 first (every authenticator), EdDSA, then RS256 (Windows Hello). */
    public static final List<COSEAlgorithmIdentifier> ALGORITHMS = List.of(COSEAlgorithmIdentifier.ES256, COSEAlgorithmIdentifier.EdDSA, COSEAlgorithmIdentifier.RS256);

    /**
     * What a registration's challenge is for: a new passkey of this session.
     *
     * @param user the WebAuthn user handle the new credential is made for, base64url
     */
    public record Registering(Grant grant, Authority authority, String name, String user) {
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
    private final SingleUse<Registering> registrations = new SingleUse<>(VALID, VALID, MAX, BrowserKeys::fresh);
    private final Challenges logins = new Challenges("zed passkey login", VALID, Passkeys::b64, Base64.getUrlDecoder()::decode);
    /** One per registered passkey that tried a login: its counter's check and update hold it. */
    private final Map<String, Object> counting = new ConcurrentHashMap<>();
    private final PasskeysFile file;
    private final Clock clock;
    private final Authority.Standing standing;

    public Passkeys(Path zedHome, Clock clock, Authority.Standing standing) {
        this.file = new PasskeysFile(zedHome);
        this.clock = clock;
        this.standing = standing;
    }

    public List<Passkey> all() {
        return file.all();
    }

    /** Null when {@code p} logs in; else why not, in words for the Passkeys page and the login's refusal. */
    public String fallen(Passkey p) {
        if (p.authority() == null) return "it was registered before passkeys recorded the token they stand on: remove it and register it again";
        String why = standing.fallen(p.authority(), p.scope());
        return why == null ? null : "it was registered under the " + p.authority().words() + ", and " + why;
    }

    /** A registration's challenge: its key is the challenge the browser signs (base64url of its bytes). */
    public SingleUse.Issued<Registering> registration(Registering ceremony) {
        return registrations.issue(ceremony, clock.instant());
    }

    /** A login's challenge, base64url: nothing is kept of it. */
    public String loginChallenge() {
        return logins.issue(clock.instant());
    }

    /** A new passkey for the session of {@code grant}, from what navigator.credentials.create() gave. */
    public Outcome register(Grant session, Authority authority, String challenge, RelyingParty rp, byte[] attestationObject, byte[] clientDataJSON, Set<String> transports) {
        SingleUse.Taken<Registering> t = registrations.take(challenge, clock.instant());
        if (t instanceof SingleUse.Refused<Registering> r) return refused(r.why());
        Registering reg = ((SingleUse.Granted<Registering>) t).value();
        if (!reg.grant().equals(session) || !reg.authority().equals(authority)) return new Outcome.Refused("this challenge is not this session's registration: start again");
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
        Passkey p = new Passkey(id, reg.name(), now, null, reg.grant().scope(), reg.grant().token(), authenticator.getSignCount(), b64(credentials.convert(acd)), reg.authority());
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
        if (logins.check(challenge, clock.instant()) instanceof Challenges.Refused r) return refused(r.why());
        String id = b64(credentialId);
        if (file.find(id).isEmpty()) return new Outcome.Refused("this passkey is not registered on this node (or was removed)");
        // the counter read, checked and written at once: two answers that show the same counter cannot both log in
        synchronized (counting.computeIfAbsent(id, k -> new Object())) {
            Passkey known = file.find(id).orElse(null);
            if (known == null) return new Outcome.Refused("this passkey is not registered on this node (or was removed)");
            String fallen = fallen(known);
            if (fallen != null) return new Outcome.Refused("this passkey no longer logs in: " + fallen);
            AuthenticationData data;
            try {
                AttestedCredentialData acd = credentials.convert(Base64.getUrlDecoder().decode(known.credential()));
                CredentialRecordImpl record = new CredentialRecordImpl(new NoneAttestationStatement(), null, null, null, known.counter(), acd, null, null, null, null);
                data = webauthn.verify(new AuthenticationRequest(credentialId, userHandle, authenticatorData, clientDataJSON, null, signature),
                        new AuthenticationParameters(server(rp, challenge), record, List.of(credentialId), true, true));
            } catch (MaliciousCounterValueException e) {
                return new Outcome.Refused("this passkey's signature counter did not grow (" + known.counter() + " before): it may have been copied, or its answer replayed; it is not accepted");
            } catch (RuntimeException e) {
                return new Outcome.Refused("the passkey's answer does not verify: " + e.getMessage());
            }
            if (logins.spend(challenge, clock.instant()) instanceof Challenges.Refused r) return refused(r.why());
            Passkey used = known.used(data.getAuthenticatorData().getSignCount(), clock.instant());
            file.change(all -> all.stream().map(k -> k.id().equals(id) ? used : k).collect(java.util.stream.Collectors.toList()));
            return new Outcome.Done(used);
        }
    }

    /** Removes a passkey; a session may remove only those of a scope its own allows. Null when done, else why not. */
    public String remove(Grant session, String id) {
        Passkey p = file.find(id).orElse(null);
        if (p == null) return "no such passkey";
        if (!session.scope().allows(p.scope())) return "this session has scope " + session.scope().word() + "; the passkey " + p.name() + " has " + p.scope().word();
        file.change(all -> all.stream().filter(k -> !k.id().equals(id)).collect(java.util.stream.Collectors.toList()));
        return null;
    }

    private static Outcome refused(SingleUse.Why why) {
        return new Outcome.Refused(switch (why) {
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
