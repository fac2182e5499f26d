package zed.actors.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.AllDirectives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import zed.actors.level.LevelCommand;
import zed.actors.node.NodeConfig;
import zed.reconciler.secret.SecretStore;
import zed.reconciler.secret.Slot;
import zed.reconciler.secret.SlotRecord;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Store;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

import static org.apache.pekko.http.javadsl.server.PathMatchers.segment;

/**
 * {@code POST /v1/secrets/<slot>/rotated} with the body {@code {}}: {@code zed secrets rotate} wrote the new value into
 * the store itself, and tells the node which slot it was; never the value, which never crosses the API. The node
 * restarts the slot's consumers (as its record lists them) one at a time through their health gates
 * ({@link SecretRoll}), each level journaling a {@code SecretConsumerRestarted}, and answers what became of each.
 * Authenticated as every route is.
 */
final class SecretRotatedRoute extends AllDirectives {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Longer than any one consumer's health gate may reasonably take; the roll goes on after an answer that timed out. */
    static final Duration EACH = Duration.ofMinutes(9);

    private final NodeConfig config;
    private final Function<String, EntityRef<LevelCommand>> levels;

    SecretRotatedRoute(NodeConfig config, Function<String, EntityRef<LevelCommand>> levels) {
        this.config = config;
        this.levels = levels;
    }

    Route route() {
        return pathPrefix(segment("v1").slash("secrets"), () -> path(segment().slash("rotated"), slot -> post(() ->
                withRequestTimeout(HttpApi.LONGEST_ANSWER, () -> withSizeLimit(HttpApi.MAX_BODY,
                        () -> entity(Unmarshaller.entityToString(), body -> completeWithFuture(rotated(slot, body))))))));
    }

    private CompletionStage<HttpResponse> rotated(String slot, String body) {
        JsonNode req;
        try {
            req = JSON.readTree(body);
        } catch (java.io.IOException e) {
            req = null;
        }
        // nothing but {}: a value sent here by mistake is refused, and not echoed
        if (!(req instanceof ObjectNode asked) || !asked.isEmpty()) {
            return CompletableFuture.completedFuture(HttpApi.error(StatusCodes.BAD_REQUEST, "the body must be {}: the node is told which slot rotated, never its value"));
        }
        if (!Slot.valid(slot)) {
            return CompletableFuture.completedFuture(HttpApi.error(StatusCodes.BAD_REQUEST, "not a secret slot: " + zed.config.Value.SecretRef.SLOT_RULE));
        }
        Slot s = new Slot(slot);
        return CompletableFuture.supplyAsync(() -> consumers(s)).thenCompose(consumers -> new SecretRoll(levels, EACH).run(s, consumers)).thenApply(steps -> {
            ObjectNode o = JSON.createObjectNode();
            o.put("slot", slot);
            ArrayNode a = o.putArray("consumers");
            String stopped = null;
            for (SecretRoll.Step step : steps) {
                ObjectNode n = a.addObject();
                n.put("consumer", step.consumer());
                n.put("outcome", step.outcome());
                if (step.why() != null) n.put("why", step.why());
                if (step.outcome().equals("failed")) stopped = step.consumer();
            }
            o.put("stoppedAt", stopped);
            return HttpApi.json(StatusCodes.OK, o);
        });
    }

    /** The slot's consumers as its record lists them: read from the store's properties, with no key (nothing is decrypted). */
    private List<String> consumers(Slot slot) {
        String pool = config.pool();
        Store store = pool == null ? new DirStore(config.stateDir().resolve("store")) : zed.actors.level.LevelHost.zfs(config, pool);
        String dataset = SecretStore.dataset(pool);
        if (!store.exists(dataset)) return List.of();
        SlotRecord r = SlotRecord.of(slot, store.zedState(dataset));
        return r == null ? List.of() : r.consumers();
    }
}
