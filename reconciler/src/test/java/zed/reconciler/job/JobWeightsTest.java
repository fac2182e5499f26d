package zed.reconciler.job;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec;
import zed.reconciler.model.ModelCopy;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Which jobs a model's copy stops, and why a process stops for its model's weights: pure. */
class JobWeightsTest {
    static LevelSpec.JobSpec job(String name, String model) {
        return new LevelSpec.JobSpec(name, model, "runs/" + name, Map.of(), new LevelSpec.Runtime(List.of("./train"), List.of()), null, 5,
                LevelSpec.RestartPolicy.DEFAULT, JobMoveTest.AT);
    }

    static LevelSpec level(List<LevelSpec.ModelSpec> models, LevelSpec.JobSpec... jobs) {
        return new LevelSpec("gpu", "gpu", null, "Zedfile", "/", "h1", "tank/zed", List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(), List.of(), List.of(), models, List.of(jobs), "0", JobMoveTest.AT, null);
    }

    static LevelSpec.ModelSpec model(String name, String dataset) {
        return new LevelSpec.ModelSpec(name, dataset, new LevelSpec.Requires(1024L, 1), null, JobMoveTest.AT);
    }

    @Test
    void aCopyIntoAModelsDatasetStopsTheJobsOnThatModelAndNoOther() {
        LevelSpec running = level(List.of(model("llama", "models/llama"), model("mistral", "models/mistral")),
                job("tune", "llama"), job("eval", "llama"), job("other", "mistral"));
        assertEquals(List.of("tune", "eval"), JobWeights.using(running, "models/llama"));
        assertEquals(List.of("other"), JobWeights.using(running, "models/mistral"));
        assertEquals(List.of(), JobWeights.using(running, "models/unused"));
    }

    @Test
    void theRunningRevisionDecidesByTheModelsDatasetNotItsName() {
        // the new revision may name the model otherwise: what the running job reads is the dataset
        LevelSpec running = level(List.of(model("base", "models/llama")), job("tune", "base"));
        assertEquals(List.of("tune"), JobWeights.using(running, "models/llama"));
    }

    @Test
    void noRunningRevisionStopsNothing() {
        assertEquals(List.of(), JobWeights.using(null, "models/llama"));
    }

    @Test
    void aProcessStopsOnlyWhenItsModelHoldsOtherContentAndSaysFromWhichVersionToWhich() {
        JobWeights v2 = JobWeights.of("llama", Map.of(ModelCopy.VERSION, "2", ModelCopy.DIGEST, "sha256:aa"));
        JobWeights v3 = JobWeights.of("llama", Map.of(ModelCopy.VERSION, "3", ModelCopy.DIGEST, "sha256:bb"));
        assertEquals("model llama changed: version 2 → 3", JobWeights.change(v2, v3));
        assertNull(JobWeights.change(v2, JobWeights.of("llama", Map.of(ModelCopy.VERSION, "2", ModelCopy.DIGEST, "sha256:aa"))));
        assertNull(JobWeights.change(null, v3), "a process this node did not start is judged by its spec alone");
        JobWeights byHand = JobWeights.of("llama", Map.of());
        assertEquals(new JobWeights("llama", 0, null), byHand);
        assertEquals("model llama changed: version 0 → 3", JobWeights.change(byHand, v3));
        assertEquals("llama v3", v3.label());
        assertEquals(0, JobWeights.of("llama", Map.of(ModelCopy.VERSION, "x")).version());
    }
}
