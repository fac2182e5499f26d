package zed.chaos;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import zed.reconciler.gpu.Gpu;
import zed.reconciler.gpu.HostInventory;
import zed.reconciler.gpu.Inventory;
import zed.reconciler.gpu.VulkanDevices;
import zed.reconciler.job.CheckpointPost;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.lwjgl.util.shaderc.Shaderc.*;

/**
 * examples/gpu as a job runs it, on Mesa's lavapipe (a CPU Vulkan device that ZED_GPU_INCLUDE_CPU=1 lets count as a
 * GPU), without a node: the program is started as the job actor starts it (cwd = its dataset, the placement's
 * variables, ZED_CHECKPOINT_URL), against a loopback stand-in for the node's checkpoint endpoint that reads each POST
 * with Zed's own parser and copies the state file as the snapshot would, so that the program's own faults show here
 * in seconds (GpuJobTest runs it through a real node). Skips without lavapipe, unless ZED_REQUIRE_VULKAN=1.
 */
class GpuExampleTest {
    static final int EVERY = 50; // --checkpoint-every: small data, a few seconds of training
    static final List<String> SHAPE = List.of("--samples", "1024", "--features", "8", "--checkpoint-every", String.valueOf(EVERY));

    @TempDir
    Path tmp;
    final List<Process> started = new ArrayList<>();
    HttpServer server;

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        if (server != null) server.stop(0);
    }

    static Path repo() {
        return ZedProcess.bin().getParent().getParent();
    }

    static Path example() {
        return repo().resolve("examples/gpu");
    }

    /** lavapipe as the inventory lists it with ZED_GPU_INCLUDE_CPU=1, and its Vulkan index. */
    record Device(Gpu gpu, int vulkanIndex) {
    }

    static Device lavapipe() {
        Inventory inv = new HostInventory("ci", List.of(new VulkanDevices(null, "1"))).take();
        Gpu g = inv.facts().gpus().stream().filter(x -> x.name().startsWith("llvmpipe")).findFirst().orElse(null);
        if (g == null) {
            String why = "no lavapipe: " + inv.json();
            if ("1".equals(System.getenv("ZED_REQUIRE_VULKAN"))) throw new AssertionError("ZED_REQUIRE_VULKAN=1, but " + why);
            Assumptions.abort(why + "; apt-get install mesa-vulkan-drivers libvulkan1");
        }
        return new Device(g, inv.vulkanIndex().get(g.deviceId()));
    }

    /** What the job actor gives the job (the contract in docs/gpu.md), on lavapipe. */
    static Map<String, String> placedOn(Device d, String checkpointUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("ZED_VULKAN_DEVICE", String.valueOf(d.vulkanIndex()));
        env.put("ZED_GPU_UUIDS", d.gpu().uuid());
        env.put("CUDA_VISIBLE_DEVICES", "");
        if (checkpointUrl != null) env.put("ZED_CHECKPOINT_URL", checkpointUrl);
        return env;
    }

    /** The program from source, as the Zedfile runs it: java -cp zed.jar Train.java, in the job's dataset. */
    Process train(Path dataset, Map<String, String> env, Path spirv, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("java", "-cp", repo().resolve("actors/target/zed.jar").toString(),
                example().resolve("Train.java").toString(), "--spirv", spirv.toString()));
        cmd.addAll(SHAPE);
        cmd.addAll(List.of(args));
        Files.createDirectories(dataset);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dataset.toFile());
        pb.environment().keySet().removeAll(List.of("ZED_RESUME_STEP", "ZED_VULKAN_DEVICE", "ZED_GPU_UUIDS", "ZED_CHECKPOINT_URL"));
        pb.environment().putAll(env);
        int n = started.size();
        pb.redirectOutput(tmp.resolve("train-" + n + ".out").toFile()).redirectError(tmp.resolve("train-" + n + ".err").toFile());
        Process p = pb.start();
        started.add(p);
        return p;
    }

    String output(Process p) throws IOException {
        int n = started.indexOf(p);
        return "--- stdout ---\n" + Files.readString(tmp.resolve("train-" + n + ".out")) + "--- stderr ---\n" + Files.readString(tmp.resolve("train-" + n + ".err"));
    }

    int exit(Process p, Duration limit) throws Exception {
        assertTrue(p.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS), "still running after " + limit + "\n" + output(p));
        return p.exitValue();
    }

    /** One acknowledged checkpoint: its step, its loss, and the state file as the snapshot holds it. */
    record Ack(long step, double loss, Path snapshot) {
    }

    /**
     * A stand-in for the node's checkpoint endpoint (CheckpointEndpoint): Zed's parser decides 201 or 400, and before
     * a 201 the job's state file is copied, as the snapshot ckpt-N would hold it. A state file whose step is not the
     * POST's is a job that POSTed before flushing: the endpoint answers 400, and the test fails.
     */
    final class StandIn {
        final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
        final List<String> refused = new java.util.concurrent.CopyOnWriteArrayList<>();
        volatile OptionalLong last = OptionalLong.empty();
        final String url;

        StandIn(Path dataset, Path snapshots) throws IOException {
            Files.createDirectories(snapshots);
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            server.createContext("/v1/checkpoints/stand-in-token", x -> answer(x, dataset, snapshots));
            server.start();
            url = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1/checkpoints/stand-in-token";
        }

        private synchronized void answer(HttpExchange x, Path dataset, Path snapshots) throws IOException {
            String body = new String(x.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int code;
            String reply;
            if (!x.getRequestMethod().equals("POST")) {
                code = 405;
                reply = "{\"error\":\"POST\"}";
            } else if (!String.valueOf(x.getRequestHeaders().getFirst("Content-Type")).startsWith("application/json")) {
                code = 415;
                reply = "{\"error\":\"Content-Type: application/json\"}";
            } else if (CheckpointPost.read(body, last) instanceof CheckpointPost.Accepted a) {
                long step = a.checkpoint().step();
                String state = Files.readString(dataset.resolve("state.txt"));
                if (!state.contains("\nstep " + step + "\n")) {
                    code = 400;
                    reply = "{\"error\":\"state.txt does not hold step " + step + "\"}";
                } else {
                    Path snap = snapshots.resolve("ckpt-" + step);
                    Files.copy(dataset.resolve("state.txt"), snap);
                    last = OptionalLong.of(step);
                    acks.add(new Ack(step, Double.parseDouble(a.checkpoint().metrics().get("loss")), snap));
                    code = 201;
                    reply = "{\"snapshot\":\"runs/train@ckpt-" + step + "\",\"step\":" + step + "}";
                }
            } else {
                code = 400;
                reply = "{\"error\":\"" + ((CheckpointPost.Rejected) CheckpointPost.read(body, last)).why().replace("\"", "'") + "\"}";
            }
            if (code != 201) refused.add(code + " " + body + " " + reply);
            byte[] b = reply.getBytes(StandardCharsets.UTF_8);
            x.getResponseHeaders().set("Content-Type", "application/json");
            x.sendResponseHeaders(code, b.length);
            x.getResponseBody().write(b);
            x.close();
        }

        Ack next(Process p, Duration limit) throws Exception {
            Ack a = acks.poll(limit.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(a != null, "no checkpoint within " + limit + "; refused: " + refused + "\n" + output(p));
            return a;
        }
    }

    static void assertFalling(List<Ack> acks) {
        for (int i = 1; i < acks.size(); i++) {
            assertTrue(acks.get(i).step() > acks.get(i - 1).step() && acks.get(i).loss() < acks.get(i - 1).loss(), "not falling: " + acks);
        }
    }

    static void signal(Process p, String name) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-" + name, String.valueOf(p.pid())).inheritIO().start().waitFor());
    }

    @Test
    void checkpointsToAStandInEndpointIsKilledWithKill9AndResumesFromItsLastCheckpointWithTheLossStillFalling() throws Exception {
        Device d = lavapipe();
        Path dataset = tmp.resolve("dataset");
        StandIn endpoint = new StandIn(dataset, tmp.resolve("snapshots"));
        Path spirv = example().resolve("train.spv");

        Process first = train(dataset, placedOn(d, endpoint.url), spirv, "--steps", "1000000");
        List<Ack> before = new ArrayList<>();
        while (before.size() < 3) before.add(endpoint.next(first, Duration.ofSeconds(180)));
        assertEquals(List.of((long) EVERY, 2L * EVERY, 3L * EVERY), before.stream().map(Ack::step).toList(), "the schedule, every " + EVERY + " steps");
        // SIGUSR1: a checkpoint at the next step, off the schedule
        signal(first, "USR1");
        Ack asked;
        do {
            asked = endpoint.next(first, Duration.ofSeconds(60));
            before.add(asked);
        } while (asked.step() % EVERY == 0);
        first.destroyForcibly(); // SIGKILL, mid-run
        assertEquals(137, exit(first, Duration.ofSeconds(30)));
        Ack more;
        while ((more = endpoint.acks.poll()) != null) before.add(more); // any acknowledged before the kill
        assertFalling(before);
        String out = output(first);
        assertTrue(out.contains("device: llvmpipe") && out.contains("Vulkan device " + d.vulkanIndex() + ", CPU"), out);
        assertTrue(endpoint.refused.isEmpty(), endpoint.refused.toString());

        // the rollback: the dataset as its newest checkpoint holds it
        Ack last = before.get(before.size() - 1);
        Files.copy(last.snapshot(), dataset.resolve("state.txt"), StandardCopyOption.REPLACE_EXISTING);

        // a ZED_RESUME_STEP that is not the state's is refused, loudly, before any training
        Map<String, String> wrong = placedOn(d, endpoint.url);
        wrong.put("ZED_RESUME_STEP", String.valueOf(last.step() - 1));
        Process refused = train(dataset, wrong, spirv, "--steps", "1000000");
        assertEquals(2, exit(refused, Duration.ofSeconds(180)), output(refused));
        assertTrue(output(refused).contains("ZED_RESUME_STEP=" + (last.step() - 1) + " but state.txt holds step " + last.step()), output(refused));

        Map<String, String> resume = placedOn(d, endpoint.url);
        resume.put("ZED_RESUME_STEP", String.valueOf(last.step()));
        long end = last.step() + 3 * EVERY;
        Process second = train(dataset, resume, spirv, "--steps", String.valueOf(end));
        assertEquals(0, exit(second, Duration.ofSeconds(180)), output(second));
        out = output(second);
        assertTrue(out.contains("resuming from step " + last.step()), out);
        List<Ack> after = new ArrayList<>(List.of(last));
        while ((more = endpoint.acks.poll()) != null) after.add(more);
        assertTrue(after.size() >= 4, "checkpoints after the resume: " + after);
        assertEquals(end, after.get(after.size() - 1).step(), "the last checkpoint is the last step's");
        assertFalling(after);
        assertTrue(Files.readString(dataset.resolve("state.txt")).contains("\nstep " + end + "\n"));
        // each step's GPU loss matched the CPU's (the program exits 3 otherwise): shown beside it
        assertTrue(out.matches("(?s).*step " + end + " loss [0-9.e-]+ \\(cpu [0-9.e-]+\\).*"), out);
        assertTrue(out.contains("\"throughput\":{\"device\":\"llvmpipe"), out);
        assertTrue(endpoint.refused.isEmpty(), endpoint.refused.toString());
    }

    @Test
    void aShaderThatComputesTheWrongGradientFailsTheCpuCheckAtTheFirstStepOnTheDeviceOfZedGpuUuids() throws Exception {
        Device d = lavapipe();
        // the target scaled by 0.5 in the shader: the residual, and so the loss and gradient, differ from the CPU's
        String broken = Files.readString(example().resolve("train.comp")).replace("r = p - y[i];", "r = p - 0.5 * y[i];");
        assertFalse(broken.equals(Files.readString(example().resolve("train.comp"))), "train.comp changed: adapt the test's edit");
        Path spirv = tmp.resolve("broken.spv");
        Files.write(spirv, compile(broken));
        // and the device found by its deviceUUID alone, as where the loader did not list it for the node
        Map<String, String> env = placedOn(d, null);
        env.remove("ZED_VULKAN_DEVICE");
        env.put("ZED_GPU_UUIDS", d.gpu().uuid().toUpperCase(java.util.Locale.ROOT));
        Process p = train(tmp.resolve("dataset"), env, spirv, "--steps", "10");
        assertEquals(3, exit(p, Duration.ofSeconds(180)), output(p));
        assertTrue(output(p).contains("device: llvmpipe") && output(p).contains("Vulkan device " + d.vulkanIndex() + ", CPU"), output(p));
        assertTrue(output(p).contains("train: step 0: the GPU's step differs from the CPU's: loss"), output(p));
    }

    @Test
    void theCommittedSpirvIsTrainCompCompiledByShaderc() throws Exception {
        byte[] built = compile(Files.readString(example().resolve("train.comp")));
        // after an edit to train.comp: -Dzed.gpu.writeSpirv=true writes the new bytes (README.md, "Rebuilding train.spv")
        if (Boolean.getBoolean("zed.gpu.writeSpirv")) Files.write(example().resolve("train.spv"), built);
        byte[] committed = Files.readAllBytes(example().resolve("train.spv"));
        assertEquals(0x07230203, ByteBuffer.wrap(committed).order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0), "SPIR-V's magic number");
        assertArrayEquals(built, committed, "train.spv is not train.comp compiled: rebuild it (examples/gpu/README.md)");
    }

    /** train.comp to SPIR-V with lwjgl-shaderc: Vulkan 1.1, optimised for performance, no debug information (README.md). */
    static byte[] compile(String glsl) {
        long compiler = shaderc_compiler_initialize();
        long options = shaderc_compile_options_initialize();
        try {
            shaderc_compile_options_set_optimization_level(options, shaderc_optimization_level_performance);
            shaderc_compile_options_set_target_env(options, shaderc_target_env_vulkan, shaderc_env_version_vulkan_1_1);
            long result = shaderc_compile_into_spv(compiler, glsl, shaderc_glsl_compute_shader, "train.comp", "main", options);
            try {
                assertEquals(shaderc_compilation_status_success, shaderc_result_get_compilation_status(result), shaderc_result_get_error_message(result));
                ByteBuffer b = shaderc_result_get_bytes(result);
                byte[] out = new byte[b.remaining()];
                b.get(out);
                return out;
            } finally {
                shaderc_result_release(result);
            }
        } finally {
            shaderc_compile_options_release(options);
            shaderc_compiler_release(compiler);
        }
    }

    @Test
    void zedInventoryListsLavapipeAsAGpuOnlyWithZedGpuIncludeCpu() throws Exception {
        Device d = lavapipe();
        ZedProcess.Outcome with = ZedProcess.run(tmp, Map.of("ZED_GPU_INCLUDE_CPU", "1"), "inventory", "--format", "json");
        assertEquals(0, with.exit(), with.toString());
        assertTrue(with.out().contains("\"vram_mb\":" + d.gpu().vramMb() + ",\"driver\":\"" + d.gpu().driver() + "\",\"uuid\":\"" + d.gpu().uuid()
                + "\",\"source\":\"vulkan\",\"vulkan_index\":" + d.vulkanIndex() + "}"), with.toString());
        assertTrue(d.gpu().vramMb() > 0 && d.gpu().uuid().matches("[0-9a-f-]{36}"), d.toString());
        ZedProcess.Outcome without = ZedProcess.run(tmp, Map.of("ZED_GPU_INCLUDE_CPU", "0"), "inventory", "--format", "json");
        assertEquals(0, without.exit(), without.toString());
        assertFalse(without.out().contains("\"uuid\":\"" + d.gpu().uuid()), without.toString());
        assertTrue(without.out().contains("is a cpu device, not a GPU"), without.toString());
    }

    @Test
    void theExampleZedfileIsValid() throws Exception {
        // a node runs model and job blocks now: nothing in the example may be refused
        ZedProcess.Outcome v = ZedProcess.run(repo(), Map.of(), "validate", "examples/gpu");
        assertEquals(0, v.exit(), v.toString());
    }
}
