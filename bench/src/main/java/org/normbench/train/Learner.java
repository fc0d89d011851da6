package org.normbench.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import org.normbench.datasets.DatasetSplits;
import org.normbench.datasets.ImageDataset;
import org.normbench.engine.TorchRuntime;

/**
 * The training loop, fastai style: {@link #fit()} is a short sequence of named events and every
 * feature (schedule, metrics, divergence guard, timer, activation statistics, progress) is a {@link
 * Callback} given by the caller ({@link StandardCallbacks} makes the usual set); the learner knows
 * callbacks only through {@link Callback} and runs them by {@link Callback#order()}, and their
 * results are read off them after the fit. Each step's NDArrays live in a per-step NDManager scope
 * closed at the end of the step, gradients included ({@link LeafParameterStore}: one fresh leaf of
 * all parameters per step, no zeroing, no accumulation); parameters and optimizer state live in the
 * learner's manager. Optimiser: DJL's SGD (momentum, weight decay on every parameter, also norm
 * affine parameters), driven by {@link #lr()}, run once over all parameters ({@link FlatSgd}: the
 * learner makes every trainable parameter array a view of one buffer). Not thread-safe; one fit per
 * learner; learners on different threads are independent (seeding and initialisation take turns).
 * Closing releases the parameters it initialised.
 */
public final class Learner implements AutoCloseable {
    /** Held while seeding the global generators and initialising a model from them. */
    private static final Object SEEDING = new Object();

    private final Block model;
    private final TrainConfig config;
    private final BatchSource train;
    private final BatchSource validation;
    private final Engine engine;
    private final NDManager root;
    private final LeafParameterStore parameterStore;
    private final List<Parameter> trainable = new ArrayList<>();
    private final FlatSgd sgd;
    private final Loss lossFunction = Loss.softmaxCrossEntropyLoss();
    private final List<Callback> callbacks;
    private final int stepsPerEpoch;
    private final int totalSteps;

    private int step;
    private int epoch;
    private double lr;
    private NDManager scope;
    private BatchFeeder.HostBatch batch;
    private NDArray loss;
    private Double lossValue;
    private NDArray logits;
    private Evaluation lastValidation;
    private int lastValidationStep = -1;
    private FitResult.Status status = FitResult.Status.OK;
    private String message = "";
    private ByteBuffer inputBuffer;

    /**
     * One element of the parameters, read to wait for the device (a view made once, not per step).
     */
    private NDArray syncProbe;

    private NDArray lossSeed;

    /**
     * @param validation may be null (no validation)
     * @param callbacks every callback of the fit (none is added); equal orders keep list order
     */
    public Learner(
            Block model,
            TrainConfig config,
            BatchSource train,
            BatchSource validation,
            List<? extends Callback> callbacks) {
        this.model = model;
        this.config = config;
        this.train = train;
        this.validation = validation;
        if (train.size() < config.batchSize()) {
            throw new IllegalArgumentException(
                    "training set has "
                            + train.size()
                            + " images, fewer than batchSize="
                            + config.batchSize());
        }
        this.engine = TorchRuntime.engine();
        this.root = engine.newBaseManager(config.device());
        // The seed is global (torch's default generator and DJL's): learners built on concurrent
        // threads
        // (normbench bench --jobs N) take turns, so each model gets the initial weights its seed
        // gives alone.
        synchronized (SEEDING) {
            engine.setRandomSeed((int) config.seed());
            if (!model.isInitialized()) {
                model.initialize(
                        root,
                        DataType.FLOAT32,
                        new Shape(
                                config.batchSize(),
                                train.channels(),
                                train.height(),
                                train.width()));
            }
        }
        for (Pair<String, Parameter> p : model.getParameters()) {
            if (p.getValue().requiresGradient()) {
                trainable.add(p.getValue());
            }
        }
        this.sgd =
                new FlatSgd(
                        trainable,
                        (float) config.optimizer().momentum(),
                        (float) config.optimizer().weightDecay(),
                        () -> lr,
                        root);
        this.parameterStore = new LeafParameterStore(root, sgd);
        this.stepsPerEpoch = train.size() / config.batchSize();
        this.totalSteps = config.totalSteps(stepsPerEpoch);
        this.lr = config.lr();
        this.callbacks = new ArrayList<>(callbacks);
        this.callbacks.sort(Comparator.comparingInt(Callback::order));
    }

    /**
     * A learner on a loaded dataset: trains on {@code splits.train()} (augmented), validates on
     * {@code splits.validation()} when it is not empty; {@link #evaluate(ImageDataset)} then takes
     * any split of the same dataset.
     */
    public Learner(
            Block model,
            TrainConfig config,
            DatasetSplits splits,
            boolean fitCifarStem,
            List<? extends Callback> callbacks) {
        this(model, config, DatasetSource.of(splits, fitCifarStem), callbacks);
    }

    private Learner(
            Block model,
            TrainConfig config,
            DatasetSource[] sources,
            List<? extends Callback> callbacks) {
        this(model, config, sources[0], sources[1], callbacks);
    }

