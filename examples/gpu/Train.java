import org.lwjgl.PointerBuffer;
import org.lwjgl.system.MemoryStack;
import org.lwjgl.system.MemoryUtil;
import org.lwjgl.vulkan.VkApplicationInfo;
import org.lwjgl.vulkan.VkBufferCopy;
import org.lwjgl.vulkan.VkBufferCreateInfo;
import org.lwjgl.vulkan.VkCommandBuffer;
import org.lwjgl.vulkan.VkCommandBufferAllocateInfo;
import org.lwjgl.vulkan.VkCommandBufferBeginInfo;
import org.lwjgl.vulkan.VkCommandPoolCreateInfo;
import org.lwjgl.vulkan.VkComputePipelineCreateInfo;
import org.lwjgl.vulkan.VkDescriptorBufferInfo;
import org.lwjgl.vulkan.VkDescriptorPoolCreateInfo;
import org.lwjgl.vulkan.VkDescriptorPoolSize;
import org.lwjgl.vulkan.VkDescriptorSetAllocateInfo;
import org.lwjgl.vulkan.VkDescriptorSetLayoutBinding;
import org.lwjgl.vulkan.VkDescriptorSetLayoutCreateInfo;
import org.lwjgl.vulkan.VkDevice;
import org.lwjgl.vulkan.VkDeviceCreateInfo;
import org.lwjgl.vulkan.VkDeviceQueueCreateInfo;
import org.lwjgl.vulkan.VkFenceCreateInfo;
import org.lwjgl.vulkan.VkInstance;
import org.lwjgl.vulkan.VkInstanceCreateInfo;
import org.lwjgl.vulkan.VkMemoryAllocateInfo;
import org.lwjgl.vulkan.VkMemoryBarrier;
import org.lwjgl.vulkan.VkMemoryRequirements;
import org.lwjgl.vulkan.VkPhysicalDevice;
import org.lwjgl.vulkan.VkPhysicalDeviceIDProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceMemoryProperties;
import org.lwjgl.vulkan.VkPhysicalDeviceProperties2;
import org.lwjgl.vulkan.VkPipelineLayoutCreateInfo;
import org.lwjgl.vulkan.VkPipelineShaderStageCreateInfo;
import org.lwjgl.vulkan.VkPushConstantRange;
import org.lwjgl.vulkan.VkQueue;
import org.lwjgl.vulkan.VkQueueFamilyProperties;
import org.lwjgl.vulkan.VkShaderModuleCreateInfo;
import org.lwjgl.vulkan.VkSubmitInfo;
import org.lwjgl.vulkan.VkWriteDescriptorSet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.lwjgl.vulkan.VK11.*;

/**
 * Zed's GPU example job: trains a linear regression by gradient descent, for real, on the Vulkan device that Zed
 * placed it on ({@code ZED_VULKAN_DEVICE}, else the device whose deviceUUID is in {@code ZED_GPU_UUIDS}). Each step
 * runs train.spv (compiled from train.comp), which sums the gradient and the squared error over the samples; the
 * same step is computed on the CPU in double, and a difference beyond a tolerance stops the run (exit 3).
 *
 * <p>It keeps its state (the step, the weights) in state.txt in its working directory, the job's dataset, and
 * checkpoints through Zed: every {@code --checkpoint-every} steps and when asked with SIGUSR1, it writes the state and
 * POSTs {@code {"step": N, "metrics": {"loss": L}}} to {@code ZED_CHECKPOINT_URL}; with {@code ZED_RESUME_STEP=N}
 * (Zed rolled the dataset back to ckpt-N) it goes on from state.txt, which must hold step N. It exits 0 at
 * {@code --steps}. Run it from source: {@code java -cp actors/target/zed.jar examples/gpu/Train.java} (zed.jar
 * holds LWJGL, its Vulkan bindings and natives). See README.md.
 */
public class Train {
    static final int GROUP = 256; // train.comp's local_size_x
    static final String STATE = "state.txt";

