package zed.actors.level;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonIgnore;
import zed.actors.JsonEvent;
import zed.actors.level.LevelEvent.ConvergeFailed;
import zed.actors.level.LevelEvent.ConvergeStarted;
import zed.actors.level.LevelEvent.Converged;
import zed.actors.level.LevelEvent.DriftCorrected;
import zed.actors.level.LevelEvent.LevelStopped;
import zed.actors.level.LevelEvent.RestartRequested;
import zed.actors.level.LevelEvent.RollbackFailed;
import zed.actors.level.LevelEvent.RollbackStarted;
import zed.actors.level.LevelEvent.RolledBack;
import zed.actors.level.LevelEvent.SnapshotTaken;
import zed.actors.level.LevelEvent.SpecAccepted;
import zed.config.LevelSpec;
import zed.config.SpecJson;

import java.util.Map;
import java.util.TreeMap;

/**
 * A level's revisions and what became of them: the state its events make, and nothing else. Pure: {@link #apply}
 * is the whole event handler.
 *
 * @param revision       the newest accepted revision (0: never pushed)
 * @param desired        the revision being converged or held: the newest, or an older one after a rollback or revert
 * @param phase          None, Converging, Converged, Failed, RollingBack or Stopped
 * @param stableRevision the newest revision that reached Converged (0: none yet)
 * @param stableSnapshot the first deploy snapshot taken after the stable revision converged: it holds that revision's
 *                       data and state, so an automatic revert goes back to it (null: none taken since)
 * @param revisions      the kept revisions by number: the newest {@value #KEPT}, and always the desired and stable ones
 * @param ports          the port allocations the level holds ({@code net::pickport()})
 * @param generation     how often an operator forced a restart ({@code zed up --restart})
 * @param rollback       the rollback under way, or null
 */
