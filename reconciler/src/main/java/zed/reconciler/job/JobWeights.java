package zed.reconciler.job;

import zed.config.LevelSpec;
import zed.reconciler.model.ModelCopy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The weights a job's process runs on: its model's dataset's {@link ModelCopy#VERSION} and {@link ModelCopy#DIGEST},
 * as read when the process starts. Pure: which jobs a model's copy touches, and why a process must stop for it.
 *
 * @param version 0 when nothing was ever copied in (weights put there by hand, or no {@code source})
 * @param digest  null when nothing was ever copied in
 */
public record JobWeights(String model, long version, String digest) {
    /** The weights as the model's dataset's own {@code com.zed:*} properties say. */
    public static JobWeights of(String model, Map<String, String> modelState) {
        long v = 0;
        try {
            String s = modelState.get(ModelCopy.VERSION);
            if (s != null) v = Math.max(0, Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            v = 0; // edited by hand into nonsense: as ModelCopy reads it, none
        }
        return new JobWeights(model, v, modelState.get(ModelCopy.DIGEST));
    }

    /** What status shows: {@code llama v3}. */
    public String label() {
        return model + " v" + version;
    }

    /** Why the jobs on {@code model} stop: its weights go from {@code from} to {@code to}. */
    public static String why(String model, long from, long to) {
        return "model " + model + " changed: version " + from + " → " + to;
    }

    /**
     * Why a process that started on {@code running} must stop now that its model holds {@code now}; null when it
     * holds the same content (or either is not known: a process this node did not start is judged by its spec alone).
     */
    public static String change(JobWeights running, JobWeights now) {
        if (running == null || now == null || Objects.equals(running.digest(), now.digest())) return null;
        return why(now.model(), running.version(), now.version());
    }

    /**
     * The jobs of {@code level} (the revision they run now) whose model keeps its weights in {@code modelDataset} (the
     * dataset's name in the level, as {@code model.dataset} says it): those a copy into it must stop first.
     */
    public static List<String> using(LevelSpec level, String modelDataset) {
        List<String> out = new ArrayList<>();
        if (level == null) return out;
        for (LevelSpec.JobSpec j : level.jobs()) {
            boolean on = level.models().stream().anyMatch(m -> m.name().equals(j.model()) && m.dataset().equals(modelDataset));
            if (on) out.add(j.name());
        }
        return out;
    }
}