    /** The run's shape, from the command line. */
    record Options(int samples, int features, long steps, long checkpointEvery, double rate, long seed, Path spirv) {
        static Options parse(String[] args) {
            int samples = 4096, features = 16;
            long steps = 2000, every = 100, seed = 7;
            double rate = 0.5;
            Path spirv = null;
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (i + 1 >= args.length) throw new Fail(2, "option " + a + " needs a value");
                String v = args[++i];
                try {
                    switch (a) {
                        case "--samples" -> samples = Integer.parseInt(v);
                        case "--features" -> features = Integer.parseInt(v);
                        case "--steps" -> steps = Long.parseLong(v);
                        case "--checkpoint-every" -> every = Long.parseLong(v);
                        case "--rate" -> rate = Double.parseDouble(v);
                        case "--seed" -> seed = Long.parseLong(v);
                        case "--spirv" -> spirv = Path.of(v);
                        default -> throw new Fail(2, "unknown option " + a + " (--samples --features --steps --checkpoint-every --rate --seed --spirv)");
                    }
                } catch (NumberFormatException e) {
                    throw new Fail(2, "option " + a + " takes a number, not " + v);
                }
            }
            if (spirv == null) throw new Fail(2, "--spirv PATH is required: train.spv, beside train.comp");
            if (samples < 1 || features < 1 || steps < 0 || every < 1) throw new Fail(2, "--samples, --features and --checkpoint-every are at least 1, --steps at least 0");
            return new Options(samples, features, steps, every, rate, seed, spirv);
        }

