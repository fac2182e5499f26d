package zed.actors.level;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;

/** A level's resource actors of one kind (its datasets, its jails), by name, and what each of them said last. */
final class ResourceChildren<M, R> {
    private final ActorContext<?> ctx;
    private final String kind;
    private final Map<String, ActorRef<M>> actors = new LinkedHashMap<>();
    private final Map<String, R> reports = new LinkedHashMap<>();
    /** Each child gets a fresh name: one stopped a moment ago may not be gone yet. */
    private long spawned;

    ResourceChildren(ActorContext<?> ctx, String kind) {
        this.ctx = ctx;
        this.kind = kind;
    }

    /**
     * One actor per name, made by {@code make} when new, each then told its part by {@code tell}; the actors of names
     * no longer there stop.
     *
     * @return the names whose actors stopped
     */
    List<String> keep(Collection<String> names, Function<String, Behavior<M>> make, BiConsumer<String, ActorRef<M>> tell) {
        for (String name : names) {
            ActorRef<M> a = actors.computeIfAbsent(name, n -> ctx.spawn(make.apply(n),
                    kind + "-" + URLEncoder.encode(n, StandardCharsets.UTF_8) + "-" + (++spawned)));
            tell.accept(name, a);
        }
        List<String> gone = new ArrayList<>();
        for (String n : new ArrayList<>(actors.keySet())) {
            if (!names.contains(n)) {
                ctx.stop(actors.remove(n));
                reports.remove(n);
                gone.add(n);
            }
        }
        return gone;
    }

    /** Its actors are gone already (their parent restarted): only what was known of them is dropped. */
    void forget() {
        actors.clear();
        reports.clear();
    }

    void stopAll() {
        actors.values().forEach(ctx::stop);
        actors.clear();
        reports.clear();
    }

    /** Records what the named actor said; false (and nothing recorded) when it is no longer one of them. */
    boolean report(String name, R report) {
        if (!actors.containsKey(name)) return false;
        reports.put(name, report);
        return true;
    }

    List<R> reports() {
        return new ArrayList<>(reports.values());
    }
}
