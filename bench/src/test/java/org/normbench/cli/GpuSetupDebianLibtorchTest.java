package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.engine.JniBuild;
import org.normbench.engine.JniCache;
import org.normbench.model.norms.RunningBatchNormBlock;
import org.normbench.results.ResultsSchema;

/**
 * The real gpu-setup path on CPU, as CI runs it: Debian's libtorch-dev 1.13.1 (which DJL's prebuilt
 * 2.7.1 JNI cannot load) gets a JNI built from the DJL 0.36.0 sources in ../shared/third_party,
 * then doctor and a three-cell grid run on it in fresh JVMs and the run's manifest records libtorch
 * 1.13.1. Skipped, with the reason printed, where the headers, the sources or a compiler are
 * absent. Takes minutes (the compile), in its own temporary cache.
 */
class GpuSetupDebianLibtorchTest {
    static final Path SYSTEM_LIB = Path.of("/usr/lib/x86_64-linux-gnu");
    static final Path DJL_SRC =
            Path.of("../../shared/third_party/djl-0.36.0").toAbsolutePath().normalize();

    @TempDir Path tmp;

    @Test
    void buildsTheJniForDebianLibtorchThenDoctorAndAOneCellGridRunOnIt() throws Exception {
        skipUnless(
                Files.exists(SYSTEM_LIB.resolve("libtorch.so")),
                "Debian libtorch-dev is not installed (" + SYSTEM_LIB + "/libtorch.so)");
        skipUnless(
                Files.exists(Path.of("/usr/include/torch/script.h")),
                "libtorch headers are absent (/usr/include/torch/script.h; apt-get install libtorch-dev)");
        skipUnless(Files.isDirectory(DJL_SRC), "DJL 0.36.0 sources are absent (" + DJL_SRC + ")");
        skipUnless(JniBuild.compiler(System.getenv()).isPresent(), "no C++ compiler on PATH");

        Path cache = tmp.resolve("cache");
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("PYTORCH_VERSION");
        env.remove("PYTORCH_FLAVOR");
        env.remove("NORMBENCH_LIBTORCH");
        env.put("PYTORCH_LIBRARY_PATH", SYSTEM_LIB.toString());
        env.put(JniCache.CACHE_ENV, cache.toString());
        env.put(JniBuild.DJL_SRC_ENV, DJL_SRC.toString());
        // -O0 keeps this test at ~2.5 min on a 2-core CI box; users get the default -O2. Same
        // sources, defines and link.
        env.put(JniBuild.OPT_ENV, "-O0");

        List<String> setup = run(env, "gpu-setup");
        String setupOut = String.join("\n", setup.subList(1, setup.size()));
        assertEquals("0", setup.get(0), setupOut);
        assertTrue(setupOut.contains("found libtorch 1.13.1 (cpu"), setupOut);
        assertTrue(setupOut.contains("-DV1_13_X"), setupOut);
        assertTrue(
                setupOut.contains("libtorch      1.13.1 in " + SYSTEM_LIB),
                "doctor reports the loaded libtorch:\n" + setupOut);
        assertTrue(
                setupOut.contains("(built for libtorch 1.13.1 (normbench gpu-setup build))"),
                setupOut);
        assertTrue(setupOut.contains("doctor: all devices OK"), setupOut);

        env.remove("PYTORCH_LIBRARY_PATH");
        Path grid = tmp.resolve("three-cell.yaml");
        Files.writeString(
                grid,
                String.join(
                        "\n",
                        "name: three-cell",
                        "dataset: fashion-mnist-subset",
                        "train_limit: 64",
                        "test_limit: 32",
                        "train:",
                        "  width: 0.125",
                        "  norms: [bn, gn, rbn]",
                        "  activations: [relu]",
                        "  batch_sizes: [8]",
                        "  steps: 4",
                        "  hooks: {enabled: false}",
                        ""));
        Path runs = tmp.resolve("runs");
        // rbn's step under the graph executor's optimisations, as on a GPU: TorchScript's symbolic
        // gradients from the second of its 4 steps, on this libtorch too.
        env.put(RunningBatchNormBlock.FUSE_ENV, "on");
        List<String> bench =
                run(
                        env,
                        "bench",
                        "--grid",
                        grid.toString(),
                        "--run",
                        "r",
                        "--runs-dir",
                        runs.toString(),
                        "--quiet");
        assertEquals("0", bench.get(0), String.join("\n", bench));
        assertFalse(
                String.join("\n", bench).contains("optimised TorchScript step failed"),
                String.join("\n", bench));
        JsonNode manifest =
                new ObjectMapper().readTree(runs.resolve("r").resolve("manifest.json").toFile());
        assertEquals("on", manifest.get("rbn_fuse").asText());
        // Checked against op by op before the cells, on this libtorch's graph executor.
        assertTrue(
                manifest.path("rbn_fuse_check").path("cpu").asText().startsWith("passed: 9 steps"),
                manifest.toString());
        JsonNode versions = manifest.get("versions");
        assertEquals("1.13.1", versions.get("libtorch").asText(), versions.toString());
        assertTrue(versions.get("jni").asText().startsWith(cache.toString()), versions.toString());
        String cells = Files.readString(runs.resolve("r").resolve(ResultsSchema.CELLS));
        // gn and rbn run scripted kernels (ScriptedOp): the archive normbench writes must load and
        // train on this libtorch too, not only on the bundled 2.7.1.
        for (String norm : List.of("bn", "gn", "rbn")) {
            assertTrue(
                    cells.lines()
                            .anyMatch(
                                    l -> l.startsWith("train-" + norm + "-") && l.contains(",ok,")),
                    norm + ":\n" + cells);
        }
    }

    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.out.println("SKIPPED GpuSetupDebianLibtorchTest: " + reason);
        }
        Assumptions.assumeTrue(condition, reason);
    }

    /** normbench in a fresh JVM with {@code env}; the exit code, then the output lines. */
    private static List<String> run(Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> cmd =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-cp",
                                System.getProperty("java.class.path"),
                                "-Dai.djl.pytorch.num_threads=1",
                                NormbenchCli.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        List<String> lines = new ArrayList<>();
        lines.add(String.valueOf(p.exitValue()));
        lines.addAll(out.lines().toList());
        System.out.println(out);
        return lines;
    }
}
