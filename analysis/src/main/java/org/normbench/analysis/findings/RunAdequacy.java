package org.normbench.analysis.findings;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.normbench.analysis.figures.Settings;
import org.normbench.analysis.load.Cell;
import org.normbench.analysis.load.Run;

/**
 * Whether a run is big enough for its findings to count as evidence about the study's claims, and
 * if not, why, in words for the top of the report. A run falls short when (1) its grid points have
 * fewer than {@link Expectation#MIN_SEEDS} finished seeds, (2) its profile or grid is a smoke test
 * (the name contains "smoke": it checks the pipeline, not the science), or (3) each train cell saw
 * fewer than {@link #MIN_TRAINING_IMAGES} training images (train_limit x epochs in the manifest's
 * grid). The verdicts are still computed: they describe this run's data, not the claims.
 */
public record RunAdequacy(List<String> shortfalls) {
    public static final int MIN_TRAINING_IMAGES = 5_000;

    public boolean supportsClaims() {
        return shortfalls.isEmpty();
    }

    public static RunAdequacy of(Run run) {
        List<String> out = new ArrayList<>();
        List<Cell> train = Settings.primaryTrainCells(run);
        Map<String, Long> okSeeds =
                train.stream()
                        .filter(Cell::isOk)
                        .collect(
                                Collectors.groupingBy(
                                        c ->
                                                c.variant()
                                                        + "|"
                                                        + c.batchSize()
                                                        + "|"
                                                        + c.lrProtocol(),
                                        Collectors.counting()));
        long maxSeeds = okSeeds.values().stream().mapToLong(Long::longValue).max().orElse(0);
        if (maxSeeds < Expectation.MIN_SEEDS) {
            out.add(
                    maxSeeds
                            + " finished seed"
                            + (maxSeeds == 1 ? "" : "s")
                            + " per grid point: every verdict is "
                            + "inconclusive, because a verdict needs a 95% confidence interval over at least "
                            + Expectation.MIN_SEEDS
                            + " seeds");
        }
        JsonNode m = run.manifest().json();
        String profile = m.path("profile").asText("");
        String grid = m.path("grid_name").asText("");
        String smoke =
                profile.toLowerCase(Locale.ROOT).contains("smoke")
                        ? profile
                        : grid.toLowerCase(Locale.ROOT).contains("smoke") ? grid : "";
        if (!smoke.isEmpty()) {
            out.add(
                    "profile '"
                            + smoke
                            + "' is a smoke test of the pipeline, too short to train the models the claims "
                            + "are about");
        }
        long images = trainingImages(m.path("grid"));
        if (images > 0 && images < MIN_TRAINING_IMAGES) {
            out.add(
                    String.format(
                            Locale.ROOT,
                            "each train cell saw %,d training images (train_limit x epochs), fewer than "
                                    + "the %,d this report asks of a run whose findings count",
                            images,
                            MIN_TRAINING_IMAGES));
        }
        return new RunAdequacy(List.copyOf(out));
    }

    /**
     * train_limit x epochs from the grid (the train section overrides the top level); 0 when
     * unknown.
     */
    static long trainingImages(JsonNode grid) {
        JsonNode train = grid.path("train");
        JsonNode limit =
                train.has("train_limit") ? train.get("train_limit") : grid.path("train_limit");
        JsonNode epochs = train.has("epochs") ? train.get("epochs") : grid.path("epochs");
        if (!limit.isNumber() || !epochs.isNumber()) {
            return 0;
        }
        return Math.round(limit.asDouble() * epochs.asDouble());
    }
}
