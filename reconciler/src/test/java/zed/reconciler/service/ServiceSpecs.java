package zed.reconciler.service;

import zed.config.LevelSpec;
import zed.config.LevelSpec.GitSource;
import zed.config.LevelSpec.ServiceSpec;
import zed.config.LevelSpec.SrcSource;
import zed.config.Pos;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Services as the config module resolves them, written directly as records. */
final class ServiceSpecs {
    private ServiceSpecs() {
    }

    static ServiceSpec exec(String name, Path home, String... cmd) {
        return spec("exec", name, null, home, null, List.of(cmd), null, null, null, null);
    }

    static ServiceSpec jailedExec(String name, Path home, String... cmd) {
        return spec("exec", name, "web", home, null, List.of(cmd), null, null, null, null);
    }

    static ServiceSpec release(String name, Path home, Path archive, String version, String... cmd) {
        return spec("release", name, null, home, version, List.of(cmd), archive.toString(), null, null, null);
    }

    static ServiceSpec jar(String name, Path home, Path jar, String... cmd) {
        return spec("jar", name, null, home, null, List.of(cmd), null, jar.toString(), null, null);
    }

    static ServiceSpec go(String name, Path home, GitSource git, SrcSource src, String... cmd) {
        return spec("go", name, null, home, null, List.of(cmd), null, null, git, src);
    }

    private static ServiceSpec spec(String kind, String name, String jail, Path home, String version, List<String> cmd,
                                    String release, String jar, GitSource git, SrcSource src) {
        return new ServiceSpec(kind, name, null, jail, version, Map.of(), Map.of(), List.of(), new LevelSpec.Runtime(cmd, List.of()),
                LevelSpec.RestartPolicy.DEFAULT, List.of(), null, List.of(), release, jar, git, src, home.toString(), new Pos("Zedfile", 1, 1));
    }
}
