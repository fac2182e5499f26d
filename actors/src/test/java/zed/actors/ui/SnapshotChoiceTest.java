package zed.actors.ui;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SnapshotChoiceTest {
    @Test
    void onlyNamesEveryDatasetHoldsAreOfferedNewestFirst() throws Exception {
        var json = new ObjectMapper().readTree("""
                {"snapshots": [
                  {"dataset": "p/d", "snapshot": "zed-deploy-3", "revision": 3, "taken": "2026-12-06T00:03:00Z"},
                  {"dataset": "p/e", "snapshot": "zed-deploy-3", "revision": 3, "taken": "2026-12-06T00:03:00Z"},
                  {"dataset": "p/e", "snapshot": "only-e", "taken": "2026-12-06T00:02:00Z"},
                  {"dataset": "p/d", "snapshot": "zed-deploy-2", "revision": 2, "taken": "2026-12-06T00:01:00Z"},
                  {"dataset": "p/e", "snapshot": "zed-deploy-2", "revision": 2, "taken": "2026-12-06T00:01:00Z"}
                ]}""");
        assertEquals(List.of(new SnapshotChoice("zed-deploy-3", "3", "2026-12-06 00:03:00Z"), new SnapshotChoice("zed-deploy-2", "2", "2026-12-06 00:01:00Z")),
                SnapshotChoice.of(json));
        assertEquals(List.of(), SnapshotChoice.of(new ObjectMapper().readTree("{\"snapshots\": []}")));
    }
}
