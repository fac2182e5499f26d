package zed.config.eval;

import org.junit.jupiter.api.Test;
import zed.config.LevelSpec.Requires;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a level's jobs need of the GPUs, read before the level is evaluated (to choose its host): pure, milliseconds. */
class DeclaredGpusTest {
    static List<String> needs(String source) {
        return DeclaredGpus.of("Zedfile", source).jobs().stream()
                .map(n -> n.job() + ":" + n.model() + ":" + n.requires().vramMb() + "x" + n.requires().gpus() + "@" + n.pos().line()).toList();
    }

    @Test
    void eachJobGetsItsModelsRequiresInBothFormsAndUnits() {
        assertEquals(List.of("a:m:49152x1@6", "b:n:2048x2@7", "c:n:2048x2@8"), needs("""
                level "train" {}
                model "m" {
                  dataset = "w"
                  requires = { vram = "48G" }
                }
                job "a" { model = model.m }
                job "b" { model = "n" }
                job "c" { model = model.n }
                model "n" {
                  dataset = "w2"
                  requires {
                    vram_mb = 2048
                    gpus = 2
                  }
                }
                """));
    }

    @Test
    void aModelWithoutRequiresTakesOneGpuWhole() {
        assertEquals(List.of(new DeclaredGpus.Need("a", "m", new zed.config.Pos("Zedfile", 2, 1), Requires.DEFAULT)),
                DeclaredGpus.of("Zedfile", "model \"m\" { dataset = \"w\" }\njob \"a\" { model = model.m }\n").jobs());
    }

    @Test
    void whatIsNotPlainOrIsWrongIsLeftToTheEvaluationOnTheLevelsHost() {
        assertEquals(List.of(), needs("""
                model "expr" { requires = { vram = var.size } }
                model "typo" { requires = { vrma = "1G" } }
                model "bare" { requires = { vram = 48 } }
                model "zero" { requires = { gpus = 0 } }
                job "a" { model = model.expr }
                job "b" { model = model.typo }
                job "c" { model = model.bare }
                job "d" { model = model.zero }
                job "e" { model = model.undeclared }
                job "f" { model = local.m }
                """));
        assertEquals(DeclaredGpus.NONE, DeclaredGpus.of("Zedfile", "job \"a\" {"));
    }
}
