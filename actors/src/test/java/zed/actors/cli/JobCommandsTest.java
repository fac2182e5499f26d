package zed.actors.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.actors.Api;
import zed.actors.job.JobGpus;
import zed.actors.job.LoopbackTestCheckpoints;
import zed.actors.node.NodeConfig;
import zed.actors.node.ZedNode;
import zed.actors.telemetry.TelemetryConfig;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.NvidiaSmi;
import zed.reconciler.store.ProcessCommand;

import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code zed jobs} and {@code zed job} against a real node (in this JVM, on the dir store) running a real python3 job.
 * The node's GPU is a fake nvidia-smi (a script that prints an A10's CSV line) and its checkpoints go to
 * {@link LoopbackTestCheckpoints}, the test double of the checkpoint endpoint's seam, as in JobLevelTest.
 */
class JobCommandsTest {
    static final String A10 = "0, GPU-11111111-2222-3333-4444-555555555555, NVIDIA A10, 24576, 550.54.15";

    @TempDir
    Path tmp;
    ZedNode node;
    LoopbackTestCheckpoints checkpoints;
    /** The level's pool ("" for the node's dir store). */
    String root;
    zed.reconciler.store.ZfsStore zfs;
    final ObjectMapper json = new ObjectMapper();
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void start() throws Exception {
        root = pool();
        Path state = tmp.resolve("state");
        node = ZedNode.start(NodeConfig.defaults(state).withHttp("127.0.0.1", 0).withTelemetry(TelemetryConfig.defaults().withEndpoint("127.0.0.1", 0)));
        Path smi = tmp.resolve("nvidia-smi");
        Files.writeString(smi, "#!/bin/sh\necho '" + A10 + "'\n");
        Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
        HostInventory inventory = new HostInventory("h1", List.of(new NvidiaSmi(new ProcessCommand(), smi, Duration.ofSeconds(15))));
        node.host().gpus(new JobGpus(inventory::take));
        checkpoints = new LoopbackTestCheckpoints(store());
        node.host().checkpoints(checkpoints);
    }

    @AfterEach
    void stop() throws Exception {
        if (node != null) {
            send("DELETE", zed.actors.http.LevelPath.of("gpu"), null); // stops the job's process
            node.close();
        }
        if (checkpoints != null) checkpoints.close();
        if (zfs != null && !root.isEmpty()) zed.reconciler.store.TestPool.destroyTree(zfs, root);
    }

    /** The level's pool: here none, the node's dir store; {@link JobCommandsZfsTest} runs the same on zfs-fuse. */
    String pool() {
        return "";
    }

    zed.reconciler.store.Store store() {
        return node.host().store(root.isEmpty() ? null : root);
    }

