package org.normbench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.normbench.engine.FakeLibtorch;
import org.normbench.engine.JniCache;
import picocli.CommandLine;

/** gpu-setup's failures on fake installs: each says what is missing and leaves no trace. */
class GpuSetupCommandTest {

    @TempDir Path tmp;

    record Result(int code, String out, String err) {}

    private Result run(Map<String, String> env, String... args) {
        CommandLine cl = NormbenchCli.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        GpuSetupCommand cmd = cl.getSubcommands().get("gpu-setup").getCommand();
        cmd.env = env;
        String[] all = new String[args.length + 1];
        all[0] = "gpu-setup";
        System.arraycopy(args, 0, all, 1, args.length);
        int code = cl.execute(all);
        return new Result(code, out.toString(), err.toString());
    }

    /** The three files the build reads first; enough for set-up to get to its compiler check. */
    private Path fakeDjlSources() throws Exception {
        Path src = tmp.resolve("djl");
        Files.createDirectories(src.resolve("engines/pytorch/pytorch-native/src/main/native"));
        Files.createDirectories(src.resolve("api/src/main/native/djl"));
        Files.writeString(src.resolve("api/src/main/native/djl/utils.h"), "");
        Path java =
                src.resolve(
                        "engines/pytorch/pytorch-engine/src/main/java/ai/djl/pytorch/jni/PyTorchLibrary.java");
        Files.createDirectories(java.getParent());
        Files.writeString(
                java, "package ai.djl.pytorch.jni;\npublic final class PyTorchLibrary {}\n");
        return src;
    }

    @Test
    void refusesACacheInsideThePytorchInstall() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cpu", null, true);
        Path inside = lib.getParent().resolve("normbench-cache");
        Result r =
                run(
                        Map.of(
                                "PYTORCH_LIBRARY_PATH",
                                lib.toString(),
                                "NORMBENCH_CACHE",
                                inside.toString(),
                                "PATH",
                                "/usr/bin:/bin"),
                        "--no-doctor");
        assertEquals(1, r.code());
        assertTrue(
                r.err().contains("refusing to write") && r.err().contains("never modifies"),
                r.err());
        assertTrue(Files.notExists(inside), "nothing written into torch/");
    }

    @Test
    void missingCompilerAndHeadersAreNamedTogetherWithTheirFix() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.11.0+cpu", null, false);
        Map<String, String> env = new HashMap<>();
        env.put("PYTORCH_LIBRARY_PATH", lib.toString());
        env.put("NORMBENCH_CACHE", tmp.resolve("cache").toString());
        env.put("PATH", tmp.resolve("no-bin").toString());
        env.put("DJL_SRC", fakeDjlSources().toString());
        Result r = run(env, "--no-doctor");
        assertEquals(1, r.code(), r.out() + r.err());
        assertTrue(r.out().contains("found libtorch 2.11.0+cpu"), r.out());
        assertTrue(
                r.err().contains("no C++ compiler") && r.err().contains("apt-get install g++"),
                r.err());
        assertTrue(r.err().contains("libtorch C++ headers not found"), r.err());
        assertTrue(
                JniCache.selected(tmp.resolve("cache")).isEmpty(),
                "a failed set-up selects nothing");
        assertTrue(
                Files.notExists(
                        tmp.resolve(
                                "cache/jni/djl-0.36.0/libtorch-2.11.0-cpu/" + JniCache.JNI_FILE)));
    }

    @Test
    void thePinnedReleaseNeedsNoBuildAndIsSelectedThroughLinks() throws Exception {
        Path lib = FakeLibtorch.wheel(tmp.resolve("site"), "2.7.1+cpu", null, true);
        Path cache = tmp.resolve("cache");
        Result r =
                run(
                        Map.of(
                                "PYTORCH_LIBRARY_PATH",
                                lib.toString(),
                                "NORMBENCH_CACHE",
                                cache.toString(),
                                "PATH",
                                "/usr/bin:/bin"),
                        "--no-doctor");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("nothing to build"), r.out());
        JniCache.Selection s = JniCache.selected(cache).orElseThrow();
        assertEquals("2.7.1", s.version());
        assertTrue(Files.isSymbolicLink(s.libraryDir().resolve(System.mapLibraryName("torch"))));
        assertTrue(r.out().contains("PYTORCH_LIBRARY_PATH is set and wins"), r.out());
        Result reset = run(Map.of("NORMBENCH_CACHE", cache.toString()), "--reset");
        assertEquals(0, reset.code());
        assertTrue(JniCache.selected(cache).isEmpty());
    }
}
