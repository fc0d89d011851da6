package org.normbench.grid;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The named grids {@code make bench PROFILE=...} can run, and which one {@code auto} picks: the
 * {@code full} study when a CUDA device is visible, else {@code cpu-smoke}. {@code cpu-study} (the
 * three findings at small scale, 3 seeds, about 35 minutes per seed on 2 cores) and {@code
 * lesson10} (fast.ai's notebook 07 experiment: the lesson CNN, a fixed lr of 0.4 at batch 2 and 32,
 * 3 seeds) run only when asked for. Returns the grid file and a sentence saying which and why,
 * which the CLI prints before starting. Not a parser.
 */
public final class Profiles {

    public static final String AUTO = "auto";
    public static final String CPU_SMOKE = "cpu-smoke";
    public static final String CPU_STUDY = "cpu-study";
    public static final String FULL = "full";
    public static final String LESSON10 = "lesson10";
    public static final List<String> NAMES = List.of(AUTO, CPU_SMOKE, CPU_STUDY, FULL, LESSON10);

    /** Where shipped grids live, relative to the repository root (where {@code make} runs). */
    public static final Path DEFAULT_GRIDS_DIR = Path.of("bench", "grids");

    /**
     * A resolved profile.
     *
     * @param requested what the user asked for ({@code auto}, ...)
     * @param profile the concrete profile ({@code cpu-smoke}, {@code cpu-study}, {@code lesson10}
     *     or {@code full})
     * @param gridFile the grid file to parse
     * @param reason one sentence for the console and the manifest
     */
    public record Choice(String requested, String profile, Path gridFile, String reason) {}

    private Profiles() {}

    public static Choice resolve(String profile, int visibleGpus) {
        return resolve(profile, visibleGpus, DEFAULT_GRIDS_DIR);
    }

    /**
     * @throws IllegalArgumentException for an unknown profile name, listing the known ones
     */
    public static Choice resolve(String profile, int visibleGpus, Path gridsDir) {
        if (visibleGpus < 0) {
            throw new IllegalArgumentException("visibleGpus must be >= 0, got " + visibleGpus);
        }
        String requested = profile == null ? "" : profile.trim().toLowerCase(Locale.ROOT);
        String gpus =
                visibleGpus == 0
                        ? "no CUDA device is visible"
                        : visibleGpus == 1
                                ? "1 CUDA device is visible"
                                : visibleGpus + " CUDA devices are visible";
        switch (requested) {
            case AUTO:
                {
                    String chosen = visibleGpus > 0 ? FULL : CPU_SMOKE;
                    Path file = gridsDir.resolve(chosen + ".yaml");
                    String other = chosen.equals(FULL) ? CPU_SMOKE : FULL;
                    return new Choice(
                            AUTO,
                            chosen,
                            file,
                            "Profile auto: "
                                    + gpus
                                    + ", so running '"
                                    + chosen
                                    + "' ("
                                    + file
                                    + "); set PROFILE="
                                    + other
                                    + " to override.");
                }
            case CPU_SMOKE:
            case CPU_STUDY:
            case LESSON10:
            case FULL:
                {
                    Path file = gridsDir.resolve(requested + ".yaml");
                    String warning =
                            requested.equals(FULL) && visibleGpus == 0
                                    ? " Warning: "
                                            + gpus
                                            + ", so its GPU cells will fail; PROFILE=auto picks cpu-smoke here."
                                    : "";
                    return new Choice(
                            requested,
                            requested,
                            file,
                            "Profile " + requested + " as requested (" + file + ")." + warning);
                }
            default:
                throw new IllegalArgumentException(
                        "unknown profile '"
                                + profile
                                + "'; allowed: "
                                + String.join(", ", NAMES)
                                + " (or give a grid file with GRID=<file.yaml> / --grid)");
        }
    }
}
