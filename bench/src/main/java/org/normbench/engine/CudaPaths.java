package org.normbench.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Where the CUDA runtime's libraries and headers live for a given libtorch: next to a pip wheel
 * ({@code site-packages/nvidia/<component>/}), under {@code CUDA_HOME}, {@code /usr/local/cuda}, or
 * the system directories. Used by {@code gpu-setup} to compile with {@code -DUSE_CUDA} and to give
 * DJL an unversioned {@code libcudart.so} (wheels ship only {@code libcudart.so.N}).
 */
public final class CudaPaths {
    private CudaPaths() {}

    /** Candidate directories holding {@code libcudart.so*}, most specific first. */
    public static List<Path> runtimeLibDirs(Path libtorchDir) {
        return candidates(
                libtorchDir,
                "lib",
                List.of("lib64", "lib"),
                List.of(Path.of("/usr/lib/x86_64-linux-gnu")));
    }

    /** Candidate directories holding {@code cuda_runtime_api.h}, most specific first. */
    public static List<Path> headerDirs(Path libtorchDir) {
        return candidates(
                libtorchDir, "include", List.of("include"), List.of(Path.of("/usr/include")));
    }

    /** The first directory of {@link #headerDirs} that has {@code cuda_runtime_api.h}. */
    public static Optional<Path> runtimeHeaders(Path libtorchDir) {
        return headerDirs(libtorchDir).stream()
                .filter(d -> Files.exists(d.resolve("cuda_runtime_api.h")))
                .findFirst();
    }

    /**
     * The CUDA runtime library file ({@code libcudart.so.N...}) for this libtorch, if one is found.
     */
    public static Optional<Path> cudart(Path libtorchDir) {
        for (Path dir : runtimeLibDirs(libtorchDir)) {
            try (Stream<Path> files = Files.list(dir)) {
                Optional<Path> f =
                        files.filter(
                                        p ->
                                                p.getFileName()
                                                        .toString()
                                                        .matches("libcudart\\.so\\.\\d+.*"))
                                .sorted()
                                .findFirst();
                if (f.isPresent()) {
                    return f;
                }
            } catch (IOException e) {
                // not there
            }
        }
        return Optional.empty();
    }

    private static List<Path> candidates(
            Path libtorchDir, String wheelSub, List<String> toolkitSubs, List<Path> system) {
        List<Path> out = new ArrayList<>();
        out.add(libtorchDir);
        Path nvidia = libtorchDir.toAbsolutePath().normalize().resolve("../../nvidia").normalize();
        if (Files.isDirectory(nvidia)) {
            try (Stream<Path> comps = Files.list(nvidia)) {
                comps.sorted().forEach(c -> out.add(c.resolve(wheelSub)));
            } catch (IOException e) {
                // no wheel components
            }
        }
        for (String home :
                new String[] {
                    System.getenv("CUDA_HOME"), System.getenv("CUDA_PATH"), "/usr/local/cuda"
                }) {
            if (home != null && !home.isBlank()) {
                for (String sub : toolkitSubs) {
                    out.add(Path.of(home, sub));
                }
            }
        }
        out.addAll(system);
        return out;
    }
}
