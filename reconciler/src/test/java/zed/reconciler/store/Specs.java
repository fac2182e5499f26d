package zed.reconciler.store;

import zed.config.LevelSpec;
import zed.config.Pos;

import java.util.List;
import java.util.Map;

/** Levels for tests, written directly as records. */
public final class Specs {
    private Specs() {
    }

    public static LevelSpec.DatasetSpec dataset(String name, Map<String, String> props) {
        return new LevelSpec.DatasetSpec(name, "/" + name, props, new Pos("Zedfile", 1, 1));
    }

    public static LevelSpec level(String id, LevelSpec.DatasetSpec... datasets) {
        return new LevelSpec(id, id, null, "Zedfile", "/tmp", null, null, List.of(), LevelSpec.SnapshotPolicy.DEFAULT,
                LevelSpec.UpdatePolicy.DEFAULT, List.of(datasets), List.of(), List.of(), List.of(), List.of(), "0000000000000000", new Pos("Zedfile", 1, 1));
    }
}
