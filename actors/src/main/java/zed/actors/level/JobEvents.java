package zed.actors.level;

import zed.actors.job.JobActor;

import java.util.ArrayList;
import java.util.List;

/**
 * What a job's reports mean as the level's events: each start of its process, each restart after a failure or after
 * a GPU it ran on went away, its end.
 * An end read from its dataset's stamps (a node's restart finding a job that succeeded long ago) is no event.
 */
final class JobEvents {
    private JobEvents() {
    }

    static List<LevelEvent> between(JobActor.Report before, JobActor.Report now) {
        List<LevelEvent> events = new ArrayList<>();
        if (before != null && now.preemptions() > before.preemptions()) {
            events.add(new LevelEvent.JobPreempted(now.rev(), now.job(), before.gpus(), now.preempted()));
        }
        if (before != null && now.stops() > before.stops()) events.add(new LevelEvent.JobStopped(now.rev(), now.job(), now.stopped()));
        if (now.pid() != 0 && (before == null || before.pid() != now.pid())) {
            if (before != null && now.restarts() > before.restarts()) {
                events.add(new LevelEvent.JobRestarted(now.rev(), now.job(), now.restarts(), now.lastExit(), now.resumedAt()));
            } else {
                events.add(new LevelEvent.JobStarted(now.rev(), now.job(), now.host(), now.gpus(), now.resumedAt()));
            }
        }
        boolean was = before != null && before.state().equals(now.state());
        if (!was && !now.recorded() && now.state().equals("Succeeded")) events.add(new LevelEvent.JobSucceeded(now.rev(), now.job()));
        if (!was && !now.recorded() && now.state().equals("Failed")) events.add(new LevelEvent.JobFailed(now.rev(), now.job(), now.why()));
        return events;
    }
}