    CliRun zed(String... args) {
        return CliRun.run(Map.of("ZED_HOME", tmp.resolve("home").toString(), "ZED_NODE", "http://127.0.0.1:" + node.httpPort(),
                "ZED_TOKEN", Api.token(node.config().stateDir())), args);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(Api.request(node.httpPort(), node.config().stateDir(), method, path, body).build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * A job that checkpoints steps 1 and 2 (its state file says which), then waits for a gate; started again with
     * ZED_RESUME_STEP, it records the step it got and what its state file held, and exits 0.
     */
    void pushJob(Path gate) throws Exception {
        Path py = tmp.resolve("job.py");
        Files.writeString(py, """
                import json, os, sys, time, urllib.request
                def checkpoint(step):
                    open("state", "w").write(str(step))
                    body = json.dumps({"step": step, "metrics": {"loss": 1.0 / (step * 4)}}).encode()
                    req = urllib.request.Request(os.environ["ZED_CHECKPOINT_URL"], data=body, method="POST",
                                                 headers={"Content-Type": "application/json"})
                    assert urllib.request.urlopen(req).status == 201
                if os.environ.get("ZED_RESUME_STEP"):
                    open("%s", "a").write(os.environ["ZED_RESUME_STEP"] + " " + open("state").read() + "\\n")
                    sys.exit(0)
                checkpoint(1)
                checkpoint(2)
                open("state", "w").write("3")
                while not os.path.exists("%s"):
                    time.sleep(0.05)
                """.formatted(resumes(), gate));
        String source = (root.isEmpty() ? "" : "level \"gpu\" {\n  pool = \"" + root + "\"\n}\n") + """
                dataset "models/m" {}
                dataset "runs/a" {}
                model "m" {
                  dataset  = "models/m"
                  requires = { vram = "8G" }
                }
                job "a" {
                  model   = model.m
                  dataset = "runs/a"
                  runtime { cmd = ["python3", "%s"] }
                }
                """.formatted(py);
        Files.createDirectories(tmp.resolve("gpu"));
        HttpResponse<String> r = send("PUT", zed.actors.http.LevelPath.of("gpu"), json.writeValueAsString(Map.of("source", source, "dir", tmp.resolve("gpu").toString())));
        assertEquals(200, r.statusCode(), r.body());
    }

    /** The job as {@code zed jobs --format json} shows it, once it satisfies {@code ok}, within a deadline. */
    JsonNode awaitJob(Predicate<JsonNode> ok) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        CliRun last = null;
        while (System.nanoTime() < deadline) {
            last = zed("jobs", "--format", "json");
            JsonNode jobs = last.exit() == 0 ? json.readTree(last.out()).path("jobs") : null;
            if (jobs != null && jobs.size() == 1 && ok.test(jobs.get(0))) return jobs.get(0);
            Thread.sleep(100); // polling interval of a deadline wait
        }
        throw new AssertionError("timed out; zed jobs said " + last);
    }

    /** Where the job records each resume: the step it got and what its state file held (outside its dataset, which rollbacks rewind). */
    Path resumes() {
        return tmp.resolve("resumes");
    }

    @Test
    void jobsListsTheRunningJobWithItsStepMetricsAndCheckpoints() throws Exception {
        CliRun none = zed("jobs");
        assertEquals(0, none.exit(), none.toString());
        assertEquals("no jobs\n", none.out());

        pushJob(tmp.resolve("gate"));
        JsonNode j = awaitJob(x -> x.path("state").asText().equals("Running") && x.path("step").asLong() == 2 && x.path("checkpoints").asInt() == 2);
        assertEquals("gpu", j.get("level").asText());
        assertEquals("a", j.get("job").asText());
        assertEquals(node.config().cluster().host(), j.get("host").asText());
        assertEquals("[\"GPU-11111111-2222-3333-4444-555555555555\"]", j.get("gpus").toString());
        assertEquals(0.125, j.get("metrics").get("loss").asDouble());
        assertEquals("ckpt-2", j.get("newest").asText());
        assertTrue(j.get("why").isNull(), j.toString());

        CliRun table = zed("jobs");
        assertEquals(0, table.exit(), table.toString());
        List<String> lines = List.of(table.out().split("\n"));
        assertEquals(2, lines.size(), table.out());
        assertEquals(List.of("LEVEL", "JOB", "STATE", "HOST", "GPUS", "STEP", "METRICS", "CHECKPOINTS"), List.of(lines.get(0).trim().split("\\s+")));
        List<String> row = List.of(lines.get(1).trim().split("\\s+"));
        assertEquals(List.of("gpu", "a", "Running", j.get("host").asText(), "GPU-11111111-2222-3333-4444-555555555555", "2", "loss=0.125", "2", "(newest", "ckpt-2)"), row);
        // the status's history: each kept checkpoint with the metrics read back from its snapshot (the dashboard's chart)
        assertEquals("[{\"step\":1,\"metrics\":{\"loss\":0.25}},{\"step\":2,\"metrics\":{\"loss\":0.125}}]", history().toString());
    }

    /** The job's {@code history} in the level's status. */
    JsonNode history() throws Exception {
        for (JsonNode r : json.readTree(send("GET", zed.actors.http.LevelPath.of("gpu"), null).body()).path("resources")) {
            if (r.path("kind").asText().equals("job")) return r.path("history");
        }
        throw new AssertionError("no job in the status");
    }

    @Test
    void rollbackTakesTheDatasetBackToTheCheckpointDestroysTheNewerOneAndRunsTheJobAgainFromIt() throws Exception {
        pushJob(tmp.resolve("gate")); // it never opens: the job runs until it is rolled back
        long pid = awaitJob(x -> x.path("state").asText().equals("Running") && x.path("checkpoints").asInt() == 2).path("step").asLong();
        assertEquals(2, pid);

        CliRun r = zed("job", "rollback", "a", "@ckpt-1");
        assertEquals(0, r.exit(), r.toString());
        assertEquals("gpu a: rolled back to ckpt-1 (step 1); destroyed with it: ckpt-2\n"
                + "  the job runs again from it with ZED_RESUME_STEP=1 (zed jobs shows it)\n", r.out());
        JsonNode j = awaitJob(x -> x.path("state").asText().equals("Succeeded"));
        assertEquals(1, j.path("step").asLong(), j.toString());
        assertEquals(1, j.path("checkpoints").asInt(), j.toString());
        assertEquals("[{\"step\":1,\"metrics\":{\"loss\":0.25}}]", history().toString(), "the destroyed checkpoint is gone from the history too");
        assertEquals(List.of("ckpt-1"), store().snapshots(zed.reconciler.dataset.Planner.full(root, "runs/a")).stream().map(zed.reconciler.store.Snapshot::name).toList());
        // it got step 1, and its state file as ckpt-1 holds it (the running process had written 3 since)
        assertEquals("1 1\n", Files.readString(resumes()));
        JsonNode e = Api.event(node.httpPort(), node.config().stateDir(), "gpu", x -> x.path("type").asText().equals("JobRolledBack"));
        assertEquals("ckpt-1", e.path("snapshot").asText(), e.toString());
        assertEquals("[\"ckpt-2\"]", e.path("destroyed").toString(), e.toString());
        JsonNode restarted = Api.event(node.httpPort(), node.config().stateDir(), "gpu", x -> x.path("type").asText().equals("JobRestarted"));
        assertEquals("rolled back to ckpt-1", restarted.path("after").asText(), restarted.toString());
        assertEquals(1, restarted.path("resumedAt").asLong(), restarted.toString());

        // a job that succeeded runs again from the checkpoint it is rolled back to
        CliRun again = zed("job", "rollback", "a", "ckpt-1");
        assertEquals(0, again.exit(), again.toString());
        assertTrue(again.out().startsWith("gpu a: rolled back to ckpt-1 (step 1); no newer snapshot to destroy\n"), again.out());
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.readString(resumes()).equals("1 1\n1 1\n")) {
            if (System.nanoTime() > deadline) throw new AssertionError("it did not run again: " + Files.readString(resumes()));
            Thread.sleep(100); // polling interval of a deadline wait
        }
        awaitJob(x -> x.path("state").asText().equals("Succeeded"));
    }

