package zed.actors.level;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.javadsl.EventSourcedBehaviorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.node.NodeConfig;
import zed.actors.telemetry.ZedMetrics;

import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The level entity's persisted events under Pekko's EventSourcedBehaviorTestKit (an in-memory journal; events and
 * state pass a round trip through the node's Jackson serializer). Its resources run for real, on the dir store.
 */
class LevelEntityTest {
    @TempDir
    Path state;
    ActorTestKit kit;
    ExecutorService blocking;
    EventSourcedBehaviorTestKit<LevelCommand, LevelEvent, RevisionLog> level;
    LevelHost host;

    static final String SHOP = """
            level "shop" {}
            dataset "data" {}
            """;

    @BeforeEach
    void start() throws Exception {
        kit = ActorTestKit.create(EventSourcedBehaviorTestKit.config().withFallback(ConfigFactory.parseString(
                "pekko.actor.serialization-bindings { \"zed.actors.JsonEvent\" = jackson-json }\nzed.rollback.timeout = 2s\n" + JournalMigration.config()))
                .withFallback(ConfigFactory.load()));
        blocking = Executors.newFixedThreadPool(2);
        host = new LevelHost(NodeConfig.defaults(state), LevelHost.Work.on(blocking), ZedMetrics.noop());
        level = EventSourcedBehaviorTestKit.create(kit.system(), LevelEntity.create("shop", host, self -> { }),
                EventSourcedBehaviorTestKit.enabledSerializationSettings().withVerifyCommands(false));
        Files.createDirectories(state.resolve("shop"));
    }

    /**
     * A test may end while its level's work still runs (a given-up rollback's stop waits out its grace): the work
     * and every process it started end before the state directory is removed, else the removal races a write to it.
     */
    @AfterEach
    void stop() throws InterruptedException {
        kit.shutdownTestKit();
        blocking.shutdownNow();
        assertTrue(blocking.awaitTermination(30, TimeUnit.SECONDS), "the level's work ended");
        for (ProcessHandle p : ProcessHandle.current().descendants().toList()) {
            p.destroyForcibly();
            p.onExit().orTimeout(10, TimeUnit.SECONDS).exceptionally(x -> p).join();
        }
    }

    EventSourcedBehaviorTestKit.CommandResultWithReply<LevelCommand, LevelEvent, RevisionLog, LevelCommand.Pushed> push(String source) {
        return level.runCommand(reply -> new LevelCommand.Push(source, "Zedfile", state.resolve("shop").toString(), null, false, reply));
    }

    void awaitConverged(long rev) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!(level.getState().phase().equals("Converged") && level.getState().desired() == rev)) {
            if (System.nanoTime() > deadline) throw new AssertionError("not converged: " + level.getState());
            Thread.sleep(50); // polling interval of a deadline wait
        }
    }

    @Test
    void aPushIsARevisionAndTheSamePushIsNothing() throws Exception {
        var first = push(SHOP);
        LevelCommand.Accepted a = assertInstanceOf(LevelCommand.Accepted.class, first.reply());
        assertEquals(1, a.revision());
        assertTrue(a.changed());
        RevisionLog st = level.getState();
        assertEquals(1, st.revision());
        assertTrue(List.of("Converging", "Converged").contains(st.phase()), st.phase());
        assertEquals(a.hash(), st.hash());
        awaitConverged(1); // so that nothing the converge persists falls into the next command's events

        var again = push(SHOP);
        LevelCommand.Accepted b = assertInstanceOf(LevelCommand.Accepted.class, again.reply());
        assertFalse(b.changed(), "the same drift hash");
        assertEquals(1, b.revision());
        assertTrue(again.events().isEmpty(), "nothing persisted: " + again.events());
    }

    @Test
    void aBrokenZedfileIsRefusedWithPositionsAndPersistsNothing() {
        var r = push("level \"shop\" {}\ndataset \"data\" {\n  quota = \n}\n");
        LevelCommand.Refused refused = assertInstanceOf(LevelCommand.Refused.class, r.reply());
        assertEquals(LevelCommand.Refused.Why.INVALID, refused.why());
        assertFalse(refused.errors().isEmpty());
        assertEquals(3, refused.errors().get(0).pos().line(), refused.errors().toString());
        assertTrue(r.events().isEmpty());
        assertFalse(level.getState().exists());
    }

    @Test
    void shardingsStopMessageWaitsUntilThePushInFlightIsAnswered() throws Exception {
        // found by the API fuzzer: stopped under an evaluation, the entity never answered the push (a 503 after 15 s)
        Path dir = Files.createDirectories(state.resolve("gated"));
        Path gate = dir.resolve("gate");
        assertEquals(0, new ProcessBuilder("mkfifo", gate.toString()).start().waitFor());
        List<ActorRef<LevelCommand>> passivated = new java.util.concurrent.CopyOnWriteArrayList<>();
        ActorRef<LevelCommand> entity = kit.spawn(LevelEntity.create("gated", host, passivated::add));
        TestProbe<LevelCommand.Pushed> reply = kit.createTestProbe();
        // the Zedfile of another level (refused once evaluated), whose evaluation waits at the gate until it opens
        CompletableFuture<OutputStream> reading = CompletableFuture.supplyAsync(() -> {
            try {
                return new FileOutputStream(gate.toFile());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, CompletableFuture.delayedExecutor(0, TimeUnit.SECONDS)); // its own thread: opening a FIFO waits for the reader
        entity.tell(new LevelCommand.Push("level \"other\" {}\ndataset \"d\" {\n  properties = { \"com.acme:gate\" = file(\"gate\") }\n}\n", "Zedfile",
                dir.toString(), null, false, reply.ref()));
        OutputStream held = reading.get(60, TimeUnit.SECONDS);
        entity.tell(new LevelCommand.Passivate()); // sharding's stop message, while the push is evaluated
        held.write('x');
        held.close();
        assertInstanceOf(LevelCommand.Refused.class, reply.receiveMessage(Duration.ofSeconds(30)));
        reply.expectTerminated(entity, Duration.ofSeconds(30));
        assertEquals(List.of(entity), passivated, "the refusal asked sharding to passivate the level that never got a revision");
    }

    @Test
    void aLevelWithoutServicesConvergesAndItsStateSurvivesARestart() throws Exception {
        push(SHOP);
        awaitConverged(1);
        assertEquals(1, level.getState().stableRevision());
        assertTrue(Files.isDirectory(state.resolve("store/data")), "the dataset, in the dir store");

        var restarted = level.restart();
        assertEquals(1, restarted.state().stableRevision());
        assertEquals("Converged", restarted.state().phase());

        var stopped = level.runCommand(LevelCommand.Stop::new);
        assertEquals(List.of(new LevelEvent.LevelStopped(1)), stopped.events());
        assertEquals("Stopped", stopped.state().phase());
    }

    @Test
    void aJournalFailureRestartsTheLevelInsteadOfEndingIt() throws Exception {
        push(SHOP);
        awaitConverged(1);
        level.persistenceTestKit().failNextPersisted();
        // the write of revision 2 fails: the entity restarts with backoff, from the journal, and keeps going
        level.runCommand(new LevelCommand.Push(SHOP + "dataset \"more\" {}\n", "Zedfile", state.resolve("shop").toString(), null, false,
                kit.system().ignoreRef()));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        LevelCommand.Pushed answer = null;
        while (answer == null) {
            if (System.nanoTime() > deadline) throw new AssertionError("the level never answered again after the journal failure");
            try {
                answer = push(SHOP + "dataset \"more\" {}\n").reply();
            } catch (AssertionError | RuntimeException notYet) {
                Thread.sleep(200); // the entity is backing off before its restart; the retry interval of a deadline wait
            }
        }
        LevelCommand.Accepted a = assertInstanceOf(LevelCommand.Accepted.class, answer);
        assertEquals(2, a.revision(), "the failed write left no revision behind; the next push is revision 2");
        awaitConverged(2);
        assertTrue(Files.isDirectory(state.resolve("store/more")), "its resources run again after the restart");
    }

    @Test
    void aRollbackThatOutlivesItsDeadlineIsGivenUpAndSaysSo() throws Exception {
        // revision 2's service ignores SIGTERM: its stop takes the whole grace (10s), longer than the rollback may (2s
        // here); revision 1's ends at TERM, so that the deploy of revision 2 does not wait out a grace of its own
        String v = """
                level "shop" {}
                update {
                  min_healthy_time = "300ms"
                }
                dataset "data" {}
                service "exec" "stubborn" {
                  env     = { V = "%s" }
                  runtime { cmd = ["/bin/sh", "-c", "trap '%s' TERM; while true; do sleep 1; done"] }
                }
                """;
        push(v.formatted("1", "exit 0"));
        awaitConverged(1);
        push(v.formatted("2", ""));
        awaitConverged(2);
        long pid = level.runCommand(LevelCommand.Get::new).reply().services().get(0).pid();
        try {
            var started = level.<LevelCommand.RollbackAnswer>runCommand(reply -> new LevelCommand.RollbackTo("@latest", reply));
            LevelCommand.RollbackAccepted a = assertInstanceOf(LevelCommand.RollbackAccepted.class, started.reply());
            assertEquals("RollingBack", level.getState().phase());
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!level.getState().phase().equals("Failed")) {
                if (System.nanoTime() > deadline) throw new AssertionError("the rollback was never given up: " + level.getState());
                Thread.sleep(50); // polling interval of a deadline wait
            }
            RevisionLog st = level.getState();
            assertTrue(st.lastError().startsWith("rollback " + a.id() + " did not finish within 2s"), st.lastError());
            assertFalse(st.rollingBack(), "no rollback is under way any more: a new one may start");
        } finally {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void aDeployCutShortByANodesDeathTakesItsSnapshotOnResumeOnlyIfItWasNotTaken() throws Exception {
        push(SHOP);
        awaitConverged(1);
        RevisionLog.Revision one = level.getState().revisions().get(1L);
        zed.reconciler.store.Store store = host.store(level.getState().desiredSpec());
        String data = zed.reconciler.dataset.Planner.full(host.root(level.getState().desiredSpec()), "data");
        // revision 2 was accepted, and the node died before its deploy snapshot: nothing of it was applied
        List<LevelEvent> journal = List.of(new LevelEvent.SpecAccepted(1, one.hash(), one.source(), one.filename(), one.dir(), null, one.specJson(), Map.of()),
                new LevelEvent.ConvergeStarted(1), new LevelEvent.Converged(1),
                new LevelEvent.SpecAccepted(2, "h2", one.source(), one.filename(), one.dir(), null, one.specJson(), Map.of()), new LevelEvent.ConvergeStarted(2));
        level.initialize(journal.toArray(new LevelEvent[0]));
        awaitConverged(2);
        assertEquals(1, deploySnapshots(store, data, 2), "taken on resume: a revert of revision 2 has its snapshot");

        // the node dies again after the snapshot (and the converge): a resume takes no second one, which would hold
        // what revision 2 changed
        level.initialize(journal.toArray(new LevelEvent[0]));
        awaitConverged(2);
        assertEquals(1, deploySnapshots(store, data, 2), "the one taken before is the one a revert goes back to");
    }

    private static long deploySnapshots(zed.reconciler.store.Store store, String dataset, long rev) {
        return store.snapshots(dataset).stream().filter(x -> zed.reconciler.dataset.Snapshots.deployRev(x.name()) == rev).count();
    }

    @Test
    void aRolloutsFirstRoundSnapshotsEveryDatasetOfTheLevel() throws Exception {
        push(SHOP);
        awaitConverged(1);
        TestProbe<zed.actors.resource.LevelDatasets.Snapshotted> probe = kit.createTestProbe();
        level.runCommand(new LevelCommand.SnapshotForRollout(7, probe.getRef()));
        zed.actors.resource.LevelDatasets.Snapshotted took = probe.receiveMessage(Duration.ofSeconds(30));
        assertEquals(null, took.error());
        assertTrue(took.snapshot().startsWith("zed-rollout-7-"), took.toString());
        zed.reconciler.store.Store store = host.store(level.getState().desiredSpec());
        String data = zed.reconciler.dataset.Planner.full(host.root(level.getState().desiredSpec()), "data");
        assertTrue(store.snapshots(data).stream().anyMatch(x -> x.name().equals(took.snapshot())), "the snapshot is on the dataset");
    }

    @Test
    void aRollbackBegunOnTheHostTheLevelFailedOverFromEndsHereInsteadOfResuming() throws Exception {
        push(SHOP);
        awaitConverged(1);
        RevisionLog.Revision one = level.getState().revisions().get(1L);
        // the same revision as evaluated for h2, which was rolling it back when it was lost: the journal the standby reads
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode spec = (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(one.specJson());
        spec.put("host", "h2");
        level.initialize(new LevelEvent.SpecAccepted(1, one.hash(), one.source(), one.filename(), one.dir(), null, json.writeValueAsString(spec), Map.of()),
                new LevelEvent.ConvergeStarted(1), new LevelEvent.Converged(1),
                new LevelEvent.RollbackStarted("rb-h2", "@deploy-1", 1, 1, false, java.time.Instant.now().plusSeconds(600)));

        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (level.getState().rollingBack()) {
            if (System.nanoTime() > deadline) throw new AssertionError("the rollback from h2 was resumed here: " + level.getState());
            Thread.sleep(50); // polling interval of a deadline wait
        }
        RevisionLog st = level.getState();
        assertEquals("Failed", st.phase());
        assertTrue(st.lastError().startsWith("rollback rb-h2 was under way on host h2 when the level failed over to " + host.config().cluster().host()),
                st.lastError());
    }

    @Test
    void aJournalOfTheFirstTrancheIsReadThroughTheMigration() throws Exception {
        Serialization serialization = SerializationExtension.get(kit.system());
        int jackson = serialization.serializerFor(RevisionLog.class).identifier();
        String oldEvent = "{\"revision\":3,\"hash\":\"abc\",\"source\":\"level \\\"shop\\\" {}\",\"filename\":\"Zedfile\",\"dir\":\"/srv/shop\","
                + "\"parent\":null,\"specJson\":\"{}\",\"ports\":{\"shop|x\":4000}}";
        Object event = serialization.deserialize(oldEvent.getBytes(StandardCharsets.UTF_8), jackson, "zed.actors.level.LevelEntity$SpecAccepted").get();
        assertEquals(new LevelEvent.SpecAccepted(3, "abc", "level \"shop\" {}", "Zedfile", "/srv/shop", null, "{}", Map.of("shop|x", 4000)), event);

        String oldState = "{\"level\":\"shop\",\"revision\":3,\"hash\":\"h3\",\"source\":\"s3\",\"filename\":\"Zedfile\",\"dir\":\"/srv/shop\","
                + "\"parent\":\"infra\",\"specJson\":\"{3}\",\"ports\":{},\"desired\":2,\"phase\":\"Converged\",\"stableRevision\":2,"
                + "\"stableSpecJson\":\"{2}\",\"lastError\":\"boom\",\"specs\":{\"2\":\"{2}\",\"3\":\"{3}\"},\"generation\":1}";
        RevisionLog log = (RevisionLog) serialization.deserialize(oldState.getBytes(StandardCharsets.UTF_8), jackson,
                "zed.actors.level.LevelEntity$State").get();
        assertEquals(3, log.revision());
        assertEquals(2, log.desired());
        assertEquals("Converged", log.phase());
        assertEquals(2, log.stableRevision());
        assertEquals("boom", log.lastError());
        assertEquals(new RevisionLog.Revision(3, "h3", "s3", "Zedfile", "/srv/shop", "infra", "{3}"), log.revisions().get(3L));
        assertEquals(new RevisionLog.Revision(2, null, null, null, null, null, "{2}"), log.revisions().get(2L));
        assertEquals("s3", log.source().source(), "an older revision without its source evaluates the newest's");
    }
}
