package zed.reconciler.model;

import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** What a model's dataset needs, from its stamps and its source's digest: the pure rules of ModelCopy. */
class ModelCopyTest {
    static final Map<String, String> V2 = Map.of(ModelCopy.DIGEST, "sha256:b", ModelCopy.VERSION, "2", ModelCopy.SOURCE, "/z/weights");

    @Test
    void anEmptyDatasetGetsVersionOneWithNoSnapshot() {
        assertEquals(new ModelCopy.Copy(1, null, "first copy"), ModelCopy.decide(Map.of(), "sha256:a", false, Set.of()));
    }

    @Test
    void filesPutInByHandAreKeptInModelZeroBeforeTheFirstCopy() {
        ModelCopy.Copy c = (ModelCopy.Copy) ModelCopy.decide(Map.of(), "sha256:a", true, Set.of());
        assertEquals(1, c.version());
        assertEquals("model-0", c.snapshotFirst());
    }

    @Test
    void theSameDigestCopiesNothing() {
        assertEquals(new ModelCopy.Nothing(2), ModelCopy.decide(V2, "sha256:b", true, Set.of("model-1")));
    }

    @Test
    void aChangedSourceSnapshotsTheVersionItReplacesThenCopiesTheNext() {
        assertEquals(new ModelCopy.Copy(3, "model-2", "the source changed (sha256:b -> sha256:c)"),
                ModelCopy.decide(V2, "sha256:c", true, Set.of("model-1")));
    }

    @Test
    void aSnapshotTakenBeforeACopyThatNeverBeganIsNotTakenTwice() {
        ModelCopy.Copy c = (ModelCopy.Copy) ModelCopy.decide(V2, "sha256:c", true, Set.of("model-1", "model-2"));
        assertEquals(3, c.version());
        assertEquals(null, c.snapshotFirst());
    }

    @Test
    void aCopyCutShortIsDoneAgainEvenForTheSameDigestAndItsHalfFilesAreNotSnapshotted() {
        Map<String, String> cut = new java.util.HashMap<>(V2);
        cut.put(ModelCopy.COPYING, "sha256:c");
        assertEquals(new ModelCopy.Copy(3, null, "a copy cut short (of sha256:c) is done again"), ModelCopy.decide(cut, "sha256:c", true, Set.of("model-2")));
        cut.put(ModelCopy.DIGEST, "sha256:c");
        assertEquals(3, ((ModelCopy.Copy) ModelCopy.decide(cut, "sha256:c", true, Set.of())).version());
    }

    @Test
    void aVersionThatIsNotANumberCountsAsNone() {
        assertEquals(new ModelCopy.Copy(1, "model-0", "the source changed (sha256:b -> sha256:c)"),
                ModelCopy.decide(Map.of(ModelCopy.DIGEST, "sha256:b", ModelCopy.VERSION, "x"), "sha256:c", true, Set.of()));
    }
}
