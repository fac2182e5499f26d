package zed.actors.job;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.job.NodeCheckpoints.Answer;
import zed.actors.telemetry.ZedMetrics;
import zed.reconciler.store.DirStore;
import zed.reconciler.store.Snapshot;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoint against the dir store (the same Store contract as ZFS; CheckpointNodeTest runs it on zfs-fuse): the
 * snapshots and their properties, pruning, closed URLs, refused steps, and two POSTs of one job at once.
 */
class NodeCheckpointsTest {
    static final CheckpointEndpoint.JobKey JOB = new CheckpointEndpoint.JobKey("lab", "train");

    @TempDir
    Path tmp;
    DirStore store;
    ExecutorService zfs;
    NodeCheckpoints endpoint;
    final List<String> journaled = Collections.synchronizedList(new ArrayList<>());
    final List<CheckpointEndpoint.Taken> taken = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() {
        store = new DirStore(tmp.resolve("store"));
        store.create("runs", Map.of());
        store.create("runs/train", Map.of());
        zfs = Executors.newFixedThreadPool(4);
        endpoint = new NodeCheckpoints(zfs, (level, job, step, snapshot, metrics) -> journaled.add(level + " " + job + " " + step + " " + snapshot + " " + metrics),
                ZedMetrics.noop());
        endpoint.bound("127.0.0.1", 7799);
    }

    CheckpointEndpoint.Run open(int keep) {
        return endpoint.in(store).open(JOB, "runs/train", keep, taken::add);
    }

    static String token(CheckpointEndpoint.Run run) {
        return run.url().substring(run.url().lastIndexOf('/') + 1);
    }

    Answer post(CheckpointEndpoint.Run run, String body) throws Exception {
        return endpoint.post(token(run), body).get(30, TimeUnit.SECONDS);
    }

    Map<String, Map<String, String>> snapshots() {
        Map<String, Map<String, String>> out = new java.util.LinkedHashMap<>();
        for (Snapshot s : store.snapshots("runs/train")) out.put(s.name(), s.zedState());
        return out;
    }

    @Test
    void eachCheckpointIsASnapshotWithItsPropertiesAndTheOldestBeyondKeepGo() throws Exception {
        CheckpointEndpoint.Run run = open(2);
        assertTrue(run.url().matches("http://127\\.0\\.0\\.1:7799/v1/checkpoints/[A-Za-z0-9_-]{43}"), run.url());
        Files.writeString(store.mountpoint("runs/train").resolve("state"), "10");
        assertEquals(new Answer.Checkpointed("runs/train@ckpt-10", 10), post(run, "{\"step\": 10, \"metrics\": {\"loss\": 0.5, \"acc\": 0.25}}"));
        assertEquals(Map.of("com.zed:ckpt.step", "10", "com.zed:metric.loss", "0.5", "com.zed:metric.acc", "0.25"), snapshots().get("ckpt-10"));
        assertEquals(new Answer.Checkpointed("runs/train@ckpt-20", 20), post(run, "{\"step\": 20, \"metrics\": {\"loss\": 0.0023}}"));
        assertEquals(List.of("ckpt-10", "ckpt-20"), List.copyOf(snapshots().keySet()));
        assertEquals(new Answer.Checkpointed("runs/train@ckpt-30", 30), post(run, "{\"step\": 30}"));
        assertEquals(List.of("ckpt-20", "ckpt-30"), List.copyOf(snapshots().keySet()), "keep = 2: the oldest went");
        assertEquals(Map.of("com.zed:ckpt.step", "30"), snapshots().get("ckpt-30"));

        assertEquals(List.of("lab train 10 runs/train@ckpt-10 {loss=0.5, acc=0.25}", "lab train 20 runs/train@ckpt-20 {loss=0.0023}",
                "lab train 30 runs/train@ckpt-30 {}"), journaled);
        assertEquals(List.of(new CheckpointEndpoint.Taken("runs/train@ckpt-10", 10, Map.of("loss", 0.5, "acc", 0.25)),
                new CheckpointEndpoint.Taken("runs/train@ckpt-20", 20, Map.of("loss", 0.0023)),
                new CheckpointEndpoint.Taken("runs/train@ckpt-30", 30, Map.of())), taken);
    }

