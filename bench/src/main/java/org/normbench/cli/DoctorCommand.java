package org.normbench.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.util.cuda.CudaUtils;
import java.io.PrintWriter;
import java.lang.management.MemoryUsage;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import org.normbench.engine.BackwardThread;
import org.normbench.engine.CudaStreams;
import org.normbench.engine.DeviceSpec;
import org.normbench.engine.NativeStack;
import org.normbench.engine.TorchRuntime;
import org.normbench.engine.Versions;
import org.normbench.model.norms.RunningBatchNormBlock;
import org.normbench.model.norms.RunningBatchNormFuseCheck;
import org.normbench.results.Provenance;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code normbench doctor}: what this machine and build are, and proof that every device computes.
 */
@Command(
        name = "doctor",
        mixinStandardHelpOptions = true,
        description = {
            "Print versions, CPU and visible devices, and run one tiny conv forward+backward on each device.",
            "Exit code 0 when every device works, 1 otherwise."
        })
public final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("normbench     %s%n", Versions.normbench());
        out.printf(
                "git commit    %s%s%n",
                Versions.gitCommit(), Boolean.TRUE.equals(Versions.gitDirty()) ? " (dirty)" : "");
        out.printf("java          %s%n", Versions.java());
        out.printf(
                "os            %s %s (%s)%n",
                System.getProperty("os.name"),
                System.getProperty("os.version"),
                System.getProperty("os.arch"));
        out.printf(
                "cpu           %s, %d hardware threads%n",
                Objects.requireNonNullElse(Provenance.cpuModel(), System.getProperty("os.arch")),
                Runtime.getRuntime().availableProcessors());
        out.printf("djl           %s%n", Versions.djl());
        out.flush();
        long t0 = System.nanoTime();
        Engine engine;
        try {
            engine = TorchRuntime.engine();
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("FAIL engine: " + e.getMessage());
            return 1;
        }
        out.printf(
                "engine        %s %s (loaded in %.1f s, offline=%s)%n",
                engine.getEngineName(),
                engine.getVersion(),
                (System.nanoTime() - t0) / 1e9,
                System.getProperty("ai.djl.offline", "false"));
        out.printf("libtorch from %s%n", TorchRuntime.libraryOrigin());
        Map<String, Object> stack = NativeStack.describe(engine);
        out.printf(
                "libtorch      %s in %s (version from %s)%n",
                stack.get("libtorch"),
                stack.get("libtorch_dir"),
                stack.get("libtorch_version_source"));
        out.printf(
                "jni           %s (built for libtorch %s)%n",
                stack.get("jni"), stack.get("jni_built_for"));
        int gpus = engine.getGpuCount();
        out.printf(
                "cuda          %s%n",
                gpus > 0
                        ? "runtime "
                                + stack.get("cuda_runtime")
                                + ", driver "
                                + stack.get("gpu_driver")
                        : "no CUDA device visible");
        boolean ok = true;
        boolean checkRbn;
        try {
            RunningBatchNormBlock.fuseSetting();
            checkRbn = true;
        } catch (IllegalArgumentException e) {
            // bench refuses to start with it, so doctor says so too.
            ok = false;
            checkRbn = false;
            out.printf("rbn fuse      FAIL %s%n", e.getMessage());
        }
        try {
            // Read by every GPU cell thread; bench refuses an unknown value, so doctor fails on it.
            String backward = BackwardThread.setting();
            if (gpus > 0) {
                String mode = BackwardThread.mode(true);
                out.printf(
                        "cell threads  CUDA stream: %s; backward: %s%n",
                        CudaStreams.mode(true).equals("per_thread")
                                ? "one per thread"
                                : "the shared default (the JNI lacks normbench_cuda_streams.cc)",
                        mode.equals("cell")
                                ? "on the cell's thread"
                                : "on libtorch's autograd thread per GPU ("
                                        + (backward.equals("autograd")
                                                ? BackwardThread.ENV + "=autograd"
                                                : "the JNI lacks normbench_autograd_threads.cc")
                                        + ")");
            }
        } catch (IllegalArgumentException e) {
            ok = false;
            out.printf("backward      FAIL %s%n", e.getMessage());
        }
        for (DeviceSpec d : DeviceSpec.allVisible(gpus)) {
            Device device = TorchRuntime.device(d);
            String what = d.kind() == DeviceSpec.Kind.CPU ? "cpu" : gpuDescription(device);
            try {
                long s = System.nanoTime();
                double g = TorchRuntime.smokeConv(device);
                out.printf(
                        "device %-6s %s: conv fwd+bwd OK (|grad|^2=%.4g, %.0f ms)%n",
                        d, what, g, (System.nanoTime() - s) / 1e6);
            } catch (RuntimeException e) {
                ok = false;
                out.printf("device %-6s %s: FAIL %s%n", d, what, e.getMessage());
                continue;
            }
            if (checkRbn && RunningBatchNormBlock.optimizes(device)) {
                // What a run checks before its first rbn cell here (NORMBENCH_RBN_FUSE): a failure
                // costs speed, not results (rbn then runs op by op), so it warns without failing.
                RunningBatchNormFuseCheck.Result r = RunningBatchNormFuseCheck.run(engine, device);
                out.printf(
                        "device %-6s rbn optimised step %s%s%n",
                        d, r.passed() ? "OK, " : "WARN ", r.describe());
            }
        }
        if (gpus > 0) {
            out.printf("cudnn         %s%n", NativeStack.describe(engine).get("cudnn"));
        }
        out.println(ok ? "doctor: all devices OK" : "doctor: FAILED");
        out.flush();
        return ok ? 0 : 1;
    }

    private static String gpuDescription(Device device) {
        StringBuilder sb = new StringBuilder("cuda");
        try {
            MemoryUsage mem = CudaUtils.getGpuMemory(device);
            sb.append(
                    String.format(
                            Locale.ROOT, ", %.1f GiB total", mem.getMax() / (double) (1L << 30)));
            sb.append(", compute capability ")
                    .append(CudaUtils.getComputeCapability(device.getDeviceId()));
        } catch (RuntimeException e) {
            sb.append(" (memory unknown: ").append(e.getMessage()).append(')');
        }
        return sb.toString();
    }
}
