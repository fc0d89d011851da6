package org.normbench.harness;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.nn.Block;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.normbench.datasets.DatasetLoader;
import org.normbench.datasets.DatasetRequest;
import org.normbench.datasets.DatasetSplits;
import org.normbench.engine.CellThreads;
import org.normbench.engine.CpuUsage;
import org.normbench.engine.DeviceSpec;
import org.normbench.engine.TorchRuntime;
import org.normbench.grid.CellKind;
import org.normbench.grid.CellSpec;
import org.normbench.hooks.ActivationRow;
import org.normbench.hooks.HistogramRow;
import org.normbench.model.LessonCnn;
import org.normbench.model.ResNet18;
import org.normbench.model.ResNetConfig;
import org.normbench.model.activations.ActivationOptions;
import org.normbench.model.activations.ActivationRegistry;
import org.normbench.model.norms.NormOptions;
import org.normbench.model.norms.NormRegistry;
import org.normbench.results.CellOutcome;
import org.normbench.results.CellOutput;
import org.normbench.results.CellStatus;
import org.normbench.train.Callback;
import org.normbench.train.CurvePoint;
import org.normbench.train.DatasetSource;
import org.normbench.train.Evaluation;
import org.normbench.train.FitResult;
import org.normbench.train.HeartbeatCallback;
import org.normbench.train.Learner;
import org.normbench.train.ProgressCallback;
import org.normbench.train.StandardCallbacks;
import org.normbench.train.StepTimer;
import org.normbench.train.Throughput;
import org.normbench.train.TrainConfig;

/**
 * Runs one cell of a grid - builds the model variant (ResNet18 or the lesson CNN), trains or times
 * it, evaluates it - and turns the outcome into a {@link CellOutput}. Every failure of the cell
 * (divergence, out of memory, any exception) becomes a status and a message, and the cell's native
 * memory is released before the next cell starts. Datasets are loaded once per (dataset, limits)
 * and shared by cells.
 */
public final class CellRunner implements AutoCloseable {
    /**
     * Seed of dataset subsets and train/validation splits. Fixed, so every cell of a grid sees the
     * same images; the cell's own seed drives initialisation, data order and augmentation.
     */
    static final long DATA_SEED = 0;

    private final Engine engine;
    private final PrintStream progress;
    private final Map<String, DatasetSplits> datasets = new HashMap<>();
    private final StopRequest stop;
    private PrintStream heartbeatOut;
    private Duration heartbeatEvery;

    /**
     * @param progressOrNull where per-cell progress bars go; null for quiet runs
     */
    public CellRunner(Engine engine, PrintStream progressOrNull) {
        this(engine, progressOrNull, StopRequest.never());
    }

    /**
     * @param stop ends a train cell at the next step boundary; the cell then throws {@link
     *     StopRequest.StoppedException} instead of returning a result
     */
    public CellRunner(Engine engine, PrintStream progressOrNull, StopRequest stop) {
        this.engine = engine;
        this.progress = progressOrNull;
        this.stop = stop;
    }

    /**
     * Where no progress bar is shown, print a heartbeat line to {@code out} every {@code every}
     * during a cell ({@link HeartbeatCallback}); a null {@code out} turns it off.
     */
    public CellRunner heartbeat(PrintStream out, Duration every) {
        this.heartbeatOut = out;
        this.heartbeatEvery = every;
        return this;
    }

    public CellOutput run(CellSpec cell, String progressLabel) {
        return run(cell, progressLabel, cell.device());
    }