    @Test
    void aStepNotAfterTheLastAndABadBodyAreRefusedAndTakeNothing() throws Exception {
        CheckpointEndpoint.Run run = open(5);
        post(run, "{\"step\": 7}");
        Answer a = post(run, "{\"step\": 7}");
        assertEquals(new Answer.Refused("step 7 is not after the last checkpoint's, 7: a step grows with each checkpoint"), a);
        assertInstanceOf(Answer.Refused.class, post(run, "{\"step\": 3}"));
        assertInstanceOf(Answer.Refused.class, post(run, "{\"step\": 8, \"metric\": {}}"));
        assertInstanceOf(Answer.Refused.class, post(run, "not json"));
        assertEquals(List.of("ckpt-7"), List.copyOf(snapshots().keySet()));
        assertEquals(1, journaled.size());
    }

    @Test
    void theLastCheckpointIsReadFromTheDatasetSoANewRunGoesOnFromIt() throws Exception {
        CheckpointEndpoint.Run first = open(5);
        post(first, "{\"step\": 4}");
        first.close();
        CheckpointEndpoint.Run second = open(5);
        assertInstanceOf(Answer.Refused.class, post(second, "{\"step\": 4}"));
        assertInstanceOf(Answer.Checkpointed.class, post(second, "{\"step\": 5}"));
    }

    @Test
    void aClosedUrlAndAnUnknownOneAnswerTheSame() throws Exception {
        CheckpointEndpoint.Run run = open(5);
        String token = token(run);
        assertEquals(1, endpoint.open());
        run.close();
        assertEquals(0, endpoint.open());
        assertEquals(new Answer.Unknown(), endpoint.post(token, "{\"step\": 1}").get(30, TimeUnit.SECONDS));
        assertEquals(new Answer.Unknown(), endpoint.post(CheckpointToken.generate(), "{\"step\": 1}").get(30, TimeUnit.SECONDS));
        assertEquals(new Answer.Unknown(), endpoint.post("../../etc", "{\"step\": 1}").get(30, TimeUnit.SECONDS));
        assertTrue(snapshots().isEmpty());
        assertFalse(run.url().isEmpty(), "a closed run still says its URL; it only answers 404");
    }

    @Test
    void anOperatorsSnapshotUnderACheckpointsNameIsLeftAlone() throws Exception {
        store.snapshot(List.of("runs/train"), "ckpt-9", Map.of());
        CheckpointEndpoint.Run run = open(1);
        Answer a = post(run, "{\"step\": 9}");
        assertInstanceOf(Answer.Clash.class, a);
        assertTrue(((Answer.Clash) a).why().startsWith("runs/train@ckpt-9 exists and is not a checkpoint"), a.toString());
        post(run, "{\"step\": 10}");
        post(run, "{\"step\": 11}");
        assertEquals(List.of("ckpt-9", "ckpt-11"), List.copyOf(snapshots().keySet()), "keep = 1 counts checkpoints only, and destroys none of the operator's");
    }

    @Test
    void twoPostsOfOneJobAtOnceAreTakenOneAfterTheOther() throws Exception {
        CheckpointEndpoint.Run run = open(50);
        String token = token(run);
        for (int round = 1; round <= 10; round++) {
            String body = "{\"step\": " + round + "}";
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Answer>> answers = new ArrayList<>();
            ExecutorService clients = Executors.newFixedThreadPool(2);
            for (int i = 0; i < 2; i++) {
                answers.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                    return endpoint.post(token, body).join();
                }, clients));
            }
            go.countDown();
            List<Answer> got = new ArrayList<>();
            for (CompletableFuture<Answer> f : answers) got.add(f.get(30, TimeUnit.SECONDS));
            clients.shutdown();
            assertEquals(1, got.stream().filter(a -> a instanceof Answer.Checkpointed).count(), "one takes step " + round + ": " + got);
            String seen = "step " + round + " is not after";
            assertEquals(1, got.stream().filter(a -> a instanceof Answer.Refused r && r.why().startsWith(seen)).count(),
                    "the other sees its step: " + got);
        }
        assertEquals(10, snapshots().size());
    }

    @Test
    void aRunIsOpenedOnlyForADatasetNameAndAKeepOfOneOrMore() {
        assertThrows(IllegalArgumentException.class, () -> endpoint.in(store).open(JOB, "runs/train", 0, t -> { }));
        assertThrows(RuntimeException.class, () -> endpoint.in(store).open(JOB, "../x", 1, t -> { }));
    }
}
