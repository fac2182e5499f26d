package zed.actors.cluster;

import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;

/**
 * {@code failover { auto = true }}: one per node. When the cluster removes a member it had downed (the split-brain
 * resolver's other side, or a host that died), this node fails over to itself each level placed on that host whose
 * standby it is, as {@code zed failover} would. Each standby acts for its own levels, so no one node (the table's
 * among them, which may be the one lost) has to. A member that left (a node stopped by its operator, which leaves
 * its services running) is not failed over: only one the cluster downed.
 *
 * <p>A try that fails (a zfs command's error on a replica, the table or the level's shard not answering) is tried
 * again after a backoff ({@link FailoverRetry}), each failure a log line with its reason and shown by the level's
 * status on this node ({@link FailoverTries}), for as long as the level is still placed on the downed host. A level
 * has at most one try at a time here: the next is scheduled only once the last has answered.
 */
public final class AutoFailover {
    /** How long the placement table may take to answer (it moves to another node when its own is the one lost). */
    static final Duration TABLE = Duration.ofSeconds(60);
    /**
     * One ask of the table, and the pause before the next: when the table was on the lost host, an ask sent to it
     * before its proxy saw it go is lost, and the table starts again elsewhere only after the removal margin; the
     * failover starts at the first answer after that, so asking often (a read) saves seconds of the failover.
     */
    static final Duration ASK = Duration.ofSeconds(2);
    static final Duration ASK_AGAIN = Duration.ofMillis(250);

    private AutoFailover() {
    }

    public sealed interface Msg {
    }

    private record Removed(String host, boolean downed) implements Msg {
    }

    private record Asked(String host, long deadline, PlacementTable.AutoStandbys answer) implements Msg {
    }

    private record Retry(String host, long deadline) implements Msg {
    }

    private record Outcome(String level, String from, String line) implements Msg {
    }

    /** Time to try {@code level}'s failover from {@code from} again. */
    private record Again(String level, String from) implements Msg {
    }

    /** The table's answer before a try again; null: it did not answer. */
    private record Rechecked(String level, String from, PlacementTable.AutoStandbys answer) implements Msg {
    }