    /**
     * Trains for the configured budget and returns what the loop itself knows (never throws for a
     * divergence); metrics, timings and statistics are read off their callbacks.
     */
    public FitResult fit() {
        long start = System.nanoTime();
        try {
            event(Callback::beforeFit);
            while (step < totalSteps) {
                try {
                    runEpoch();
                } catch (CancelEpochException e) {
                    message = e.getMessage();
                }
                epoch++;
            }
            if (validation != null && lastValidationStep != step) {
                validate();
            }
        } catch (CancelFitException e) {
            message = e.getMessage();
        } finally {
            event(Callback::afterFit);
        }
        return new FitResult(
                status,
                message,
                step,
                (double) step / stepsPerEpoch,
                (System.nanoTime() - start) / 1e9);
    }

    private void runEpoch() {
        event(Callback::beforeEpoch);
        try (BatchFeeder feeder =
                new BatchFeeder(
                        train,
                        config.batchSize(),
                        BatchFeeder.epochOrder(train.size(), config.seed(), epoch),
                        BatchFeeder.epochAugmentation(config.seed(), epoch),
                        2)) {
            while (step < totalSteps && feeder.hasNext()) {
                oneBatch(feeder.next());
                if (validation != null
                        && config.validateEverySteps() > 0
                        && step % config.validateEverySteps() == 0) {
                    validate();
                }
            }
        }
        event(Callback::afterEpoch);
    }

    private void oneBatch(BatchFeeder.HostBatch b) {
        step++;
        batch = b;
        lossValue = null;
        try (NDManager s = root.newSubManager()) {
            scope = s;
            parameterStore.beginStep(s);
            try {
                event(Callback::beforeBatch);
                NDArray x =
                        hostInput(
                                s,
                                b.images(),
                                new Shape(
                                        b.size(), train.channels(), train.height(), train.width()));
                // (N, 1), the logits' rank: DJL's pick then gathers without reshaping the labels.
                NDArray y = s.create(longs(b.labels()), new Shape(b.size(), 1));
                // Not DJL's GradientCollector: it allows one collecting at a time per process (a
                // static flag), while libtorch's grad mode is per thread, so concurrent cells
                // (--jobs) each record their own graph. Same calls otherwise: grad mode on,
                // backward from ones.
                boolean gradMode = JniUtils.isGradMode();
                JniUtils.setGradMode(true);
                try {
                    logits = model.forward(parameterStore, new NDList(x), true).singletonOrThrow();
                    loss = lossFunction.evaluate(new NDList(y), new NDList(logits));
                    event(Callback::afterLoss);
                    JniUtils.backward(
                            (PtNDArray) loss, (PtNDArray) seedGradient(loss), false, false);
                } finally {
                    JniUtils.setGradMode(gradMode);
                }
                event(Callback::afterBackward);
                updateParameters();
                event(Callback::afterStep);
            } catch (CancelBatchException e) {
                // Nothing to undo: this step's gradients belong to its parameter leaves, closed
                // with the scope.
            }
            event(Callback::afterBatch);
        } finally {
            parameterStore.endStep();
            scope = null;
            loss = null;
            logits = null;
        }
    }

    /**
     * DJL's SGD over all parameters at once ({@link FlatSgd}) with this step's flat gradient; the
     * stored arrays never get a gradient of their own, so nothing needs zeroing.
     */
    private void updateParameters() {
        sgd.step(parameterStore.flatGradient());
    }

    private void validate() {
        event(Callback::beforeValidate);
        lastValidation = evaluate(validation);
        lastValidationStep = step;
        event(Callback::afterValidate);
    }

    /**
     * Mean loss and accuracy on a split of the dataset this learner was built on (it reuses the
     * training set's normalisation).
     *
     * @throws IllegalStateException when the learner was built from plain {@link BatchSource}s
     */
    public Evaluation evaluate(ImageDataset data) {
        if (!(train instanceof DatasetSource ds)) {
            throw new IllegalStateException(
                    "evaluate(ImageDataset) needs a learner built from DatasetSplits; use evaluate(BatchSource)");
        }
        return evaluate(new DatasetSource(data, ds.assembler()));
    }

    /**
     * Mean loss and accuracy on {@code data} in eval mode, batched, no augmentation, all images.
     * The sums stay on the device until the end (two host reads per evaluation, not two per batch),
     * with the arithmetic of a host sum: each batch's float32 loss times its size, added in
     * float64.
     */
    public Evaluation evaluate(BatchSource data) {
        int n = data.size();
        int bs = config.batchSize();
        int image = data.imageSize();
        try (NDManager sums = root.newSubManager()) {
            NDArray lossSum = sums.zeros(new Shape(), DataType.FLOAT64);
            NDArray correct = sums.zeros(new Shape(), DataType.INT64);
            evaluateInto(data, n, bs, image, lossSum, correct);
            return new Evaluation(lossSum.getDouble() / n, (double) correct.getLong() / n, n);
        }
    }

