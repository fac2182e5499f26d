package zed.actors.cluster;

import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.ConnectionContext;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.HttpsConnectionContext;
import org.apache.pekko.management.cluster.bootstrap.ClusterBootstrap;
import org.apache.pekko.management.javadsl.PekkoManagement;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.util.concurrent.TimeUnit;

/**
 * Starts Cluster Bootstrap on a node whose configuration has {@link Bootstrap#config()}: Pekko Management's endpoint
 * (the bootstrap's route alone), then the bootstrap itself, which probes every contact point and joins or forms the
 * cluster. With the cluster's TLS material, both ends use mutual TLS with the cluster CA, as Artery does: the endpoint
 * answers only a client whose certificate the CA signed, and the probes show this host's certificate and trust only
 * the CA, checking that a contact point is the address it was asked at (its certificate names it).
 */
public final class BootstrapEndpoint {
    private BootstrapEndpoint() {
    }

    /**
     * @param tls the cluster's TLS material, null on loopback without it (refused beyond loopback before this)
     * @throws IllegalStateException when the endpoint cannot listen (its port taken, say)
     */
    public static void start(ActorSystem<?> system, Bootstrap b, ClusterTls tls) {
        PekkoManagement management = PekkoManagement.get(system);
        try {
            if (tls == null) {
                management.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
            } else {
                SSLContext ctx = tls.sslContext();
                // the probes' client is the system's default HTTPS context: no other client in the node uses Pekko HTTP
                Http.get(system).setDefaultClientHttpsContext(client(ctx));
                HttpsConnectionContext server = server(ctx);
                management.start(s -> s.withHttpsConnectionContext(server)).toCompletableFuture().get(30, TimeUnit.SECONDS);
            }
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
            throw new IllegalStateException("Cluster Bootstrap's endpoint cannot listen on " + b.host() + ":" + b.port() + ": " + cause.getMessage(), e);
        } catch (InterruptedException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("Cluster Bootstrap's endpoint did not start on " + b.host() + ":" + b.port() + ": " + e, e);
        }
        ClusterBootstrap.get(system).start();
    }

    static HttpsConnectionContext server(SSLContext ctx) {
        return ConnectionContext.httpsServer(() -> {
            SSLEngine e = ctx.createSSLEngine();
            e.setUseClientMode(false);
            e.setEnabledProtocols(new String[]{"TLSv1.3"});
            e.setNeedClientAuth(true);
            return e;
        });
    }

    static HttpsConnectionContext client(SSLContext ctx) {
        return ConnectionContext.httpsClient((host, port) -> {
            SSLEngine e = ctx.createSSLEngine(host, port);
            e.setUseClientMode(true);
            e.setEnabledProtocols(new String[]{"TLSv1.3"});
            SSLParameters p = e.getSSLParameters();
            p.setEndpointIdentificationAlgorithm("HTTPS"); // the contact point must be the host it was asked at
            e.setSSLParameters(p);
            return e;
        });
    }
}
