package zed.actors.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.stream.Materializer;
import zed.actors.cluster.PlacementTable;
import zed.actors.host.HostCard;
import zed.actors.host.HostCards;
import zed.actors.job.JobActor;
import zed.actors.level.KnownLevels;
import zed.actors.level.LevelCommand;
import zed.config.LevelSpec;
import zed.reconciler.gpu.HostGpus;
import zed.reconciler.job.JobMove;

import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * {@code POST /v1/levels/ID/job-move {"job": "train", "to": "h2"}}: a job runs on its level's host, so its level moves
 * ({@link LevelMove}) once {@link JobMove} finds nothing against it, checked on the target's GPUs before anything
 * stops. On the target the job resumes from its newest checkpoint, which replication carried (the job actor finds its
 * dataset stamped running, with no process of this host: an interrupted run); a job that succeeded stays so.
 */
final class LevelJobMove {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final ActorSystem<Void> system;
    private final Function<String, EntityRef<LevelCommand>> entity;
    private final ActorRef<PlacementTable.Command> table;
    private final KnownLevels levels;

    LevelJobMove(ActorSystem<Void> system, Function<String, EntityRef<LevelCommand>> entity, ActorRef<PlacementTable.Command> table, KnownLevels levels) {
        this.system = system;
        this.entity = entity;
        this.table = table;
        this.levels = levels;
    }

    CompletionStage<HttpResponse> run(String id, String job, String to) {
        String from = levels.hostOf(id);
        String notMember = zed.actors.cluster.PlacementRule.notAMember(to, PlacementTable.Members.hostNames(org.apache.pekko.cluster.typed.Cluster.get(system)));
        if (notMember != null) return LevelMove.done(HttpApi.error(StatusCodes.BAD_REQUEST, notMember));
        return entity.apply(id).<LevelCommand.Status>ask(LevelCommand.Get::new, HttpApi.ASK).thenCompose(st -> {
            LevelSpec spec = st.state().desiredRevision() == null ? null : st.state().desiredSpec();
            if (spec == null) return LevelMove.done(HttpApi.error(StatusCodes.NOT_FOUND, "no such level: " + id));
            String replica = st.replication() == null || !to.equals(st.replication().standby()) ? null : st.replication().snapshot();
            JobActor.Report report = st.jobs().stream().filter(r -> r.job().equals(job)).findFirst().orElse(null);
            return gpusOf(to).thenCompose(target -> {
                JobMove.Decision d = JobMove.decide(spec, job, from, to, replica, target);
                if (d instanceof JobMove.Refused r) return LevelMove.done(HttpApi.error(r.noSuchJob() ? StatusCodes.NOT_FOUND : StatusCodes.CONFLICT, r.message()));
                JobMove.Moves m = (JobMove.Moves) d;
                return new LevelMove(system, entity, table, levels).run(id, to).thenCompose(moved -> withJob(moved, m, report));
            });
        });
    }

    /** The level's answer, and what becomes of the job there: where it resumes, or that it stays as it ended. */
    private CompletionStage<HttpResponse> withJob(HttpResponse moved, JobMove.Moves m, JobActor.Report report) {
        if (!moved.status().equals(StatusCodes.OK)) return LevelMove.done(moved);
        return moved.entity().toStrict(5000, Materializer.matFromSystem(system)).thenApply(body -> {
            ObjectNode o;
            try {
                o = (ObjectNode) JSON.readTree(body.getData().utf8String());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            o.put("job", m.jobs().get(0));
            var jobs = o.putArray("jobs");
            m.jobs().forEach(jobs::add);
            // as the job was when it stopped here: the target reads the same stamps and checkpoints
            o.put("state", report == null ? "Pending" : report.state());
            if (report == null || report.step() == null) o.putNull("step");
            else o.put("step", report.step());
            return HttpApi.json(StatusCodes.OK, o);
        });
    }

    /** The target's GPUs as its host card tells them; null when it does not answer, or has no inventory yet (nothing is moved then). */
    private CompletionStage<HostGpus> gpusOf(String host) {
        return HostCards.ask(system, HostsJson.ASK).thenApply(cards -> cards.values().stream()
                        .filter(r -> r != null && host.equals(r.host())).findFirst()
                        // no inventory is not the same as no GPUs
                        .filter(HostCard.Report::inventoried).map(HostCard.Report::placeable).orElse(null))
                .exceptionally(e -> null);
    }
}