    /**
     * @param self     this node's host name
     * @param failover runs a failover of a level to a host, as {@code POST .../failover} does; its outcome in one line
     * @param tries    where the failing ones are shown
     */
    public static Behavior<Msg> create(String self, ActorRef<PlacementTable.Command> table, BiFunction<String, String, CompletionStage<String>> failover,
                                       FailoverTries tries) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> {
            Cluster cluster = Cluster.get(ctx.getSystem());
            ActorRef<ClusterEvent.MemberRemoved> removed = ctx.messageAdapter(ClusterEvent.MemberRemoved.class,
                    e -> new Removed(PlacementTable.Members.hostOf(e.member()), e.previousStatus() == MemberStatus.down()));
            cluster.subscriptions().tell(Subscribe.create(removed, ClusterEvent.MemberRemoved.class));
            // level → failures in a row, for each level with a try under way or scheduled: never two at once
            Map<String, Integer> busy = new HashMap<>();
            return Behaviors.receiveMessage(m -> {
                // the table keeps how each host went, for zed failover to tell a downed host from one that left
                if (m instanceof Removed r && r.host() != null && !r.host().equals(self)) table.tell(new PlacementTable.HostRemoved(r.host(), r.downed()));
                if (m instanceof Removed r && r.downed() && r.host() != null && !r.host().equals(self)) {
                    ask(ctx, table, r.host(), System.nanoTime() + TABLE.toNanos());
                } else if (m instanceof Retry r) {
                    ask(ctx, table, r.host(), r.deadline());
                } else if (m instanceof Asked a && a.answer() == null) {
                    if (System.nanoTime() < a.deadline()) {
                        ctx.scheduleOnce(ASK_AGAIN, ctx.getSelf(), new Retry(a.host(), a.deadline()));
                    } else {
                        ctx.getLog().error("auto failover from {}: the placement table did not answer within {}s; fail its levels over with zed failover",
                                a.host(), TABLE.toSeconds());
                    }
                } else if (m instanceof Asked a) {
                    for (String level : levelsFor(a.answer(), a.host(), self)) {
                        if (busy.containsKey(level)) {
                            ctx.getLog().info("auto failover: level {} ran on {}, which the cluster downed; a failover of it to this host is under way already", level, a.host());
                            continue;
                        }
                        ctx.getLog().warn("auto failover: level {} ran on {}, which the cluster downed; it fails over to this host, its standby", level, a.host());
                        busy.put(level, 0);
                        run(ctx, failover, self, level, a.host());
                    }
                } else if (m instanceof Outcome o && FailoverRetry.worked(o.line())) {
                    busy.remove(o.level());
                    tries.over(o.level());
                    ctx.getLog().warn("auto failover of level {} from {}: {}", o.level(), o.from(), o.line());
                } else if (m instanceof Outcome o) {
                    failed(ctx, timers, busy, tries, self, o.level(), o.from(), o.line());
                } else if (m instanceof Again g) {
                    ctx.ask(PlacementTable.AutoStandbys.class, table, ASK, PlacementTable.GetAuto::new, (answer, e) -> new Rechecked(g.level(), g.from(), answer));
                } else if (m instanceof Rechecked c && c.answer() == null) {
                    failed(ctx, timers, busy, tries, self, c.level(), c.from(), "the placement table did not answer within " + ASK.toSeconds() + "s");
                } else if (m instanceof Rechecked c) {
                    String stop = FailoverRetry.stop(c.level(), c.from(), self, c.answer(), PlacementTable.Members.of(cluster, c.from()) != null);
                    if (stop != null) {
                        busy.remove(c.level());
                        tries.over(c.level());
                        ctx.getLog().warn("auto failover of level {} from {}: no more tries: {}", c.level(), c.from(), stop);
                    } else {
                        run(ctx, failover, self, c.level(), c.from());
                    }
                }
                return Behaviors.same();
            });
        }));
    }

    private static void run(ActorContext<Msg> ctx, BiFunction<String, String, CompletionStage<String>> failover, String self, String level, String from) {
        ctx.pipeToSelf(failover.apply(level, self), (line, e) -> new Outcome(level, from, e != null ? String.valueOf(e) : line));
    }

    /** A try failed, or could not start: the next one after the backoff (the level's timer: one at most). */
    private static void failed(ActorContext<Msg> ctx, TimerScheduler<Msg> timers, Map<String, Integer> busy, FailoverTries tries, String self,
                               String level, String from, String why) {
        int failures = busy.getOrDefault(level, 0) + 1;
        busy.put(level, failures);
        Duration after = FailoverRetry.backoff(failures);
        tries.failed(level, new FailoverTries.Failing(from, self, failures, why, Instant.now().plus(after)));
        ctx.getLog().error("auto failover of level {} from {} failed ({} in a row): {}; trying again in {} ms, while the level is still placed on {}",
                level, from, failures, why, after.toMillis(), from);
        timers.startSingleTimer(level, new Again(level, from), after);
    }

    /** The levels that ran on the downed {@code host} and fail over by themselves to {@code self}, their standby. */
    static java.util.List<String> levelsFor(PlacementTable.AutoStandbys table, String host, String self) {
        return table.standbys().entrySet().stream()
                .filter(e -> e.getValue().equals(self) && host.equals(table.levels().get(e.getKey())))
                .map(java.util.Map.Entry::getKey).sorted().toList();
    }

    private static void ask(ActorContext<Msg> ctx, ActorRef<PlacementTable.Command> table, String host, long deadline) {
        ctx.ask(PlacementTable.AutoStandbys.class, table, ASK, PlacementTable.GetAuto::new,
                (answer, e) -> new Asked(host, deadline, answer));
    }
}
