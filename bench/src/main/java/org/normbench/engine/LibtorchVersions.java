package org.normbench.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reading libtorch version, CUDA flavour and C++ ABI out of the texts a libtorch install carries
 * (torch/version.py, the libtorch zip's build-version, a Debian package version, CMake config, a
 * library file name, DJL's cache directory name), and the compile defines DJL's own JNI build uses
 * per version. Pure string logic, so it is unit-tested without any libtorch present.
 */
public final class LibtorchVersions {
    private static final Pattern RELEASE = Pattern.compile("^(\\d+)\\.(\\d+)\\.(\\d+)");
    private static final Pattern LOCAL_CUDA = Pattern.compile("\\+cu(\\d+)(\\d)\\b");
    private static final Pattern VERSION_PY =
            Pattern.compile("(?m)^__version__\\s*=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern VERSION_PY_CUDA =
            Pattern.compile("(?m)^cuda\\s*(?::[^=]*)?=\\s*['\"]([^'\"]+)['\"]");
    private static final Pattern CMAKE_VERSION =
            Pattern.compile("set\\(PACKAGE_VERSION \"([^\"]+)\"\\)");
    private static final Pattern CMAKE_ABI = Pattern.compile("-D_GLIBCXX_USE_CXX11_ABI=([01])");
    private static final Pattern SONAME = Pattern.compile("\\.so\\.(\\d+\\.\\d+\\.\\d+)$");
    private static final Pattern DJL_CACHE_DIR =
            Pattern.compile(
                    "^(\\d+\\.\\d+\\.\\d+)(?:-\\d{8})?-(cpu|cu\\d+)(?:-precxx11)?-[a-z]+-[a-z0-9_]+$");

    /**
     * DJL's build.sh compiles with -DV1_13_X for these libtorch release lines, and no define for
     * newer.
     */
    private static final Pattern V1_13_X = Pattern.compile("^(1\\.13|2\\.0|2\\.1)\\.\\d+$");

    private LibtorchVersions() {}

    /**
     * The {@code major.minor.patch} part of a version ({@code 2.11.0+cu130} -> {@code 2.11.0}), or
     * null.
     */
    public static String release(String raw) {
        if (raw == null) {
            return null;
        }
        Matcher m = RELEASE.matcher(raw.trim());
        return m.find() ? m.group(1) + "." + m.group(2) + "." + m.group(3) : null;
    }

    /** True when both name the same {@code major.minor.patch} release. */
    public static boolean sameRelease(String a, String b) {
        String ra = release(a);
        return ra != null && ra.equals(release(b));
    }

    /**
     * The CUDA version in a PyTorch local version tag ({@code 2.11.0+cu130} -> {@code 13.0}), or
     * null.
     */
    public static String cudaFromLocalTag(String raw) {
        if (raw == null) {
            return null;
        }
        Matcher m = LOCAL_CUDA.matcher(raw);
        return m.find() ? Integer.parseInt(m.group(1)) + "." + m.group(2) : null;
    }

    /**
     * DJL's flavour name: {@code cpu} without CUDA, else {@code cu} + digits ({@code 13.0} ->
     * {@code cu130}).
     */
    public static String flavor(String cudaVersion) {
        if (cudaVersion == null || cudaVersion.isBlank()) {
            return "cpu";
        }
        String[] parts = cudaVersion.trim().split("\\.");
        if (parts.length < 2 || !parts[0].matches("\\d+") || !parts[1].matches("\\d+")) {
            return "cuda";
        }
        return "cu" + parts[0] + parts[1].charAt(0);
    }

    /** {@code torch/version.py}'s {@code __version__}, or null. */
    public static String versionFromVersionPy(String text) {
        Matcher m = VERSION_PY.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** {@code torch/version.py}'s {@code cuda} ({@code None} in CPU builds gives null). */
    public static String cudaFromVersionPy(String text) {
        Matcher m = VERSION_PY_CUDA.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** {@code TorchConfigVersion.cmake}'s {@code PACKAGE_VERSION}, or null. */
    public static String versionFromCmake(String text) {
        Matcher m = CMAKE_VERSION.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /**
     * The C++ ABI in {@code TorchConfig.cmake}'s {@code TORCH_CXX_FLAGS}, or null when not stated.
     */
    public static Boolean cxx11AbiFromCmake(String text) {
        Matcher m = CMAKE_ABI.matcher(text);
        return m.find() ? "1".equals(m.group(1)) : null;
    }

    /**
     * The version a versioned shared-library file name carries ({@code libtorch_cpu.so.1.13.0}), or
     * null.
     */
    public static String versionFromSoname(String fileName) {
        Matcher m = SONAME.matcher(fileName);
        return m.find() ? m.group(1) : null;
    }

    /**
     * Version and flavour from the name of the directory DJL extracts a native jar into ({@code
     * 2.7.1-20250812-cpu-linux-x86_64}), or null for any other name.
     */
    public static String[] fromDjlCacheDirName(String name) {
        Matcher m = DJL_CACHE_DIR.matcher(name);
        return m.matches() ? new String[] {m.group(1), m.group(2)} : null;
    }

    /** True for the releases DJL 0.36's JNI sources compile against (1.13 and newer). */
    public static boolean buildableByDjl(String version) {
        String r = release(version);
        if (r == null) {
            return false;
        }
        String[] p = r.split("\\.");
        int major = Integer.parseInt(p[0]);
        int minor = Integer.parseInt(p[1]);
        return major > 1 || (major == 1 && minor >= 13);
    }

    /**
     * The preprocessor defines DJL's JNI needs for this libtorch: {@code V1_13_X} for 1.13/2.0/2.1,
     * {@code USE_CUDA} for CUDA.
     */
    public static List<String> jniDefines(String version, boolean cuda) {
        List<String> d = new ArrayList<>();
        String r = release(version);
        if (r != null && V1_13_X.matcher(r).matches()) {
            d.add("V1_13_X");
        }
        if (cuda) {
            d.add("USE_CUDA");
        }
        return d;
    }
}
