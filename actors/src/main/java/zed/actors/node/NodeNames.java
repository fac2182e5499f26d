package zed.actors.node;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

/**
 * The names and addresses clients may reach a node's API by: what its certificate must name one of. Its host name in
 * the cluster and the machine's; the address it listens on (a loopback one also as {@code localhost}); listening on
 * every address, each address of each interface.
 */
final class NodeNames {
    private NodeNames() {
    }

    static Set<String> of(NodeConfig c) {
        Set<String> names = new TreeSet<>();
        if (c.cluster() != null && c.cluster().host() != null) names.add(c.cluster().host());
        try {
            InetAddress here = InetAddress.getLocalHost();
            names.add(here.getHostName());
        } catch (UnknownHostException e) {
            // a machine whose own name does not resolve: its other names still count
        }
        try {
            InetAddress bind = InetAddress.getByName(c.httpHost());
            if (bind.isAnyLocalAddress()) {
                for (NetworkInterface i : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                    for (InetAddress a : Collections.list(i.getInetAddresses())) names.add(a.getHostAddress().replaceFirst("%.*$", ""));
                }
                names.add("localhost");
            } else {
                names.add(c.httpHost());
                names.add(bind.getHostAddress());
                if (bind.isLoopbackAddress()) names.add("localhost");
            }
        } catch (UnknownHostException | SocketException e) {
            names.add(c.httpHost());
        }
        return names;
    }
}