        String shape() {
            return "samples=" + samples + " features=" + features + " seed=" + seed + " rate=" + rate;
        }
    }

    /** A failure with the exit code it ends the run with. */
    static final class Fail extends RuntimeException {
        final int exit;

        Fail(int exit, String message) {
            super(message);
            this.exit = exit;
        }
    }

    /** The loss and gradient at some weights: what one step computes. */
    record Step(double loss, double[] gradient) {
    }

    public static void main(String[] args) {
        try {
            System.exit(run(Options.parse(args)));
        } catch (Fail f) {
            System.err.println("train: " + f.getMessage());
            System.exit(f.exit);
        }
    }

    static int run(Options o) {
        // Java SE has no API for POSIX signals; sun.misc.Signal (module jdk.unsupported, kept working on purpose in
        // every JDK since) is the one way without native code. SIGUSR1's default action would end the process.
        AtomicBoolean asked = new AtomicBoolean();
        sun.misc.Signal.handle(new sun.misc.Signal("USR1"), s -> asked.set(true));

        Data data = Data.of(o);
        long step = 0;
        double[] w = new double[o.features + 1];
        String resume = System.getenv("ZED_RESUME_STEP");
        if (resume != null) {
            long want;
            try {
                want = Long.parseLong(resume.strip());
            } catch (NumberFormatException e) {
                throw new Fail(2, "ZED_RESUME_STEP=" + resume + " is not a step");
            }
            State s = State.read(Path.of(STATE), o);
            if (s.step != want) {
                throw new Fail(2, "ZED_RESUME_STEP=" + want + " but " + STATE + " holds step " + s.step
                        + ": the dataset is not the checkpoint's, refusing to train on from it");
            }
            step = s.step;
            w = s.weights;
            System.out.println("resuming from step " + step + " (" + STATE + ")");
        } else if (Files.exists(Path.of(STATE))) {
            System.out.println(STATE + " exists but ZED_RESUME_STEP is not set: starting from step 0");
        }

        Checkpoints ckpt = new Checkpoints(System.getenv("ZED_CHECKPOINT_URL"));
        long last = step; // the newest checkpoint: the state we resumed from is one
        long gpuNanos = 0, cpuNanos = 0, stepsRun = 0;
        try (Gpu gpu = Gpu.open(o, data)) {
            System.out.println("device: " + gpu.describe);
            while (true) {
                long t0 = System.nanoTime();
                Step g = gpu.step(w);
                long t1 = System.nanoTime();
                Step c = data.step(w);
                long t2 = System.nanoTime();
                gpuNanos += t1 - t0;
                cpuNanos += t2 - t1;
                stepsRun++;
                check(step, g, c);
                boolean due = step > last && (step % o.checkpointEvery == 0 || asked.getAndSet(false) || step == o.steps);
                if (due) {
                    State.write(Path.of(STATE), o, step, w, g.loss);
                    ckpt.post(step, g.loss);
                    last = step;
                }
                if (step % o.checkpointEvery == 0 || step == o.steps) {
                    System.out.printf(Locale.ROOT, "step %d loss %.9g (cpu %.9g)%n", step, g.loss, c.loss);
                }
                if (step >= o.steps) break;
                for (int j = 0; j < w.length; j++) w[j] -= o.rate * g.gradient[j];
                step++;
            }
            double gps = stepsRun * (double) o.samples / (gpuNanos / 1e9), cps = stepsRun * (double) o.samples / (cpuNanos / 1e9);
            System.out.printf(Locale.ROOT, "{\"throughput\":{\"device\":\"%s\",\"steps\":%d,\"samples\":%d,\"features\":%d,"
                            + "\"gpu_samples_per_s\":%.0f,\"cpu_samples_per_s\":%.0f,\"gpu_ms_per_step\":%.3f,\"cpu_ms_per_step\":%.3f}}%n",
                    gpu.name.replace("\"", "'"), stepsRun, o.samples, o.features, gps, cps, gpuNanos / 1e6 / stepsRun, cpuNanos / 1e6 / stepsRun);
        }
        System.out.println("done: step " + step);
        return 0;
    }

    /** The GPU's step against the CPU's: float32 sums on the GPU, double on the CPU, so a tolerance, not equality. */
    static void check(long step, Step gpu, Step cpu) {
        double lossTol = 1e-4 * Math.max(cpu.loss, 1e-6);
        double norm = 0;
        for (double v : cpu.gradient) norm = Math.max(norm, Math.abs(v));
        double gradTol = 1e-3 * (norm + 1e-3);
        boolean bad = !Double.isFinite(gpu.loss) || Math.abs(gpu.loss - cpu.loss) > lossTol;
        for (int j = 0; j < cpu.gradient.length && !bad; j++) bad = !(Math.abs(gpu.gradient[j] - cpu.gradient[j]) <= gradTol);
        if (bad) {
            throw new Fail(3, String.format(Locale.ROOT, "step %d: the GPU's step differs from the CPU's: loss %.9g against %.9g (tolerance %.3g), "
                    + "gradient %s against %s (tolerance %.3g)", step, gpu.loss, cpu.loss, lossTol, Arrays.toString(gpu.gradient),
                    Arrays.toString(cpu.gradient), gradTol));
        }
    }

    /** The seeded samples: y = x.w* + b* + noise, feature j scaled by 1/(j+1) so that the loss falls for thousands of steps. */
    record Data(int n, int d, float[] x, float[] y) {
        static Data of(Options o) {
            int n = o.samples, d = o.features;
            Random r = new Random(o.seed);
            float[] x = new float[n * d], y = new float[n];
            for (int i = 0; i < n; i++) {
                double t = 0.5; // the bias
                for (int j = 0; j < d; j++) {
                    float v = (float) ((2 * r.nextDouble() - 1) / (j + 1));
                    x[i * d + j] = v;
                    t += (j + 1) * (double) v; // w*_j = j + 1
                }
                y[i] = (float) (t + 0.1 * r.nextGaussian());
            }
            return new Data(n, d, x, y);
        }

        /** The same step as train.comp, in double, at the weights as the GPU sees them (floats). */
        Step step(double[] w) {
            float[] wf = new float[w.length];
            for (int j = 0; j < w.length; j++) wf[j] = (float) w[j];
            double[] g = new double[d + 1];
            double sq = 0;
            for (int i = 0; i < n; i++) {
                double p = wf[d];
                for (int j = 0; j < d; j++) p += (double) x[i * d + j] * wf[j];
                double r = p - y[i];
                for (int j = 0; j < d; j++) g[j] += r * x[i * d + j];
                g[d] += r;
                sq += r * r;
            }
            for (int j = 0; j <= d; j++) g[j] *= 2.0 / n;
            return new Step(sq / n, g);
        }
    }

    /** state.txt: the run's shape (a resume with another shape is refused), the step and the weights, exactly. */
    record State(long step, double[] weights) {
        static void write(Path file, Options o, long step, double[] w, double loss) {
            StringBuilder b = new StringBuilder("zed-example-gpu 1\n").append("shape ").append(o.shape()).append('\n')
                    .append("step ").append(step).append('\n').append("loss ").append(loss).append('\n').append("weights");
            for (double v : w) b.append(' ').append(v); // Double.toString reads back as the same double
            b.append('\n');
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
                ch.write(ByteBuffer.wrap(b.toString().getBytes(StandardCharsets.UTF_8)));
                ch.force(true);
            } catch (IOException e) {
                throw new Fail(1, "cannot write " + tmp.toAbsolutePath() + ": " + e);
            }
            try {
                // whole or not at all: a checkpoint never holds half a state
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (IOException e) {
                throw new Fail(1, "cannot replace " + file.toAbsolutePath() + ": " + e);
            }
        }

        static State read(Path file, Options o) {
            String text;
            try {
                text = Files.readString(file);
            } catch (IOException e) {
                throw new Fail(2, "ZED_RESUME_STEP is set but " + file.toAbsolutePath() + " cannot be read: " + e);
            }
            String[] lines = text.split("\n");
            if (lines.length < 5 || !lines[0].equals("zed-example-gpu 1")) throw new Fail(2, file + " is not this program's state");
            if (!lines[1].equals("shape " + o.shape())) throw new Fail(2, file + " is of another run (" + lines[1] + "), not " + o.shape());
            long step = Long.parseLong(lines[2].substring("step ".length()));
            String[] ws = lines[4].substring("weights ".length()).split(" ");
            if (ws.length != o.features + 1) throw new Fail(2, file + " holds " + ws.length + " weights, not " + (o.features + 1));
            return new State(step, Arrays.stream(ws).mapToDouble(Double::parseDouble).toArray());
        }
    }

    /** POSTs checkpoints to Zed; without ZED_CHECKPOINT_URL (run by hand) only the state file is written. */
    static final class Checkpoints {
        final String url;
        // HTTP/1.1: the default (HTTP/2) would try an h2c upgrade on the node's plain-HTTP endpoint first
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();

        Checkpoints(String url) {
            this.url = url == null || url.isBlank() ? null : url;
            if (this.url == null) System.out.println("no ZED_CHECKPOINT_URL: checkpoints are written to " + STATE + " only");
        }

        void post(long step, double loss) {
            if (url == null) return;
            String body = "{\"step\": " + step + ", \"metrics\": {\"loss\": " + loss + "}}";
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> res;
            try {
                res = http.send(req, HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new Fail(4, "checkpoint " + step + ": the POST failed: " + e); // the URL (its token) is not printed
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Fail(4, "checkpoint " + step + ": interrupted");
            }
            if (res.statusCode() != 201) throw new Fail(4, "checkpoint " + step + ": Zed answered " + res.statusCode() + ": " + res.body());
            System.out.println("checkpoint " + step + " loss " + loss + ": " + res.body());
        }
    }

    /** The Vulkan device and the pipeline that runs train.spv; closing destroys every object, newest first. */
    static final class Gpu implements AutoCloseable {
        final Deque<Runnable> undo = new ArrayDeque<>();
        final int n, d, groups;
        String name, describe;
        VkInstance instance;
        VkPhysicalDevice physical;
        VkDevice device;
        VkQueue queue;
        int family;
        long pipelineLayout, pipeline, descriptorSet, commandPool, fence;
        VkCommandBuffer step;
        FloatBuffer weights, sums;

        private Gpu(int n, int d) {
            this.n = n;
            this.d = d;
            this.groups = (n + GROUP - 1) / GROUP;
        }

        static Gpu open(Options o, Data data) {
            Gpu g = new Gpu(data.n, data.d);
            try {
                g.init(o, data);
                return g;
            } catch (RuntimeException | LinkageError e) {
                g.close();
                if (e instanceof Fail f) throw f;
                throw new Fail(5, "Vulkan: " + e);
            }
        }

        private void init(Options o, Data data) {
            byte[] spirv;
            try {
                spirv = Files.readAllBytes(o.spirv);
            } catch (IOException e) {
                throw new Fail(2, "cannot read " + o.spirv + ": " + e);
            }
            try (MemoryStack stack = MemoryStack.stackPush()) {
                VkApplicationInfo app = VkApplicationInfo.calloc(stack).sType$Default().pApplicationName(stack.UTF8("zed-example-gpu"))
                        .apiVersion(VK_API_VERSION_1_1);
                VkInstanceCreateInfo ici = VkInstanceCreateInfo.calloc(stack).sType$Default().pApplicationInfo(app);
                PointerBuffer pp = stack.mallocPointer(1);
                ok(vkCreateInstance(ici, null, pp), "vkCreateInstance");
                instance = new VkInstance(pp.get(0), ici);
                undo.push(() -> vkDestroyInstance(instance, null));
                choose(stack);
                queueFamily(stack);
                VkDeviceQueueCreateInfo.Buffer qci = VkDeviceQueueCreateInfo.calloc(1, stack).sType$Default().queueFamilyIndex(family)
                        .pQueuePriorities(stack.floats(1f));
                VkDeviceCreateInfo dci = VkDeviceCreateInfo.calloc(stack).sType$Default().pQueueCreateInfos(qci);
                ok(vkCreateDevice(physical, dci, null, pp), "vkCreateDevice");
                device = new VkDevice(pp.get(0), physical, dci);
                undo.push(() -> vkDestroyDevice(device, null));
                vkGetDeviceQueue(device, family, 0, pp);
                queue = new VkQueue(pp.get(0), device);
                LongBuffer lp = stack.mallocLong(1);
                ok(vkCreateCommandPool(device, VkCommandPoolCreateInfo.calloc(stack).sType$Default().queueFamilyIndex(family), null, lp), "vkCreateCommandPool");
                commandPool = lp.get(0);
                undo.push(() -> vkDestroyCommandPool(device, commandPool, null));
                ok(vkCreateFence(device, VkFenceCreateInfo.calloc(stack).sType$Default(), null, lp), "vkCreateFence");
                fence = lp.get(0);
                undo.push(() -> vkDestroyFence(device, fence, null));

                long x = upload(data.x), y = upload(data.y);
                long w = hostBuffer(4L * (d + 1));
                weights = MemoryUtil.memFloatBuffer(map(w), d + 1);
                long s = hostBuffer(4L * groups * (d + 2));
                sums = MemoryUtil.memFloatBuffer(map(s), groups * (d + 2));
                pipeline(stack, spirv, new long[]{x, y, w, s});
                step = record(stack);
            }
        }

        /** ZED_VULKAN_DEVICE (its first index: one GPU is enough here), else the device whose deviceUUID ZED_GPU_UUIDS names. */
        private void choose(MemoryStack stack) {
            IntBuffer count = stack.mallocInt(1);
            ok(vkEnumeratePhysicalDevices(instance, count, null), "vkEnumeratePhysicalDevices");
            PointerBuffer handles = stack.mallocPointer(count.get(0));
            ok(vkEnumeratePhysicalDevices(instance, count, handles), "vkEnumeratePhysicalDevices");
            String index = System.getenv("ZED_VULKAN_DEVICE"), uuids = System.getenv("ZED_GPU_UUIDS");
            String[] wanted = uuids == null || uuids.isBlank() ? new String[0] : uuids.split(",");
            int chosen = -1;
            if (index != null && !index.isBlank()) {
                String first = index.split(",")[0].strip();
                try {
                    chosen = Integer.parseInt(first);
                } catch (NumberFormatException e) {
                    throw new Fail(2, "ZED_VULKAN_DEVICE=" + index + " is not a device index");
                }
                if (chosen < 0 || chosen >= count.get(0)) throw new Fail(2, "ZED_VULKAN_DEVICE=" + index + " but the Vulkan loader lists " + count.get(0) + " devices");
            }
            for (int i = 0; i < count.get(0); i++) {
                VkPhysicalDevice p = new VkPhysicalDevice(handles.get(i), instance);
                String id = uuid(p, stack);
                boolean named = wanted.length > 0 && bare(wanted[0]).equals(id);
                if (chosen == i && wanted.length > 0 && Arrays.stream(wanted).map(Train::bare).noneMatch(id::equals)) {
                    throw new Fail(2, "ZED_VULKAN_DEVICE=" + index + " is device " + id + ", which is not in ZED_GPU_UUIDS=" + uuids);
                }
                if (chosen == i || (chosen < 0 && named)) {
                    physical = p;
                    VkPhysicalDeviceProperties2 props = properties(p, stack);
                    name = props.properties().deviceNameString();
                    describe = name + " (Vulkan device " + i + ", " + type(props.properties().deviceType()) + ", uuid " + id + ")";
                    return;
                }
            }
            if (chosen < 0 && wanted.length > 0) throw new Fail(2, "no Vulkan device has the deviceUUID " + wanted[0] + " (ZED_GPU_UUIDS)");
            throw new Fail(2, "no device: Zed sets ZED_VULKAN_DEVICE or ZED_GPU_UUIDS; by hand, set ZED_VULKAN_DEVICE to an index (zed inventory --format json: vulkan_index)");
        }

        private void queueFamily(MemoryStack stack) {
            IntBuffer count = stack.mallocInt(1);
            vkGetPhysicalDeviceQueueFamilyProperties(physical, count, null);
            VkQueueFamilyProperties.Buffer q = VkQueueFamilyProperties.malloc(count.get(0), stack);
            vkGetPhysicalDeviceQueueFamilyProperties(physical, count, q);
            for (int i = 0; i < count.get(0); i++) {
                if ((q.get(i).queueFlags() & VK_QUEUE_COMPUTE_BIT) != 0) {
                    family = i;
                    return;
                }
            }
            throw new Fail(5, name + " has no compute queue");
        }

        private void pipeline(MemoryStack stack, byte[] spirv, long[] buffers) {
            LongBuffer lp = stack.mallocLong(1);
            ByteBuffer code = MemoryUtil.memAlloc(spirv.length).put(spirv).flip();
            try {
                ok(vkCreateShaderModule(device, VkShaderModuleCreateInfo.calloc(stack).sType$Default().pCode(code), null, lp), "vkCreateShaderModule");
            } finally {
                MemoryUtil.memFree(code);
            }
            long module = lp.get(0);
            undo.push(() -> vkDestroyShaderModule(device, module, null));
            VkDescriptorSetLayoutBinding.Buffer bindings = VkDescriptorSetLayoutBinding.calloc(buffers.length, stack);
            for (int i = 0; i < buffers.length; i++) {
                bindings.get(i).binding(i).descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(1).stageFlags(VK_SHADER_STAGE_COMPUTE_BIT);
            }
            ok(vkCreateDescriptorSetLayout(device, VkDescriptorSetLayoutCreateInfo.calloc(stack).sType$Default().pBindings(bindings), null, lp), "vkCreateDescriptorSetLayout");
            long setLayout = lp.get(0);
            undo.push(() -> vkDestroyDescriptorSetLayout(device, setLayout, null));
            VkPushConstantRange.Buffer push = VkPushConstantRange.calloc(1, stack).stageFlags(VK_SHADER_STAGE_COMPUTE_BIT).offset(0).size(8);
            ok(vkCreatePipelineLayout(device, VkPipelineLayoutCreateInfo.calloc(stack).sType$Default().pSetLayouts(stack.longs(setLayout))
                    .pPushConstantRanges(push), null, lp), "vkCreatePipelineLayout");
            pipelineLayout = lp.get(0);
            undo.push(() -> vkDestroyPipelineLayout(device, pipelineLayout, null));
            VkPipelineShaderStageCreateInfo stage = VkPipelineShaderStageCreateInfo.calloc(stack).sType$Default().stage(VK_SHADER_STAGE_COMPUTE_BIT)
                    .module(module).pName(stack.UTF8("main"));
            VkComputePipelineCreateInfo.Buffer cpi = VkComputePipelineCreateInfo.calloc(1, stack).sType$Default().stage(stage).layout(pipelineLayout);
            ok(vkCreateComputePipelines(device, VK_NULL_HANDLE, cpi, null, lp), "vkCreateComputePipelines");
            pipeline = lp.get(0);
            undo.push(() -> vkDestroyPipeline(device, pipeline, null));
            VkDescriptorPoolSize.Buffer sizes = VkDescriptorPoolSize.calloc(1, stack).type(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).descriptorCount(buffers.length);
            ok(vkCreateDescriptorPool(device, VkDescriptorPoolCreateInfo.calloc(stack).sType$Default().maxSets(1).pPoolSizes(sizes), null, lp), "vkCreateDescriptorPool");
            long pool = lp.get(0);
            undo.push(() -> vkDestroyDescriptorPool(device, pool, null));
            ok(vkAllocateDescriptorSets(device, VkDescriptorSetAllocateInfo.calloc(stack).sType$Default().descriptorPool(pool)
                    .pSetLayouts(stack.longs(setLayout)), lp), "vkAllocateDescriptorSets");
            descriptorSet = lp.get(0);
            VkWriteDescriptorSet.Buffer writes = VkWriteDescriptorSet.calloc(buffers.length, stack);
            for (int i = 0; i < buffers.length; i++) {
                VkDescriptorBufferInfo.Buffer info = VkDescriptorBufferInfo.calloc(1, stack).buffer(buffers[i]).offset(0).range(VK_WHOLE_SIZE);
                writes.get(i).sType$Default().dstSet(descriptorSet).dstBinding(i).descriptorType(VK_DESCRIPTOR_TYPE_STORAGE_BUFFER).pBufferInfo(info).descriptorCount(1);
            }
            vkUpdateDescriptorSets(device, writes, null);
        }

        /** The step's command buffer, recorded once: dispatch, then make the shader's writes visible to the host. */
        private VkCommandBuffer record(MemoryStack stack) {
            VkCommandBuffer cb = commands(stack);
            ok(vkBeginCommandBuffer(cb, VkCommandBufferBeginInfo.calloc(stack).sType$Default()), "vkBeginCommandBuffer");
            vkCmdBindPipeline(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipeline);
            vkCmdBindDescriptorSets(cb, VK_PIPELINE_BIND_POINT_COMPUTE, pipelineLayout, 0, stack.longs(descriptorSet), null);
            vkCmdPushConstants(cb, pipelineLayout, VK_SHADER_STAGE_COMPUTE_BIT, 0, stack.ints(n, d));
            vkCmdDispatch(cb, groups, 1, 1);
            VkMemoryBarrier.Buffer b = VkMemoryBarrier.calloc(1, stack).sType$Default().srcAccessMask(VK_ACCESS_SHADER_WRITE_BIT).dstAccessMask(VK_ACCESS_HOST_READ_BIT);
            vkCmdPipelineBarrier(cb, VK_PIPELINE_STAGE_COMPUTE_SHADER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, b, null, null);
            ok(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
            return cb;
        }

        private VkCommandBuffer commands(MemoryStack stack) {
            PointerBuffer pp = stack.mallocPointer(1);
            ok(vkAllocateCommandBuffers(device, VkCommandBufferAllocateInfo.calloc(stack).sType$Default().commandPool(commandPool)
                    .level(VK_COMMAND_BUFFER_LEVEL_PRIMARY).commandBufferCount(1), pp), "vkAllocateCommandBuffers");
            return new VkCommandBuffer(pp.get(0), device);
        }

        private void submit(VkCommandBuffer cb) {
            try (MemoryStack stack = MemoryStack.stackPush()) {
                ok(vkQueueSubmit(queue, VkSubmitInfo.calloc(stack).sType$Default().pCommandBuffers(stack.pointers(cb)), fence), "vkQueueSubmit");
                ok(vkWaitForFences(device, fence, true, Long.MAX_VALUE), "vkWaitForFences");
                ok(vkResetFences(device, fence), "vkResetFences");
            }
        }

        /** One step: the weights in, the workgroups' sums out, added up in double. */
        Step step(double[] w) {
            for (int j = 0; j <= d; j++) weights.put(j, (float) w[j]);
            submit(step);
            double[] g = new double[d + 1];
            double sq = 0;
            for (int k = 0; k < groups; k++) {
                int base = k * (d + 2);
                for (int j = 0; j <= d; j++) g[j] += sums.get(base + j);
                sq += sums.get(base + d + 1);
            }
            for (int j = 0; j <= d; j++) g[j] *= 2.0 / n;
            return new Step(sq / n, g);
        }

        /** A device-local buffer holding {@code data}, filled once through a host-visible staging buffer. */
        private long upload(float[] data) {
            long bytes = 4L * data.length;
            long staging = buffer(bytes, VK_BUFFER_USAGE_TRANSFER_SRC_BIT, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
            MemoryUtil.memFloatBuffer(map(staging), data.length).put(data);
            long target = buffer(bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT | VK_BUFFER_USAGE_TRANSFER_DST_BIT, 0, VK_MEMORY_PROPERTY_DEVICE_LOCAL_BIT);
            try (MemoryStack stack = MemoryStack.stackPush()) {
                VkCommandBuffer cb = commands(stack);
                ok(vkBeginCommandBuffer(cb, VkCommandBufferBeginInfo.calloc(stack).sType$Default().flags(VK_COMMAND_BUFFER_USAGE_ONE_TIME_SUBMIT_BIT)), "vkBeginCommandBuffer");
                vkCmdCopyBuffer(cb, staging, target, VkBufferCopy.calloc(1, stack).size(bytes));
                ok(vkEndCommandBuffer(cb), "vkEndCommandBuffer");
                submit(cb); // the queue's completion makes the copy visible to the later dispatches
            }
            return target;
        }

        private long hostBuffer(long bytes) {
            return buffer(bytes, VK_BUFFER_USAGE_STORAGE_BUFFER_BIT, VK_MEMORY_PROPERTY_HOST_VISIBLE_BIT | VK_MEMORY_PROPERTY_HOST_COHERENT_BIT, 0);
        }

        private final java.util.Map<Long, Long> memoryOf = new java.util.HashMap<>();

        /** A buffer bound to memory of a type that has {@code required}, preferring one that also has {@code preferred}. */
        private long buffer(long bytes, int usage, int required, int preferred) {
            try (MemoryStack stack = MemoryStack.stackPush()) {
                LongBuffer lp = stack.mallocLong(1);
                ok(vkCreateBuffer(device, VkBufferCreateInfo.calloc(stack).sType$Default().size(bytes).usage(usage).sharingMode(VK_SHARING_MODE_EXCLUSIVE), null, lp), "vkCreateBuffer");
                long buf = lp.get(0);
                undo.push(() -> vkDestroyBuffer(device, buf, null));
                VkMemoryRequirements req = VkMemoryRequirements.malloc(stack);
                vkGetBufferMemoryRequirements(device, buf, req);
                VkPhysicalDeviceMemoryProperties mp = VkPhysicalDeviceMemoryProperties.malloc(stack);
                vkGetPhysicalDeviceMemoryProperties(physical, mp);
                int type = -1;
                for (int pass = 0; pass < 2 && type < 0; pass++) {
                    int want = pass == 0 ? required | preferred : required;
                    for (int i = 0; i < mp.memoryTypeCount() && type < 0; i++) {
                        if ((req.memoryTypeBits() & (1 << i)) != 0 && (mp.memoryTypes(i).propertyFlags() & want) == want) type = i;
                    }
                }
                if (type < 0) throw new Fail(5, name + " has no memory type for a buffer of " + bytes + " bytes");
                ok(vkAllocateMemory(device, VkMemoryAllocateInfo.calloc(stack).sType$Default().allocationSize(req.size()).memoryTypeIndex(type), null, lp),
                        "vkAllocateMemory (" + bytes + " bytes)");
                long mem = lp.get(0);
                undo.push(() -> vkFreeMemory(device, mem, null)); // runs before the buffer's destruction: fine, both go
                ok(vkBindBufferMemory(device, buf, mem, 0), "vkBindBufferMemory");
                memoryOf.put(buf, mem);
                return buf;
            }
        }

        private long map(long buffer) {
            try (MemoryStack stack = MemoryStack.stackPush()) {
                PointerBuffer pp = stack.mallocPointer(1);
                ok(vkMapMemory(device, memoryOf.get(buffer), 0, VK_WHOLE_SIZE, 0, pp), "vkMapMemory");
                return pp.get(0);
            }
        }

        @Override
        public void close() {
            if (device != null) vkDeviceWaitIdle(device);
            while (!undo.isEmpty()) undo.pop().run();
        }

        static VkPhysicalDeviceProperties2 properties(VkPhysicalDevice p, MemoryStack stack) {
            VkPhysicalDeviceProperties2 props = VkPhysicalDeviceProperties2.calloc(stack).sType$Default();
            vkGetPhysicalDeviceProperties2(p, props);
            return props;
        }

        static String uuid(VkPhysicalDevice p, MemoryStack stack) {
            VkPhysicalDeviceIDProperties id = VkPhysicalDeviceIDProperties.calloc(stack).sType$Default();
            vkGetPhysicalDeviceProperties2(p, VkPhysicalDeviceProperties2.calloc(stack).sType$Default().pNext(id));
            byte[] b = new byte[16];
            id.deviceUUID().get(b);
            return HexFormat.of().formatHex(b);
        }

        static String type(int t) {
            return switch (t) {
                case VK_PHYSICAL_DEVICE_TYPE_INTEGRATED_GPU -> "integrated GPU";
                case VK_PHYSICAL_DEVICE_TYPE_DISCRETE_GPU -> "discrete GPU";
                case VK_PHYSICAL_DEVICE_TYPE_VIRTUAL_GPU -> "virtual GPU";
                case VK_PHYSICAL_DEVICE_TYPE_CPU -> "CPU";
                default -> "other";
            };
        }

        static void ok(int result, String what) {
            if (result != VK_SUCCESS) throw new Fail(5, what + " failed (VkResult " + result + ")");
        }
    }

    /** A UUID as any source writes it ("GPU-...", dashes, case) as the 32 hex digits of deviceUUID. */
    static String bare(String uuid) {
        String u = uuid.strip().toLowerCase(Locale.ROOT);
        if (u.startsWith("gpu-")) u = u.substring(4);
        return u.replace("-", "");
    }
}
