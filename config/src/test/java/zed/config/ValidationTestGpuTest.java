package zed.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import zed.config.LevelSpec.JobSpec;
import zed.config.LevelSpec.ModelSource;
import zed.config.LevelSpec.ModelSpec;
import zed.config.LevelSpec.Requires;
import zed.config.LevelSpec.RestartPolicy;
import zed.config.ValidationTestSupport.Tree;
import zed.config.eval.ChainEvaluator;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zed.config.ValidationTestSupport.DUR;
import static zed.config.ValidationTestSupport.assertOnlyErrorBesideRefusals;
import static zed.config.ValidationTestSupport.c;
import static zed.config.ValidationTestSupport.src;

/**
 * Models and jobs evaluate into their records, checked at their places; a model's source from another host, which a
 * node does not receive yet, is refused (NotSupportedYet); a path it cannot read is refused at the path.
 */
class ValidationTestGpuTest {

    static final String FULL = src(
            "dataset 'models/llama' {}",
            "dataset 'runs/ft' {}",
            "model 'llama' {",
            "  dataset  = 'models/llama'",
            "  requires = { vram = '48G', gpus = 2 }",
            "  source {",
            "    host     = 'h2'",
            "    snapshot = 'models/llama@v3'",
            "  }",
            "}",
            "model 'tiny' {",
            "  dataset = 'models/llama'",
            "  source { path = 'weights/tiny.bin' }",
            "}",
            "model 'small' {",
            "  dataset  = 'models/llama'",
            "  requires = { vram_mb = 512 }",
            "}",
            "job 'finetune' {",
            "  model            = model.llama",
            "  dataset          = 'runs/ft'",
            "  env              = { SEED = 7, EPOCHS = '3' }",
            "  runtime { cmd = ['./train', '--fast'] }",
            "  checkpoint_every = '10m'",
            "  keep             = 3",
            "  restart { attempts = 2 }",
            "}");

    @Test
    void models_and_jobs_evaluate_into_records_with_a_source_from_another_host(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", FULL).write("shop/weights/tiny.bin", "w");
        ChainEvaluator.Result r = t.evaluate("shop", "shop");
        assertEquals(List.of(), r.errors().stream().map(Diagnostic::render).toList());
        LevelSpec l = r.levels().get(0);
        assertEquals(List.of(
                new ModelSpec("llama", "models/llama", new Requires(48L * 1024, 2), new ModelSource(null, "h2", "models/llama@v3", new Pos("Zedfile", 6, 3)),
                        new Pos("Zedfile", 3, 1)),
                new ModelSpec("tiny", "models/llama", Requires.DEFAULT, new ModelSource(t.dir("shop/weights/tiny.bin").toString(), null, null,
                        new Pos("Zedfile", 13, 3)),
                        new Pos("Zedfile", 11, 1)),
                new ModelSpec("small", "models/llama", new Requires(512L, 1), null, new Pos("Zedfile", 15, 1))), l.models());
        RestartPolicy d = RestartPolicy.DEFAULT;
        assertEquals(List.of(new JobSpec("finetune", "llama", "runs/ft", Map.of("SEED", new Value.Str("7"), "EPOCHS", new Value.Str("3")),
                        new LevelSpec.Runtime(List.of("./train", "--fast"), List.of()), Duration.ofMinutes(10), 3,
                        new RestartPolicy(2, d.interval(), d.delay(), d.maxDelay()), new Pos("Zedfile", 19, 1))),
                l.jobs());
    }

