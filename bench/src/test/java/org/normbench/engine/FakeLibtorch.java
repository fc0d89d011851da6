package org.normbench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the file layout of a pip torch wheel (version.py, lib/, include/) with empty library
 * files: enough for the search, version reading, header checks and cache rules, which only look at
 * files. Never loaded.
 */
public final class FakeLibtorch {
    private FakeLibtorch() {}

    /**
     * {@code site/torch} of a wheel of {@code version} (CUDA {@code cuda}, or null for CPU);
     * returns its lib/.
     */
    public static Path wheel(Path site, String version, String cuda, boolean headers)
            throws IOException {
        Path torch = site.resolve("torch");
        Path lib = torch.resolve("lib");
        Files.createDirectories(lib);
        Files.writeString(
                torch.resolve("version.py"),
                "from typing import Optional\n__version__ = '"
                        + version
                        + "'\ndebug = False\n"
                        + "cuda: Optional[str] = "
                        + (cuda == null ? "None" : "'" + cuda + "'")
                        + "\n");
        for (String name : new String[] {"torch", "torch_cpu", "c10", "torch_python", "shm"}) {
            Files.writeString(lib.resolve(System.mapLibraryName(name)), "");
        }
        if (cuda != null) {
            Files.writeString(lib.resolve(System.mapLibraryName("torch_cuda")), "");
            Files.writeString(lib.resolve(System.mapLibraryName("c10_cuda")), "");
        }
        if (headers) {
            Path inc = torch.resolve("include");
            Files.createDirectories(inc.resolve("torch/csrc/api/include/torch"));
            Files.writeString(inc.resolve("torch/script.h"), "");
            Files.writeString(inc.resolve("torch/csrc/api/include/torch/torch.h"), "");
        }
        return lib;
    }
}