    @Test
    void rollbackRefusesAnUnknownJobANameThatIsNotOneOfItsCheckpointsAndMove() throws Exception {
        pushJob(tmp.resolve("gate"));
        awaitJob(x -> x.path("state").asText().equals("Running") && x.path("checkpoints").asInt() == 2);

        CliRun unknown = zed("job", "rollback", "nope", "@ckpt-1");
        assertEquals(1, unknown.exit(), unknown.toString());
        assertEquals("zed: no job named nope; the jobs are (level job): gpu a\n", unknown.err());
        CliRun notThere = zed("job", "rollback", "--level", "gpu", "nope", "@ckpt-1");
        assertEquals(1, notThere.exit(), notThere.toString());
        assertEquals("level gpu has no job nope; its jobs are a\n", notThere.err());
        CliRun notACheckpoint = zed("job", "rollback", "a", "@ckpt-7");
        assertEquals(1, notACheckpoint.exit(), notACheckpoint.toString());
        assertEquals("ckpt-7 is not a checkpoint of the job; its checkpoints are ckpt-1, ckpt-2\n", notACheckpoint.err());
        // a move, to a host that is not a member, and to the host it runs on: refused before anything stops
        CliRun move = zed("job", "move", "a", "--to", "h2");
        assertEquals(1, move.exit(), move.toString());
        assertTrue(move.err().startsWith("host \"h2\" is not a member of the cluster (members: "), move.err());
        CliRun here = zed("job", "move", "a", "--to", node.config().cluster().host());
        assertEquals(1, here.exit(), here.toString());
        assertEquals("job a runs on " + node.config().cluster().host() + " already\n", here.err());
        // nothing of it happened: both checkpoints are there, the job runs on
        JsonNode j = awaitJob(x -> x.path("state").asText().equals("Running"));
        assertEquals(2, j.path("checkpoints").asInt(), j.toString());
        assertEquals(2, j.path("step").asLong(), j.toString());
    }

    @Test
    void jobsSaysWhenNoNodeAnswers() throws Exception {
        int port = node.httpPort();
        node.close();
        node = null;
        CliRun r = CliRun.run(Map.of("ZED_HOME", tmp.resolve("home").toString(), "ZED_NODE", "http://127.0.0.1:" + port, "ZED_TOKEN", "e0".repeat(20)), "jobs");
        assertEquals(1, r.exit(), r.toString());
        assertTrue(r.err().startsWith("zed: no node answers at http://127.0.0.1:" + port), r.err());
    }
}
