package zed.reconciler.service;

import zed.config.LevelSpec.ServiceSpec;

import java.nio.file.Path;

/**
 * Where one service's artifacts live.
 *
 * @param home  the service's home ({@code self.dir}: its dataset's mountpoint); releases unpack here
 * @param state the level's state directory ({@code fs::state()})
 * @param bin   {@code fs::bin()}: where go services are built to
 * @param work  a directory of this service's own for sources: its git clone
 */
public record Paths(Path home, Path state, Path bin, Path work) {
    /** The layout the rest of Zed expects: {@code <state>/bin} and {@code <state>/src/<service name>}. */
    public static Paths of(ServiceSpec spec, Path state) {
        if (spec.dir() == null) throw new ServiceError(spec.ref(), "has no home directory (no dataset and no fs::var())");
        return new Paths(Path.of(spec.dir()), state, state.resolve("bin"), state.resolve("src").resolve(spec.name()));
    }
}