    private void evaluateInto(
            BatchSource data, int n, int bs, int image, NDArray lossSum, NDArray correct) {
        for (int start = 0; start < n; start += bs) {
            int m = Math.min(bs, n - start);
            int[] idx = new int[m];
            for (int i = 0; i < m; i++) {
                idx[i] = start + i;
            }
            float[] xs = new float[m * image];
            int[] ys = new int[m];
            data.assemble(idx, xs, ys, null);
            try (NDManager s = root.newSubManager()) {
                NDArray x =
                        hostInput(
                                s, xs, new Shape(m, data.channels(), data.height(), data.width()));
                NDArray y = s.create(ys).toType(DataType.INT64, false);
                NDArray out =
                        model.forward(parameterStore, new NDList(x), false).singletonOrThrow();
                lossSum.addi(
                        lossFunction
                                .evaluate(new NDList(y), new NDList(out))
                                .mul(m)
                                .toType(DataType.FLOAT64, false));
                correct.addi(out.argMax(1).eq(y).sum().toType(DataType.INT64, false));
            }
        }
    }

    /**
     * The batch as an NDArray in {@code s}, backed on CPU by one direct buffer reused every step
     * (the tensor aliases it until the step's scope closes). DJL's create(float[]) allocates a
     * fresh direct buffer per call that only a GC frees; between GCs they pile up, and glibc (trim
     * threshold raised by cpu-env.sh) keeps that high-water mark resident for the rest of the run.
     */
    private NDArray hostInput(NDManager s, float[] data, Shape shape) {
        int bytes = data.length * Float.BYTES;
        if (inputBuffer == null || inputBuffer.capacity() < bytes) {
            inputBuffer = ByteBuffer.allocateDirect(bytes);
        }
        ByteBuffer view = inputBuffer.duplicate().order(ByteOrder.nativeOrder());
        view.clear().limit(bytes);
        view.asFloatBuffer().put(data);
        return s.create(view, shape, DataType.FLOAT32);
    }

    /** d loss / d loss = 1, in the loss's shape, type and device; made once, not per step. */
    private NDArray seedGradient(NDArray lossArray) {
        if (lossSeed == null || !lossSeed.getShape().equals(lossArray.getShape())) {
            lossSeed =
                    root.ones(lossArray.getShape(), lossArray.getDataType(), lossArray.getDevice());
        }
        return lossSeed;
    }

    /**
     * Labels as int64 on the host, so the device gets them in the loss's type with no conversion
     * op.
     */
    private static long[] longs(int[] labels) {
        long[] out = new long[labels.length];
        for (int i = 0; i < labels.length; i++) {
            out[i] = labels[i];
        }
        return out;
    }

    private void event(BiConsumer<Callback, Learner> e) {
        for (Callback c : callbacks) {
            e.accept(c, this);
        }
    }

    // ---- state for callbacks ----

    public Block model() {
        return model;
    }

    public TrainConfig config() {
        return config;
    }

    /** The current optimizer step, 1-based during a batch; after the fit, the steps taken. */
    public int step() {
        return step;
    }

    /** 0-based epoch index. */
    public int epoch() {
        return epoch;
    }

    /** Fractional epochs completed at the current step. */
    public double epochProgress() {
        return (double) step / stepsPerEpoch;
    }

    public int stepsPerEpoch() {
        return stepsPerEpoch;
    }

    public int totalSteps() {
        return totalSteps;
    }

    public Device device() {
        return config.device();
    }

    /** Learning rate used by the next parameter update. */
    public double lr() {
        return lr;
    }

    public void setLr(double lr) {
        this.lr = lr;
    }

    /**
     * The current step's NDManager scope (closed at the end of the step), or null outside a step.
     */
    public NDManager scope() {
        return scope;
    }

    /** Number of images in the current batch. */
    public int batchSize() {
        return batch == null ? config.batchSize() : batch.size();
    }

    /** The current step's loss NDArray (set from {@code afterLoss} to the end of the step). */
    public NDArray loss() {
        return loss;
    }

    /** The current step's logits (set from {@code afterLoss} to the end of the step). */
    public NDArray logits() {
        return logits;
    }

    /**
     * The current loss as a host number; the first call per step syncs with the device. Read with
     * toFloatArray: DJL's getFloat copies the value into a new array first (one more native op).
     */
    public double lossValue() {
        if (lossValue == null) {
            lossValue = (double) loss.toFloatArray()[0];
        }
        return lossValue;
    }

    public Evaluation lastValidation() {
        return lastValidation;
    }

    public FitResult.Status status() {
        return status;
    }

    /** Marks the fit as diverged; the caller then throws {@link CancelFitException}. */
    public void markDiverged(String why) {
        status = FitResult.Status.DIVERGED;
        message = why;
    }

    /**
     * Waits until the device has finished the queued work of this step (a no-op on CPU, where ops
     * run synchronously), so timings measure the work and not its enqueueing.
     */
    public void syncDevice() {
        if (config.device().isGpu() && scope != null) {
            if (syncProbe == null) {
                syncProbe = sgd.flat().get(0);
            }
            syncProbe.toFloatArray();
        }
    }

    /** The optimizer over the flat parameter buffer (for tests in this package). */
    FlatSgd flatSgd() {
        return sgd;
    }

    @Override
    public void close() {
        root.close();
    }
}
