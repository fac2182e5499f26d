package zed.actors.host;

import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.receptionist.Receptionist;
import org.apache.pekko.cluster.typed.Cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Every host's {@link HostCard}, asked at once through the receptionist. */
public final class HostCards {
    private HostCards() {
    }

    /**
     * @return each card's report by its node's address (this node's by its own cluster address); null for a card that
     * did not answer within {@code wait}
     */
    public static CompletionStage<Map<Address, HostCard.Report>> ask(ActorSystem<?> system, Duration wait) {
        Cluster cluster = Cluster.get(system);
        return AskPattern.<Receptionist.Command, Receptionist.Listing>ask(system.receptionist(), reply -> Receptionist.find(HostCard.KEY, reply), wait,
                system.scheduler()).thenApply(l -> l.getServiceInstances(HostCard.KEY)).thenCompose(refs -> {
            List<CompletableFuture<HostCard.Report>> asked = new ArrayList<>();
            Map<Address, CompletableFuture<HostCard.Report>> byAddress = new TreeMap<>(Address.addressOrdering());
            for (ActorRef<HostCard.Describe> r : refs) {
                CompletableFuture<HostCard.Report> f = AskPattern.<HostCard.Describe, HostCard.Report>ask(r, HostCard.Describe::new, wait, system.scheduler())
                        .toCompletableFuture().exceptionally(e -> null);
                asked.add(f);
                Address a = r.path().address();
                byAddress.put(a.hasGlobalScope() ? a : cluster.selfMember().address(), f);
            }
            return CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).thenApply(x -> {
                Map<Address, HostCard.Report> out = new TreeMap<>(Address.addressOrdering());
                byAddress.forEach((a, f) -> out.put(a, f.join()));
                return out;
            });
        });
    }
}