    /**
     * Runs {@code cell} on {@code device} (its own, or where {@link DeviceSlots} placed an {@code
     * auto} cell); thread-safe, so several cells may run at once on different threads.
     */
    public CellOutput run(CellSpec cell, String progressLabel, String device) {
        CellOutcome.Builder row =
                CellOutcome.builder(cell).implementation("djl").startedAt(Instant.now().toString());
        List<List<Object>> curves = new ArrayList<>();
        List<List<Object>> activations = new ArrayList<>();
        List<List<Object>> histograms = new ArrayList<>();
        try {
            Device torchDevice = TorchRuntime.device(DeviceSpec.parse(device));
            // Before anything is allocated there: this thread's cells queue on a stream of its own
            // and run their own backward passes.
            CellThreads.prepare(torchDevice);
            row.device(DeviceSpec.parse(device).resolve(engine.getGpuCount()).toString());
            if (cell.kind() == CellKind.THROUGHPUT) {
                runThroughput(cell, torchDevice, progressLabel, row);
            } else {
                runTrain(cell, torchDevice, progressLabel, row, curves, activations, histograms);
            }
        } catch (StopRequest.StoppedException e) {
            // Not a result of the cell: it is redone when the run resumes.
            throw e;
        } catch (RuntimeException e) {
            // Whatever broke this cell (engine error, CUDA OOM, missing data, a bug in a plug-in
            // norm) is recorded with the cell; the grid goes on.
            fail(row, e);
        } catch (OutOfMemoryError e) {
            row.status(CellStatus.OOM)
                    .error(
                            "Java heap exhausted: "
                                    + e.getMessage()
                                    + " (raise NORMBENCH_JAVA_OPTS=-Xmx...)");
        } finally {
            row.finishedAt(Instant.now().toString());
        }
        return new CellOutput(
                cell.cellId(), row.build(), cell.asMap(), curves, activations, histograms);
    }

    private void runThroughput(
            CellSpec cell, Device device, String label, CellOutcome.Builder row) {
        Block model = buildModel(cell, 3, 32, 10);
        List<Callback> extra =
                progress == null && heartbeatOut != null
                        ? List.of(new HeartbeatCallback(heartbeatOut, label, heartbeatEvery))
                        : List.of();
        Throughput.Result r =
                Throughput.measure(
                        model,
                        cell.batchSize(),
                        cell.throughput().warmupSteps(),
                        cell.throughput().timedSteps(),
                        device,
                        cell.seed(),
                        extra);
        row.dataset("random")
                .params(ResNet18.trainableParameters(model))
                .steps(cell.throughput().warmupSteps() + cell.throughput().timedSteps())
                .stepMsMedian(r.stepMsMedian())
                .stepMsP90(r.stepMsP90())
                .imagesPerSecond(r.imagesPerSecond())
                .peakMemoryBytes(r.peakMemoryBytes())
                .trainSeconds(r.stepMsMedian() * r.timedSteps() / 1000.0);
        putCpu(row, r.timedCpu());
        row.status(CellStatus.OK);
    }

    private void runTrain(
            CellSpec cell,
            Device device,
            String label,
            CellOutcome.Builder row,
            List<List<Object>> curves,
            List<List<Object>> activations,
            List<List<Object>> histograms) {
        boolean fitCifarStem = fitsCifarStem(cell);
        DatasetSplits splits;
        synchronized (
                datasets) { // concurrent cells (--jobs): one loader at a time, each dataset loaded
            // once
            splits =
                    datasets.computeIfAbsent(
                            cell.dataset()
                                    + "|"
                                    + cell.data().trainLimit()
                                    + "|"
                                    + cell.data().testLimit()
                                    + "|"
                                    + cell.data().validationFraction()
                                    + "|"
                                    + fitCifarStem,
                            k ->
                                    DatasetLoader.load(
                                            DatasetRequest.of(cell.dataset())
                                                    .withLimits(
                                                            cell.data().trainLimit(),
                                                            cell.data().testLimit())
                                                    .withValidationFraction(
                                                            cell.data().validationFraction())
                                                    .withSeed(DATA_SEED)
                                                    .withFitCifarStem(fitCifarStem)));
        }
        DatasetSource[] sources = DatasetSource.of(splits, fitCifarStem);
        int classes = splits.train().classNames().size();
        Block model = buildModel(cell, sources[0].channels(), sources[0].height(), classes);
        List<Callback> extra = new ArrayList<>();
        extra.add(stop.callback());
        if (progress != null) {
            extra.add(new ProgressCallback(progress, label));
        } else if (heartbeatOut != null) {
            extra.add(new HeartbeatCallback(heartbeatOut, label, heartbeatEvery));
        }
        TrainConfig config = TrainConfig.of(cell, device);
        StandardCallbacks standard = StandardCallbacks.of(config);
        try (Learner learner =
                new Learner(model, config, sources[0], sources[1], standard.with(extra))) {
            row.params(ResNet18.trainableParameters(model));
            CpuUsage.Snapshot cpuBefore = CpuUsage.now();
            FitResult fit = learner.fit();
            putCpu(row, CpuUsage.now().since(cpuBefore));
            stop.throwIfRequested();
            StepTimer timer = standard.timer();
            row.steps(fit.steps())
                    .epochs(fit.epochs())
                    .finalTrainLoss(standard.recorder().finalTrainLoss())
                    .trainSeconds(fit.trainSeconds())
                    .stepMsMedian(finiteOrNull(timer.medianMs()))
                    .stepMsP90(finiteOrNull(timer.p90Ms()))
                    .imagesPerSecond(finiteOrNull(timer.imagesPerSecond(config.batchSize())))
                    .peakMemoryBytes(timer.peakMemoryBytes());
            for (CurvePoint p : standard.recorder().curve()) {
                curves.add(
                        Arrays.asList(
                                cell.cellId(),
                                p.step(),
                                p.epoch(),
                                p.trainLoss(),
                                p.lr(),
                                p.valLoss(),
                                p.valAccuracy()));
            }
            for (ActivationRow a : standard.activations()) {
                activations.add(a.csvValues(cell.cellId()));
            }
            for (HistogramRow h : standard.histograms()) {
                histograms.add(
                        Arrays.asList(
                                cell.cellId(),
                                h.step(),
                                h.layer(),
                                h.bin(),
                                h.lower(),
                                h.upper(),
                                h.count()));
            }
            if (fit.status() == FitResult.Status.DIVERGED) {
                row.status(CellStatus.DIVERGED).error(fit.message());
                return;
            }
            Evaluation test = learner.evaluate(sources[2]);
            row.testLoss(test.loss()).testAccuracy(test.accuracy()).status(CellStatus.OK);
        }
    }