    @Test
    void a_job_takes_its_model_by_name_too_and_keeps_five_checkpoints_by_default(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", src(
                "dataset 'm' {}",
                "dataset 'r' {}",
                "model 'llama' { dataset = 'm' }",
                "job 'j' {",
                "  model   = 'llama'",
                "  dataset = 'r'",
                "  runtime { cmd = ['./train'] }",
                "}"));
        JobSpec j = t.evaluate("shop", "shop").levels().get(0).jobs().get(0);
        assertEquals("llama", j.model());
        assertEquals(JobSpec.KEEP, j.keep());
        assertEquals(null, j.checkpointEvery());
        assertEquals(RestartPolicy.DEFAULT, j.restart());
    }

    @Test
    void an_error_beside_the_refusals_leaves_no_records(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", FULL.replace("keep             = 3", "keep             = 0"));
        assertEquals(List.of(), t.evaluate("shop", "shop").besideRefusals());
    }

    @Test
    void a_job_name_is_one_across_the_chain(@TempDir Path tmp) {
        String job = src("dataset 'm' {}", "dataset 'r' {}", "model 'l' { dataset = 'm' }",
                "job 'train' {", "  model   = model.l", "  dataset = 'r'", "  runtime { cmd = ['./train'] }", "}");
        Tree t = new Tree(tmp).write("Zedfile", job).write("shop/Zedfile", job);
        List<String> errors = t.evaluate("shop", "shop").errors().stream().filter(e -> !e.message().contains("not supported yet"))
                .map(Diagnostic::render).toList();
        assertEquals(List.of("Zedfile:4:1: job.train is already declared in ../Zedfile:4:1: a job's name is one across the chain"), errors);
    }

    /** Lines 1-3 of each case: the datasets m and r, and lines 3-6 a model "llama" on m (requires on line 5). */
    static Stream<Arguments> checked() {
        return Stream.of(
                model(5, 16, "model.llama.requires.vram must be GPU memory with its unit, such as \"48G\" or \"512M\", not string \"48\"", "vram = '48'"),
                model(5, 16, "must be GPU memory with its unit, such as \"48G\" or \"512M\", not string \"48X\"", "vram = '48X'"),
                model(5, 16, "must be GPU memory with its unit, such as \"48G\" or \"512M\", not number 48", "vram = 48"),
                model(5, 16, "model.llama.requires.vram must be GPU memory with its unit, such as \"48G\" or \"512M\", not string \"-1G\"", "vram = '-1G'"),
                model(5, 16, "model.llama.requires.vram must be more than 0; leave it out to take each GPU whole", "vram = '0G'"),
                model(5, 16, "model.llama.requires.vram must be a whole number of MiB, not \"0.5M\"", "vram = '0.5M'"),
                model(5, 29, "model.llama.requires: set vram or vram_mb, not both", "vram = '1G', vram_mb = 1024"),
                model(5, 16, "model.llama.requires.gpus must be at least 1, not 0", "gpus = 0"),
                model(5, 16, "model.llama.requires.gpus must be a whole number, not number 1.5", "gpus = 1.5"),
                model(5, 16, "model.llama.requires: unknown key \"vrma\"; did you mean \"vram\"?; it takes vram, vram_mb, gpus", "vrma = '1G'"),
                job(8, 19, "model.lama is not declared in this level; did you mean \"llama\"?", "model   = model.lama", "dataset = 'r'"),
                job(8, 13, "a model reference reads model.<name>, e.g. model = model.llama", "model   = model.llama.dataset", "dataset = 'r'"),
                job(7, 1, "job.j: missing required attribute \"dataset\"", "model = model.llama"),
                job(9, 3, "job.j: dataset \"runs\" is not declared in this level", "model   = model.llama", "dataset = 'runs'"),
                job(9, 3, "job.j.dataset is model.llama's dataset: a job writes and checkpoints its own", "model   = model.llama", "dataset = 'm'"),
                job(10, 3, "job.j.keep must be at least 1", "model   = model.llama", "dataset = 'r'", "keep    = 0"),
                job(10, 3, "job.j.checkpoint_every must be at least 1s, not 500ms", "model   = model.llama", "dataset = 'r'", "checkpoint_every = '500ms'"),
                job(10, 3, "job.j.checkpoint_every" + DUR + "string \"often\"", "model   = model.llama", "dataset = 'r'", "checkpoint_every = 'often'"),
                job(10, 15, "job.j.env: CUDA_VISIBLE_DEVICES is set by Zed (ZED_GPU_UUIDS, CUDA_VISIBLE_DEVICES, ZED_VULKAN_DEVICE, ZED_CHECKPOINT_URL, ZED_RESUME_STEP)",
                        "model   = model.llama", "dataset = 'r'", "env     = { CUDA_VISIBLE_DEVICES = '0' }"),
                job(10, 3, "job.j.user must be a user name such as \"www\"", "model   = model.llama", "dataset = 'r'", "user    = '0'"),
                job(10, 13, "job.j.restart.attempts must not be negative", "model   = model.llama", "dataset = 'r'", "restart { attempts = -1 }"),
                c(14, 3, "job.k.dataset \"r\" is also job.j's (Zedfile:7:1): each job has its own",
                        "dataset 'm' {}", "dataset 'r' {}", "model 'llama' {", "  dataset = 'm'", "}", "",
                        "job 'j' {", "  model   = model.llama", "  dataset = 'r'", "  runtime { cmd = ['./train'] }", "}",
                        "job 'k' {", "  model   = model.llama", "  dataset = 'r'", "  runtime { cmd = ['./train'] }", "}"),
                source(5, 3, "model.llama.source: set path (a file or directory to copy in), or host and snapshot (a snapshot to receive), not both",
                        "path = 'w', host = 'h2'"),
                source(5, 3, "model.llama.source: set path (a file or directory to copy in), or host and snapshot (a snapshot to receive), not neither", ""),
                source(5, 3, "model.llama.source: set the snapshot to receive from h2, e.g. snapshot = \"models/llama@v1\"", "host = 'h2'"),
                source(5, 3, "model.llama.source: a snapshot is received from a host: set host too", "snapshot = 'm@v1'"),
                source(5, 12, "model.llama.source.path: ", "path = 'weights'"),
                source(5, 12, "/shop/weights does not exist", "path = 'weights'"),
                source(6, 5, "model.llama.source.snapshot must be a dataset and a snapshot name such as \"models/llama@v1\", not \"m\"",
                        "host = 'h2'\n    snapshot = 'm'"));
    }

    /** The model "llama" with {@code requires = { <requires> }} on line 5, and a valid job after it. */
    private static Arguments model(int line, int col, String message, String requires) {
        return c(line, col, message, "dataset 'm' {}", "dataset 'r' {}", "model 'llama' {", "  dataset  = 'm'", "  requires = { " + requires + " }", "}",
                "job 'j' {", "  model   = model.llama", "  dataset = 'r'", "  runtime { cmd = ['./train'] }", "}");
    }

    /** A valid model "llama" (lines 1-6), then the job "j" from line 7, its lines from line 8, its runtime last. */
    private static Arguments job(int line, int col, String message, String... lines) {
        String[] all = new String[lines.length + 9];
        String[] head = {"dataset 'm' {}", "dataset 'r' {}", "model 'llama' {", "  dataset = 'm'", "}", "", "job 'j' {"};
        System.arraycopy(head, 0, all, 0, head.length);
        for (int i = 0; i < lines.length; i++) all[head.length + i] = "  " + lines[i];
        all[all.length - 2] = "  runtime { cmd = ['./train'] }";
        all[all.length - 1] = "}";
        return c(line, col, message, all);
    }

    /** The model "llama" with {@code source { <body> }} opening on line 5. */
    private static Arguments source(int line, int col, String message, String body) {
        return c(line, col, message, "dataset 'm' {}", "dataset 'r' {}", "model 'llama' {", "  dataset  = 'm'",
                "  source { " + body.replace(", ", "\n") + " }", "}");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checked")
    void what_is_wrong_in_a_model_or_a_job_is_reported_at_its_place(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyErrorBesideRefusals(tmp, source, line, col, message);
    }
}
