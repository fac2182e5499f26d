package zed.actors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * A journal that fails (a full disk, a database refusing writes) never ends a level: the level restarts with backoff,
 * from the journal, its resource actors with it, and keeps its services running, without anyone calling the API.
 * The failure is real: PostgreSQL itself refuses every write to the journal, by a trigger, until the test drops it.
 */
class LevelNeverDiesTest {
    @TempDir
    Path state;
    TestDatabase db;
    TestNode node;

    @BeforeEach
    void database() throws Exception {
        db = TestDatabase.fresh();
    }

    @AfterEach
    void stop() throws Exception {
        try {
            if (node != null) node.close();
        } finally {
            db.close();
        }
    }

    Path pids() {
        return state.resolve("pids");
    }

    /** The newest pid the service wrote, after {@code not}, within a deadline; no call to the API meanwhile. */
    long nextPid(long not) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        while (true) {
            List<String> lines = Files.exists(pids()) ? Files.readAllLines(pids()) : List.of();
            if (!lines.isEmpty()) {
                long pid = Long.parseLong(lines.get(lines.size() - 1).trim());
                if (pid != not && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) return pid;
            }
            if (System.nanoTime() > deadline) throw new AssertionError("no new process of the service; pids written: " + lines);
            Thread.sleep(100); // polling interval of a deadline wait
        }
    }

    @Test
    void aJournalThatRefusesWritesDoesNotEndTheLevelsSupervision() throws Exception {
        node = TestNode.start(state, db.url);
        node.push("shop", "shop", null, """
                level "shop" {}
                update {
                  min_healthy_time = "500ms"
                }
                service "exec" "web" {
                  runtime { cmd = ["/bin/sh", "-c", "echo $$ >> %s; trap 'exit 0' TERM; while true; do sleep 1; done"] }
                }
                """.formatted(pids()));
        node.converged("shop", 1);
        long first = nextPid(0);

        db.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the journal refuses writes'; END $$");
        db.execute("CREATE TRIGGER refuse BEFORE INSERT ON event_journal FOR EACH ROW EXECUTE FUNCTION refuse()");
        // a killed service is restarted, and the level's record of that (DriftCorrected) cannot be written
        ProcessHandle.of(first).orElseThrow().destroyForcibly();
        long second = nextPid(first);

        db.execute("DROP TRIGGER refuse ON event_journal");
        // the level restarted from its journal and supervises again: a second kill is corrected as well
        ProcessHandle.of(second).orElseThrow().destroyForcibly();
        long third = nextPid(second);
        assertNotEquals(second, third);

        var s = node.await("shop", x -> x.path("state").asText().equals("Converged") && ServicesNodeTest.resource(x, "service.exec.web").path("pid").asLong() == third,
                "the level to show the process it keeps");
        assertEquals(1, s.get("desiredRevision").asLong());
    }
}