public record RevisionLog(String level, long revision, long desired, String phase, long stableRevision, String stableSnapshot,
                          Map<Long, Revision> revisions, Map<String, Integer> ports, long generation, String lastError,
                          RollbackStarted rollback) implements JsonEvent {
    /** How many recent revisions are kept whole, for rollbacks to them. */
    static final int KEPT = 20;

    /** One accepted revision: the Zedfile as pushed, where it lives, and what it resolved to. */
    public record Revision(long number, String hash, String source, String filename, String dir, String parent, String specJson) {
        /** This revision as it reads once its level runs on {@code to}: host = the new host, and the old one the standby where the new one was. */
        public Revision movedTo(String from, String to) {
            return new Revision(number, hash, zed.config.MovedSource.of(filename, source, from, to), filename, dir, parent, specJson);
        }
    }

    @JsonCreator
    public RevisionLog {
        revisions = revisions == null ? Map.of() : Map.copyOf(revisions);
        ports = ports == null ? Map.of() : Map.copyOf(ports);
        phase = phase == null ? "None" : phase;
    }

    public static RevisionLog empty(String level) {
        return new RevisionLog(level, 0, 0, "None", 0, null, Map.of(), Map.of(), 0, null, null);
    }

    public boolean exists() {
        return revision > 0;
    }

    public boolean stopped() {
        return "Stopped".equals(phase);
    }

    public boolean rollingBack() {
        return rollback != null;
    }

    /** The desired revision as accepted (null before the first). */
    @JsonIgnore
    public Revision desiredRevision() {
        return revisions.get(desired);
    }

    /** The newest revision as accepted (null before the first). */
    @JsonIgnore
    public Revision newest() {
        return revisions.get(revision);
    }

    /** The drift hash of the desired revision: a push with the same one changes nothing. */
    @JsonIgnore
    public String desiredHash() {
        Revision r = desiredRevision();
        return r == null ? null : r.hash();
    }

    /** The hash of the newest revision, as status shows it. */
    @JsonIgnore
    public String hash() {
        Revision r = newest();
        return r == null ? null : r.hash();
    }

    /** The level above, as the desired revision's push named it. */
    @JsonIgnore
    public String parent() {
        Revision r = source();
        return r == null ? null : r.parent();
    }

    /**
     * The Zedfile that evaluates to what is desired: the desired revision's own where kept, else the newest's. A parent's
     * change is evaluated against it, so that a cascade never undoes a rollback.
     */
    @JsonIgnore
    public Revision source() {
        Revision d = desiredRevision();
        return d != null && d.source() != null ? d : newest();
    }

    /** The spec being converged or held: the desired revision's. */
    @JsonIgnore
    public LevelSpec desiredSpec() {
        return spec(desired);
    }

    /** A kept revision's spec, or null. */
    public LevelSpec spec(long rev) {
        Revision r = revisions.get(rev);
        return r == null || r.specJson() == null ? null : SpecJson.read(r.specJson(), LevelSpec.class);
    }

    public boolean kept(long rev) {
        return revisions.containsKey(rev) && revisions.get(rev).specJson() != null;
    }

    // ---- the event handler ---------------------------------------------------------------------------------------

    public RevisionLog apply(LevelEvent event) {
        if (event instanceof SpecAccepted e) {
            Revision r = new Revision(e.revision(), e.hash(), e.source(), e.filename(), e.dir(), e.parent(), e.specJson());
            return new RevisionLog(level, e.revision(), e.revision(), "Converging", stableRevision, stableSnapshot,
                    keep(plus(r), e.revision(), stableRevision), e.ports(), generation, null, rollback);
        }
        // the newest revision's failure stays on record while an older one converges (after a revert or a rollback)
        if (event instanceof ConvergeStarted e) return with(e.revision(), "Converging", e.revision() == revision ? null : lastError);
        if (event instanceof RestartRequested e) {
            return new RevisionLog(level, revision, desired, "Converging", stableRevision, stableSnapshot, revisions, ports, e.generation(), null, rollback);
        }
        if (event instanceof SnapshotTaken e) {
            // the first deploy snapshot after the stable revision converged holds that revision's state
            String s = stableSnapshot == null && stableRevision > 0 && e.revision() > stableRevision ? e.snapshot() : stableSnapshot;
            return new RevisionLog(level, revision, desired, phase, stableRevision, s, revisions, ports, generation, lastError, rollback);
        }
        if (event instanceof Converged e) {
            // converged back on an older revision after a revert: the newest one's failure stays on record
            return new RevisionLog(level, revision, e.revision(), "Converged", e.revision(), null, keep(revisions, e.revision(), e.revision()),
                    ports, generation, e.revision() == revision ? null : lastError, rollback);
        }
        if (event instanceof ConvergeFailed e) return with(desired, "Failed", e.why());
        if (event instanceof RollbackStarted e) {
            return new RevisionLog(level, revision, desired, "RollingBack", stableRevision, stableSnapshot, revisions, ports, generation, lastError, e);
        }
        if (event instanceof RolledBack e) {
            return new RevisionLog(level, revision, e.to(), "Converging", stableRevision, stableSnapshot, keep(revisions, e.to(), stableRevision),
                    ports, generation, lastError, null);
        }
        if (event instanceof RollbackFailed e) {
            return new RevisionLog(level, revision, desired, "Failed", stableRevision, stableSnapshot, revisions, ports, generation, e.why(), null);
        }
        if (event instanceof LevelStopped) {
            return new RevisionLog(level, revision, desired, "Stopped", stableRevision, stableSnapshot, revisions, ports, generation, lastError, null);
        }
        if (event instanceof DriftCorrected || event instanceof LevelEvent.PoolUnavailable || event instanceof LevelEvent.PoolAvailable
                || event instanceof LevelEvent.Replicated || event instanceof LevelEvent.ReplicationFailed
                || event instanceof LevelEvent.FailedOver || event instanceof LevelEvent.ModelCopied) return this;
        // a job's course is its dataset's to keep (com.zed:job.*), not the revision's
        if (event instanceof LevelEvent.JobStarted || event instanceof LevelEvent.JobRestarted || event instanceof LevelEvent.JobSucceeded
                || event instanceof LevelEvent.JobFailed || event instanceof LevelEvent.JobCheckpointed || event instanceof LevelEvent.JobRolledBack
                || event instanceof LevelEvent.JobPreempted || event instanceof LevelEvent.JobStopped
                || event instanceof LevelEvent.SecretConsumerRestarted) return this;
        throw new IllegalArgumentException("unknown event " + event);
    }

    private RevisionLog with(long desired, String phase, String error) {
        return new RevisionLog(level, revision, desired, phase, stableRevision, stableSnapshot, revisions, ports, generation, error, rollback);
    }

    private Map<Long, Revision> plus(Revision r) {
        Map<Long, Revision> m = new TreeMap<>(revisions);
        m.put(r.number(), r);
        return m;
    }

    /** The newest {@link #KEPT}, and whatever else a rollback or a revert may still need. */
    private static Map<Long, Revision> keep(Map<Long, Revision> all, long desired, long stable) {
        TreeMap<Long, Revision> m = new TreeMap<>(all);
        while (m.size() > KEPT) {
            Long oldest = m.firstKey();
            if (oldest == desired || oldest == stable) {
                Long next = m.higherKey(oldest);
                while (next != null && (next == desired || next == stable)) next = m.higherKey(next);
                if (next == null) break;
                m.remove(next);
            } else {
                m.remove(oldest);
            }
        }
        return m;
    }
}
