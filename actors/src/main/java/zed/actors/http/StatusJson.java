package zed.actors.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import zed.actors.level.LevelCommand;
import zed.actors.level.LevelEvent;
import zed.actors.level.RevisionLog;
import zed.actors.resource.DatasetActor;
import zed.actors.resource.JailActor;
import zed.actors.resource.ServiceActor;
import zed.config.LevelSpec;

import java.util.HashMap;
import java.util.Map;

/**
 * A level's status as the API shows it: its revisions and phase, what it waits for, the rollback under way, and each
 * resource. A service shows {@code gate} (the revision's verdict: passed, pending, failed) and {@code health} (what
 * its checks say now: Healthy, Unhealthy) side by side.
 */
final class StatusJson {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StatusJson() {
    }

    static ObjectNode of(LevelCommand.Status status) {
        RevisionLog s = status.state();
        ObjectNode o = revisions(s);
        o.put("hash", s.hash());
        o.put("state", s.phase());
        if (s.lastError() != null) o.put("error", s.lastError());
        if (s.parent() != null) o.put("parent", s.parent());
        if (status.waiting() != null) o.put("waiting", status.waiting());
        LevelSpec pooled = s.desiredSpec();
        if (pooled != null && pooled.pool() != null) {
            ObjectNode p = o.putObject("pool");
            p.put("name", pooled.pool());
            p.put("available", status.poolTrouble() == null);
            if (status.poolTrouble() != null) p.put("why", status.poolTrouble());
        }
        if (status.replication() != null) o.set("replication", replication(status.replication()));
        if (s.rollback() != null) o.set("rollback", rollback(s.rollback()));
        ArrayNode resources = o.putArray("resources");
        LevelSpec spec = s.desiredSpec();
        if (spec != null) datasets(resources, spec, status, s.phase());
        for (JailActor.Report rep : status.jails()) {
            ObjectNode r = resources.addObject();
            r.put("kind", "jail");
            r.put("name", rep.name());
            r.put("revision", rep.rev());
            r.put("state", s.phase().equals("Stopped") ? "stopped" : rep.state());
            if (rep.error() != null) r.put("why", rep.error());
        }
        for (ServiceActor.Report rep : status.services()) service(resources.addObject(), rep, spec);
        for (zed.actors.job.JobActor.Report rep : status.jobs()) job(resources.addObject(), rep);
        return o;
    }

    /** The level and its revisions: the newest, the desired one, the stable one (null: none yet). */
    static ObjectNode revisions(RevisionLog s) {
        ObjectNode o = JSON.createObjectNode();
        o.put("level", s.level());
        o.put("revision", s.revision());
        o.put("desiredRevision", s.desired());
        if (s.stableRevision() > 0) o.put("stableRevision", s.stableRevision());
        else o.putNull("stableRevision");
        return o;
    }

    /** The lag is the age of the newest snapshot the standby holds whole: what a failover now would lose at most. */
    private static ObjectNode replication(LevelCommand.Replication r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("standby", r.standby());
        if (r.snapshot() != null) {
            n.put("snapshot", r.snapshot());
            n.put("at", r.at().toString());
            n.put("lagSeconds", Math.max(0, java.time.Duration.between(r.at(), java.time.Instant.now()).toSeconds()));
        } else {
            n.putNull("snapshot");
        }
        if (r.error() != null) {
            n.put("error", r.error());
            n.put("failedAt", r.failedAt().toString());
        }
        return n;
    }

    private static ObjectNode rollback(LevelEvent.RollbackStarted r) {
        ObjectNode n = JSON.createObjectNode();
        n.put("id", r.rollback());
        if (r.target() != null) n.put("target", r.target());
        n.put("from", r.from());
        if (r.to() > 0) n.put("to", r.to());
        n.put("automatic", r.automatic());
        n.put("deadline", r.deadline().toString());
        return n;
    }

    private static void datasets(ArrayNode resources, LevelSpec spec, LevelCommand.Status status, String phase) {
        Map<String, DatasetActor.Report> kept = new HashMap<>();
        for (DatasetActor.Report rep : status.datasets()) kept.put(rep.name(), rep);
        for (LevelSpec.DatasetSpec d : spec.datasets()) {
            ObjectNode r = resources.addObject();
            r.put("kind", "dataset");
            r.put("name", d.name());
            DatasetActor.Report rep = kept.get(d.name());
            // its own actor's word once it keeps the dataset; until then the level's phase says it
            if (rep != null && !phase.equals("Stopped")) {
                r.put("revision", rep.rev());
                r.put("state", rep.state());
                if (rep.error() != null) r.put("why", rep.error());
            } else {
                r.put("state", phase.equals("Converged") ? "converged" : phase.toLowerCase());
            }
        }
    }

    private static void service(ObjectNode r, ServiceActor.Report rep, LevelSpec spec) {
        r.put("kind", "service");
        r.put("name", rep.ref());
        r.put("revision", rep.rev());
        r.put("state", rep.state());
        r.put("gate", rep.gate());
        r.put("health", rep.health());
        if (rep.why() != null) r.put("why", rep.why());
        r.put("pid", rep.pid());
        LevelSpec.ServiceSpec svc = spec == null ? null : spec.services().stream().filter(x -> x.ref().equals(rep.ref())).findFirst().orElse(null);
        if (svc != null) {
            ObjectNode ports = r.putObject("ports");
            zed.reconciler.service.ServiceRun.ports(svc).forEach(ports::put);
        }
        if (rep.print() != null) r.put("print", rep.print());
    }

    /** A job: its state (Pending, Running, Succeeded, Failed, Stopped), where it runs, its GPUs, its checkpoints. */
    private static void job(ObjectNode r, zed.actors.job.JobActor.Report rep) {
        r.put("kind", "job");
        r.put("name", rep.job());
        r.put("revision", rep.rev());
        r.put("state", rep.state());
        if (rep.why() != null) r.put("why", rep.why());
        r.put("host", rep.host());
        ArrayNode gpus = r.putArray("gpus");
        rep.gpus().forEach(gpus::add);
        r.put("pid", rep.pid());
        r.put("restarts", rep.restarts());
        if (rep.lastExit() != null) r.put("lastExit", rep.lastExit());
        if (rep.resumedAt() != null) r.put("resumedAt", rep.resumedAt());
        if (rep.weights() != null) r.put("weights", rep.weights());
        if (rep.step() != null) r.put("step", rep.step());
        else r.putNull("step");
        ObjectNode m = r.putObject("metrics");
        new java.util.TreeMap<>(rep.metrics()).forEach(m::put);
        r.put("checkpoints", rep.checkpoints());
        // each checkpoint the dataset keeps, with its metrics: the dashboard's curves (loss over steps)
        ArrayNode history = r.putArray("history");
        for (zed.reconciler.job.Checkpoints.Point p : rep.history()) {
            ObjectNode point = history.addObject().put("step", p.step());
            ObjectNode pm = point.putObject("metrics");
            p.metrics().forEach(pm::put);
        }
    }
}
