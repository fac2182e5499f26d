package zed.actors.cli;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Map;

/**
 * Which certificates the command line trusts on an https:// node, and its words for them: the CA in the PEM file
 * {@code $ZED_CA}; else the cluster CA of {@code $ZED_HOME/tls} (zed cluster init's {@code trust.p12}); else the JDK's
 * public CAs (a node behind a certificate an operator bought). The host name is checked against the certificate in
 * every case ({@link HttpCall}). Read only for an https:// node: a plain one loads no TLS.
 */
record NodeTrust(SSLSocketFactory factory, String source) {
    /** @throws IllegalStateException naming the file that cannot be read */
    static NodeTrust of(Map<String, String> env, Path home) {
        String ca = env.get("ZED_CA");
        if (ca != null && !ca.isEmpty()) return new NodeTrust(factory(pem(Path.of(ca))), "the CA in ZED_CA=" + ca);
        Path trust = home.resolve(zed.actors.cluster.ClusterTls.DIR).resolve("trust.p12");
        if (Files.exists(trust)) return new NodeTrust(factory(p12(trust, home.resolve(zed.actors.cluster.ClusterTls.DIR).resolve("password"))), "the cluster CA in " + trust);
        return publicCas();
    }

    static NodeTrust publicCas() {
        return new NodeTrust((SSLSocketFactory) SSLSocketFactory.getDefault(), "the JDK's public CAs (set ZED_CA to a CA's PEM file to trust it instead)");
    }

    private static KeyStore pem(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int n = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) ks.setCertificateEntry("ca-" + n++, c);
            if (n == 0) throw new IllegalStateException("ZED_CA=" + file + " holds no certificate (a PEM file: -----BEGIN CERTIFICATE-----)");
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the CA in ZED_CA=" + file + ": " + e.getMessage());
        }
    }

    private static KeyStore p12(Path file, Path passwordFile) {
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, Files.readString(passwordFile).strip().toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the cluster CA in " + file + ": " + e.getMessage());
        }
    }

    private static SSLSocketFactory factory(KeyStore trusted) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trusted);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot set up TLS: " + e.getMessage());
        }
    }
}
