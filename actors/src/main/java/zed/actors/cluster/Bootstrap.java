package zed.actors.cluster;

import java.util.List;

/**
 * How a node forms its cluster through Pekko Management's Cluster Bootstrap: its own endpoint, and every host of
 * cluster.conf as a contact point (config discovery: the list is the file, the same on every host). Each node probes
 * every contact point's {@code /bootstrap/seed-nodes}; one that reports members is joined; when every listed host
 * answers and none has a cluster, the lowest contact point forms it and the others join. So a new cluster forms only
 * once every listed host answers, and never twice. Pure: the configuration; {@link BootstrapEndpoint} starts it.
 *
 * @param host          where this node's endpoint listens: its address in cluster.conf, which its certificate names
 * @param port          its port
 * @param contactPoints every host's endpoint, in cluster.conf's order, this one's included
 */
public record Bootstrap(String host, int port, List<ClusterConfig.Address> contactPoints) {
    /** The service name config discovery lists the contact points under. */
    static final String SERVICE = "zed";

    public Bootstrap {
        contactPoints = List.copyOf(contactPoints);
        if (port < 1 || port > 65535) throw new IllegalArgumentException("bootstrap: no port " + port);
        if (!contactPoints.contains(new ClusterConfig.Address(host, port))) {
            throw new IllegalArgumentException("bootstrap: " + host + ":" + port + " is not one of the contact points " + contactPoints);
        }
    }

    /** Every listed host must answer before a new cluster forms: all of them (a host that is down delays only a new cluster). */
    public int requiredContactPoints() {
        return contactPoints.size();
    }

    /** Pekko Management, bootstrap and discovery settings (HOCON). */
    public String config() {
        StringBuilder endpoints = new StringBuilder();
        for (ClusterConfig.Address a : contactPoints) {
            endpoints.append("      { host = \"").append(quoted(a.host())).append("\", port = ").append(a.port()).append(" }\n");
        }
        return """
                pekko.management.http {
                  hostname = "%s"
                  port = %d
                  # the bootstrap's route alone: no health checks, nothing else to reach on this port
                  routes.health-checks = ""
                  route-providers-read-only = true
                }
                pekko.discovery {
                  method = config
                  config.services.%s.endpoints = [
                %s    ]
                }
                pekko.management.cluster.bootstrap {
                  contact-point-discovery {
                    service-name = "%s"
                    discovery-method = pekko.discovery
                    required-contact-point-nr = %d
                    contact-with-all-contact-points = true
                  }
                  # each host's endpoint has a port of its own (two hosts may share an address): none is filtered out
                  contact-point.filter-on-fallback-port = false
                }
                """.formatted(quoted(host), port, SERVICE, endpoints, SERVICE, requiredContactPoints());
    }

    private static String quoted(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }
}