    /**
     * Whether the cell's images are fitted to the CIFAR stem: the ResNet's stem wants 3x32x32 (grey
     * repeated, zero-padded); the lesson CNN takes the images as they are.
     */
    static boolean fitsCifarStem(CellSpec cell) {
        return cell.model().equals("resnet18");
    }

    /**
     * The cell's architecture ({@link CellSpec#MODELS}) for {@code channels x size x size} images.
     */
    static Block buildModel(CellSpec cell, int channels, int size, int classes) {
        NormOptions normOptions =
                NormOptions.parse(NormRegistry.get(cell.norm()), cell.normOptions());
        ActivationOptions actOptions =
                ActivationOptions.parse(
                        ActivationRegistry.get(cell.activation()), cell.activationOptions());
        return switch (cell.model()) {
            case "resnet18" ->
                    ResNet18.build(
                            ResNetConfig.cifar(cell.norm(), cell.activation())
                                    .withNormOptions(normOptions)
                                    .withActOptions(actOptions)
                                    .withWidth(cell.width())
                                    .withClasses(classes)
                                    .withInput(channels, size));
            case "lesson_cnn" ->
                    LessonCnn.build(
                            cell.norm(),
                            normOptions,
                            cell.activation(),
                            actOptions,
                            cell.width(),
                            channels,
                            classes);
            default ->
                    throw new IllegalArgumentException(
                            "no builder for model '"
                                    + cell.model()
                                    + "'; allowed: "
                                    + String.join(", ", CellSpec.MODELS));
        };
    }

    /**
     * The {@code cpu_share} and {@code contended} columns (docs/results-format.md); empty when
     * unknown.
     */
    private static void putCpu(CellOutcome.Builder row, CpuUsage.Delta cpu) {
        row.cpuShare(cpu == null ? null : cpu.cpuShare())
                .contended(cpu == null ? null : cpu.contended());
    }

    private static Double finiteOrNull(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /**
     * Maps an exception to a cell status: out-of-memory messages from CUDA or libtorch's CPU
     * allocator are {@code oom}.
     */
    static void fail(CellOutcome.Builder row, Throwable e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String lower = msg.toLowerCase(Locale.ROOT);
        boolean oom =
                lower.contains("out of memory")
                        || lower.contains("can't allocate memory")
                        || lower.contains("cannot allocate memory")
                        || lower.contains("not enough memory");
        String firstLine = msg.lines().findFirst().orElse(msg);
        row.status(oom ? CellStatus.OOM : CellStatus.ERROR)
                .error(
                        (oom ? "" : e.getClass().getSimpleName() + ": ")
                                + (firstLine.length() > 500
                                        ? firstLine.substring(0, 500) + "..."
                                        : firstLine));
    }

    @Override
    public void close() {
        datasets.clear();
    }
}
