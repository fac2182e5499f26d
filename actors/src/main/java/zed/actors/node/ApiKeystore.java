package zed.actors.node;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The operator's own certificate for the node's API ({@code zed agent --api-keystore}): a PKCS12 file holding one
 * private key and its certificate chain, its password in a file (never an argument, which {@code ps} shows) or empty.
 * Opened and checked once at start: a keystore that does not open, holds no private key (or several, of which TLS
 * would pick one by its own rules), or whose certificate has expired or is not yet valid is refused, naming the file
 * and never the password.
 *
 * @param passwordFile null: the keystore's password is empty, and then the keystore itself is the secret, so it must
 *                     be its owner's alone as a password file must be
 */
public record ApiKeystore(Path file, Path passwordFile) {

    /**
     * The server side of TLS with this keystore's key and chain.
     *
     * @throws IllegalStateException naming the file and what is wrong with it
     */
    public SSLContext open(Instant now) {
        return open(now, null);
    }

    /**
     * As {@link #open(Instant)}, and the certificate must name one of {@code reachedBy}, the names and addresses the
     * node is reached by (null: not checked).
     */
    public SSLContext open(Instant now, java.util.Collection<String> reachedBy) {
        if (!Files.isRegularFile(file)) throw new IllegalStateException("--api-keystore " + file + " is no file");
        char[] password = password();
        if (passwordFile == null) ownersAlone(file, "holds its private key under an empty password");
        KeyStore ks;
        try (InputStream in = Files.newInputStream(file)) {
            ks = KeyStore.getInstance("PKCS12");
            ks.load(in, password);
        } catch (IOException | GeneralSecurityException e) {
            // the JDK's words ("keystore password was incorrect", "DerInputStream.getLength(): lengthTag=..."), never the password
            throw new IllegalStateException("--api-keystore " + file + " does not open as a PKCS12 keystore"
                    + (passwordFile == null ? " with an empty password (--api-keystore-password-file names its password's file)" : " with the password in " + passwordFile)
                    + ": " + e.getMessage());
        }
        try {
            String flaw = flaw(ks, now);
            if (flaw == null && reachedBy != null) flaw = unnamed(ks, reachedBy);
            if (flaw != null) throw new IllegalStateException("--api-keystore " + file + " " + flaw);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, password);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, new java.security.SecureRandom());
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("--api-keystore " + file + ": its private key does not open with the keystore's password: " + e.getMessage());
        }
    }

    /**
     * What makes a loaded keystore unfit to serve the API, in words that follow its file's name; null when nothing:
     * exactly one private key, whose certificate is valid at {@code now}.
     */
    static String flaw(KeyStore ks, Instant now) throws java.security.KeyStoreException {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(ks.aliases())) if (ks.isKeyEntry(alias)) keys.add(alias);
        if (keys.isEmpty()) return "holds no private key (" + ks.size() + " certificate" + (ks.size() == 1 ? "" : "s") + " only): the API needs its key and certificate";
        if (keys.size() > 1) return "holds " + keys.size() + " private keys (" + String.join(", ", keys) + "): the API's keystore holds one";
        if (!(ks.getCertificate(keys.get(0)) instanceof X509Certificate cert)) return "holds no X.509 certificate for its private key " + keys.get(0);
        if (now.isAfter(cert.getNotAfter().toInstant())) return "holds a certificate (" + cert.getSubjectX500Principal().getName() + ") that expired at " + cert.getNotAfter().toInstant();
        if (now.isBefore(cert.getNotBefore().toInstant())) return "holds a certificate (" + cert.getSubjectX500Principal().getName() + ") that is not valid before " + cert.getNotBefore().toInstant();
        return null;
    }

    /** Why the key's certificate names none of {@code reachedBy}; null when it names one. */
    static String unnamed(KeyStore ks, java.util.Collection<String> reachedBy) throws java.security.KeyStoreException {
        for (String alias : Collections.list(ks.aliases())) {
            if (!ks.isKeyEntry(alias) || !(ks.getCertificate(alias) instanceof X509Certificate cert)) continue;
            List<String> names = CertificateNames.of(cert);
            if (CertificateNames.coversAny(names, reachedBy)) return null;
            return "holds a certificate for " + (names.isEmpty() ? "no name" : String.join(", ", names)) + ", none of the names this node is reached by ("
                    + String.join(", ", new java.util.TreeSet<>(reachedBy)) + "): a client that checks the host name, as zed does, would refuse it;"
                    + " make its certificate for the name clients use";
        }
        return null;
    }

    private char[] password() {
        if (passwordFile == null) return new char[0];
        if (!Files.isRegularFile(passwordFile)) throw new IllegalStateException("--api-keystore-password-file " + passwordFile + " is no file");
        ownersAlone(passwordFile, "holds the API keystore's password");
        try {
            String p = Files.readString(passwordFile, StandardCharsets.UTF_8);
            // a file written by echo ends in a line end, which is no part of the password
            return p.replaceFirst("\r?\n\\z", "").toCharArray();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read --api-keystore-password-file " + passwordFile + ": " + e.getMessage());
        }
    }

    private static void ownersAlone(Path f, String what) {
        try {
            String mode = zed.actors.http.OwnerOnly.breach(f);
            if (mode != null) {
                throw new IllegalStateException(f + " " + what + " but is mode " + mode + ": others may read it; chmod 600 " + f);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + f + ": " + e.getMessage());
        }
    }
}
