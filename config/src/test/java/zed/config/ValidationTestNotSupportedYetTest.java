package zed.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import zed.config.ValidationTestSupport.Tree;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static zed.config.ValidationTestSupport.DUR;
import static zed.config.ValidationTestSupport.assertOnlyError;
import static zed.config.ValidationTestSupport.assertOnlyErrorBesideRefusals;
import static zed.config.ValidationTestSupport.c;

/**
 * What the language parses but a node does not run yet (NotSupportedYet): a model, a job. Each is refused
 * at its place rather than silently ignored, and what is written inside it is still checked, so that the checks are
 * ready for the work that will run them.
 */
class ValidationTestNotSupportedYetTest {

    static Stream<Arguments> refused() {
        return Stream.of(
                c(2, 3, "update.strategy: a rollout runs across a level's hosts, and this level runs on one: set it on a level with hosts = [...] (see docs/cluster.md)",
                        "update {",
                        "  strategy = 'coordinated'",
                        "}"),
                c(3, 3, "update.canary: a rollout runs across a level's hosts, and this level runs on one: set it on a level with hosts = [...] (see docs/cluster.md)",
                        "update {",
                        "  max_parallel = 2",
                        "  canary       = 1",
                        "}"));
    }

    @Test
    void a_level_on_several_hosts_takes_the_rollout_settings_and_keeps_them(@TempDir Path tmp) {
        zed.config.Tree t = new zed.config.Tree(tmp);
        t.write("web/Zedfile", String.join("\n",
                "level 'web' {",
                "  hosts = ['h1', 'h2']",
                "}",
                "update {",
                "  strategy          = 'rolling'",
                "  canary            = 1",
                "  auto_promote      = true",
                "  progress_deadline = '5m'",
                "}", "").replace('\'', '"'));
        LevelSpec.UpdatePolicy u = t.leaf("web").update();
        assertEquals("rolling", u.strategy());
        assertEquals(1, u.canary());
        assertEquals(true, u.autoPromote());
        assertEquals(java.time.Duration.ofMinutes(5), u.progressDeadline());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("refused")
    void what_a_node_does_not_run_yet_is_refused_at_its_place(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyError(tmp, source, line, col, message);
    }

    @Test
    void the_example_of_zedfile_md_runs_its_model_and_its_job(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("shop/Zedfile", ValidationTestChainTest.EXAMPLE);
        assertEquals(List.of(), t.evaluate("shop", "shop").errors().stream().map(Diagnostic::render).toList());
    }

    @Test
    void models_and_jobs_in_a_level_on_several_hosts_are_refused_at_their_places(@TempDir Path tmp) {
        Tree t = new Tree(tmp).write("gpu/Zedfile", String.join("\n",
                "level 'gpu' {",
                "  hosts = ['h1', 'h2']",
                "}",
                "dataset 'm' {}",
                "dataset 'r' {}",
                "model 'llama' { dataset = 'm' }",
                "job 'ft' {",
                "  model   = 'llama'",
                "  dataset = 'r'",
                "  runtime { cmd = ['./train'] }",
                "}", "").replace('\'', '"'));
        String why = ": GPU models and jobs run in a level on one host, and this level has hosts = [...] (one instance per host, each would "
                + "run the job again); put them in a level of their own: without host = ..., it goes to a host whose GPUs fit its jobs (see docs/gpu.md)";
        assertEquals(List.of("Zedfile:6:1: model \"llama\"" + why, "Zedfile:7:1: job \"ft\"" + why),
                t.evaluate("gpu", "gpu").errors().stream().map(Diagnostic::render).toList());
    }

    /** Errors inside what is refused, in the structure, the types and the references: each beside the refusals. */
    static Stream<Arguments> checkedInside() {
        return Stream.of(
                c(1, 1, "model.m: missing required attribute \"dataset\"",
                        "model 'm' {",
                        "}"),
                c(1, 1, "job.j: missing required attribute \"model\"",
                        "job 'j' {",
                        "  runtime { cmd = ['x'] }",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}"),
                c(5, 3, "job.j.runtime: missing required attribute \"cmd\"",
                        "dataset 'd' {}",
                        "model 'm' { dataset = 'd' }",
                        "job 'j' {",
                        "  model = 'm'",
                        "  runtime {}",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}"),
                // like an exec service, a job has nothing to run without runtime { cmd = [...] }
                c(3, 1, "job.j: a job needs runtime { cmd = [...] }",
                        "dataset 'm' {}",
                        "model 'm' { dataset = 'm' }",
                        "job 'j' {",
                        "  model = 'm'",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}"),
                c(2, 3, "update.strategy must be \"coordinated\" or \"rolling\", not \"canary\"",
                        "update {",
                        "  strategy = 'canary'",
                        "}"),
                c(2, 3, "update.canary must be 0 or more",
                        "update {",
                        "  canary = -1",
                        "}"),
                c(2, 3, "update.auto_promote must be true or false, not string \"yes\"",
                        "update {",
                        "  auto_promote = 'yes'",
                        "}"),
                c(2, 3, "update.progress_deadline (1m) must be longer than healthy_deadline (2m)",
                        "update {",
                        "  progress_deadline = '1m'",
                        "}"),
                c(2, 3, "level.host must be a string, not a list",
                        "level {",
                        "  host = ['h1']",
                        "}",
                        "model 'm' { dataset = 'm' }",
                        "dataset 'm' {}"),
                c(2, 7, "model \"llama 70b\": a model name is letters, digits, _ and -",
                        "dataset 'm' {}",
                        "model 'llama 70b' {",
                        "  dataset = 'm'",
                        "}"),
                c(3, 3, ": dataset \"models/llama\" is not declared in this level",
                        "dataset 'm' {}",
                        "model 'm' {",
                        "  dataset = 'models/llama'",
                        "}"),
                c(4, 16, ".requires.vram_mb must be a whole number, not string \"lots\"",
                        "dataset 'm' {}",
                        "model 'm' {",
                        "  dataset  = 'm'",
                        "  requires = { vram_mb = 'lots' }",
                        "}"),
                // -1 is a number: the message must say what is wrong with it
                c(4, 16, ".requires.vram_mb must be at least 1 (MiB), not -1",
                        "dataset 'm' {}",
                        "model 'm' {",
                        "  dataset  = 'm'",
                        "  requires = { vram_mb = -1 }",
                        "}"),
                c(1, 5, "job \"fine tune\": a job name is letters, digits, _ and -",
                        "job 'fine tune' {",
                        "  model = 'm'",
                        "  runtime { cmd = ['./train'] }",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}",
                        "model 'm' { dataset = 'm' }",
                        "dataset 'm' {}"),
                c(2, 3, ": model \"llama\" is not declared in this level",
                        "job 'j' {",
                        "  model = 'llama'",
                        "  runtime { cmd = ['./train'] }",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}"),
                c(2, 3, ": model \"llama7Ob\" is not declared in this level; did you mean \"llama70b\"?",
                        "job 'j' {",
                        "  model = 'llama7Ob'",
                        "  runtime { cmd = ['./train'] }",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}",
                        "model 'llama70b' { dataset = 'm' }",
                        "dataset 'm' {}"),
                c(3, 13, ".runtime.cmd must not be empty",
                        "job 'j' {",
                        "  model = 'm'",
                        "  runtime { cmd = [] }",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}",
                        "model 'm' { dataset = 'm' }",
                        "dataset 'm' {}"),
                c(4, 3, ".checkpoint_every" + DUR + "string \"hourly\"",
                        "job 'j' {",
                        "  model = 'm'",
                        "  runtime { cmd = ['./train'] }",
                        "  checkpoint_every = 'hourly'",
                        "  dataset = 'r'",
                        "}",
                        "dataset 'r' {}",
                        "model 'm' { dataset = 'm' }",
                        "dataset 'm' {}")
        );
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("checkedInside")
    void errors_inside_what_is_refused_are_still_reported(String source, int line, int col, String message, @TempDir Path tmp) {
        assertOnlyErrorBesideRefusals(tmp, source, line, col, message);
    }
}
